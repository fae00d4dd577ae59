"""Catalogued mistakes of normalisation's exercises, as edits of the reference solutions."""
_BATCH_AXIS = [(f"{text}(axis=1, keepdims=True)", f"{text}(axis=0, keepdims=True)")
               for text in ("x.var", "x.mean", "dxhat.sum")]

MUTATIONS = {
    ("batchnorm_backward_staged", "equals-at-fork"): [("dxc += 2.0 * xc / N * dvar",
                                                       "dxc = 2.0 * xc / N * dvar")],
    ("batchnorm_backward_staged", "forgot-mean-path"): [("dx = dxc + dmu / N", "dx = dxc")],
    ("batchnorm_backward_staged", "forgot-variance-path"): [("dxc += 2.0 * xc / N * dvar", "pass")],
    ("batchnorm_backward_staged", "not-summed-over-batch"): [
        ("dbeta = dout.sum(axis=0)", "dbeta = dout"),
        ("dgamma = np.sum(dout * xhat, axis=0)", "dgamma = dout * xhat")],
    ("batchnorm_backward_staged", "forgot-upstream"): [
        ("N = x.shape[0]", "N = x.shape[0]\n    dout = np.ones_like(dout)")],
    ("batchnorm_backward", "forgot-mean-path"): [("N * dout - dbeta - xhat * dgamma",
                                                  "N * dout - xhat * dgamma")],
    ("batchnorm_backward", "forgot-variance-path"): [("N * dout - dbeta - xhat * dgamma",
                                                      "N * dout - dbeta")],
    ("batchnorm_backward", "divided-by-N-1"): [("np.mean(xc**2, axis=0)",
                                                "np.sum(xc**2, axis=0) / (N - 1)")],
    ("batchnorm_backward", "var-without-eps"): [("np.mean(xc**2, axis=0) + eps",
                                                 "np.mean(xc**2, axis=0)")],
    ("batchnorm_backward", "forgot-upstream"): [
        ("N = x.shape[0]", "N = x.shape[0]\n    dout = np.ones_like(dout)")],
    ("layernorm_backward", "normalised-over-batch"): [
        ("D = x.shape[1]", "D = x.shape[0]"), *_BATCH_AXIS,
        ("np.sum(dxhat * xhat, axis=1, keepdims=True)", "np.sum(dxhat * xhat, axis=0, keepdims=True)")],
    ("layernorm_backward", "gamma-outside-sum"): [("dxhat = dout * gamma", "dxhat = dout"),
                                                  ("/ (D * std)", "* gamma / (D * std)")],
    ("layernorm_backward", "forgot-mean-path"): [("D * dxhat - dxhat.sum(axis=1, keepdims=True)",
                                                  "D * dxhat")],
    ("layernorm_backward", "var-without-eps"): [("x.var(axis=1, keepdims=True) + eps",
                                                 "x.var(axis=1, keepdims=True)")],
    ("layernorm_backward", "forgot-upstream"): [
        ("dxhat = dout * gamma", "dout = np.ones_like(dout)\n    dxhat = dout * gamma")],
}
