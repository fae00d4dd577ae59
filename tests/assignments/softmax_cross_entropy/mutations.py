"""Catalogued mistakes of softmax_cross_entropy's exercises, as edits of the reference solutions."""
_NAIVE_SOFTMAX = "np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)"

MUTATIONS = {
    ("softmax", "no-shift"): [("np.exp(Z - Z.max(axis=1, keepdims=True))", "np.exp(Z)")],
    ("softmax", "normalised-over-columns"): [("exps.sum(axis=1, keepdims=True)",
                                              "exps.sum(axis=0, keepdims=True)")],
    ("softmax", "normalised-over-batch"): [("exps.sum(axis=1, keepdims=True)", "exps.sum()")],
    ("softmax", "total-not-kept-as-column"): [("exps.sum(axis=1, keepdims=True)", "exps.sum(axis=1)")],
    ("cross_entropy", "summed-not-averaged"): [("-np.mean(log_p)", "-np.sum(log_p)")],
    ("cross_entropy", "labels-index-every-row"): [("shifted[rows, y]", "shifted[:, y]")],
    ("cross_entropy", "no-shift"): [("shifted = Z - Z.max(axis=1, keepdims=True)", "shifted = Z")],
    ("cross_entropy", "log-of-softmax"): [
        ("log_p = shifted[rows, y] - np.log(np.exp(shifted).sum(axis=1))",
         "log_p = np.log(np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True))[rows, y]")],
    ("softmax_cross_entropy_backward", "not-divided-by-N"): [("return dZ / len(y)", "return dZ")],
    ("softmax_cross_entropy_backward", "one-taken-everywhere"): [
        ("dZ[np.arange(len(y)), y] -= 1.0", "dZ -= 1.0")],
    ("softmax_cross_entropy_backward", "sign-flipped"): [("return dZ / len(y)", "return -dZ / len(y)")],
    ("softmax_cross_entropy_backward", "labels-index-every-row"): [
        ("dZ[np.arange(len(y)), y]", "dZ[:, y]")],
    ("softmax_cross_entropy_backward", "no-shift"): [("dZ = softmax(Z)", f"dZ = {_NAIVE_SOFTMAX}")],
    ("logistic_loss", "summed-not-averaged"): [("return np.mean(", "return np.sum(")],
    ("logistic_loss", "plus-minus-labels"): [("s = 2 * y - 1", "s = y")],
    ("logistic_loss", "sign-flipped"): [("return np.mean(", "return -np.mean(")],
    ("logistic_loss", "log-of-sigmoid"): [
        ("return np.mean(np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t))))",
         "sigma = 1 / (1 + np.exp(-z))\n"
         "    return -np.mean(y * np.log(sigma) + (1 - y) * np.log(1 - sigma))")],
}
