"""Catalogued mistakes of unit 2 (assignments 06 to 12), as edits of the reference solutions."""

MUTATIONS = {
    ("matmul_backward", "forgot-upstream"): [("dW = dD @ X.T", "dW = np.ones_like(dD) @ X.T"),
                                             ("dX = W.T @ dD", "dX = W.T @ np.ones_like(dD)")],
    ("matmul_rows_backward", "forgot-upstream"): [("dX = dD @ W.T", "dX = np.ones_like(dD) @ W.T"),
                                                  ("dW = X.T @ dD", "dW = X.T @ np.ones_like(dD)")],
    ("affine_backward", "forgot-upstream"): [("dX = dD @ W.T", "dD = np.ones_like(dD)\n    dX = dD @ W.T")],
    ("linear_backward", "forgot-upstream"): [("dx = W.T @ dout", "dout = np.ones_like(dout)\n    dx = W.T @ dout")],
    ("tanh_backward", "forgot-upstream"): [(") * dout", ")")],
    ("relu_backward", "forgot-upstream"): [("(x >= 0) * dout", "(x >= 0) * 1.0")],
    ("sigmoid_layer_backward", "forgot-upstream"): [("s * (1 - s) * dout", "s * (1 - s)")],
    ("conv1d_backward", "forgot-upstream"): [("dout[i]", "1.0")],
}
