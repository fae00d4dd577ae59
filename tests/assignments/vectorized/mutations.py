"""Catalogued mistakes of vectorized's exercises, as edits of the reference solutions."""
MUTATIONS = {
    ("matmul_backward", "rows-layout"): [("dW = dD @ X.T", "dW = X.T @ dD"),
                                         ("dX = W.T @ dD", "dX = dD @ W.T")],
    ("matmul_backward", "dW-transposed"): [("dW = dD @ X.T", "dW = X @ dD.T")],
    ("matmul_backward", "dX-transposed"): [("dX = W.T @ dD", "dX = dD.T @ W")],
    ("matmul_backward", "forgot-upstream"): [("dW = dD @ X.T", "dW = np.ones_like(dD) @ X.T"),
                                             ("dX = W.T @ dD", "dX = W.T @ np.ones_like(dD)")],
    ("matmul_rows_backward", "columns-layout"): [("dX = dD @ W.T", "dX = W.T @ dD"),
                                                 ("dW = X.T @ dD", "dW = dD @ X.T")],
    ("matmul_rows_backward", "dX-transposed"): [("dX = dD @ W.T", "dX = W @ dD.T")],
    ("matmul_rows_backward", "dW-transposed"): [("dW = X.T @ dD", "dW = dD.T @ X")],
    ("matmul_rows_backward", "forgot-upstream"): [("dX = dD @ W.T", "dX = np.ones_like(dD) @ W.T"),
                                                  ("dW = X.T @ dD", "dW = X.T @ np.ones_like(dD)")],
    ("affine_backward", "bias-not-summed"): [("db = dD.sum(axis=0)", "db = dD")],
    ("affine_backward", "bias-summed-over-outputs"): [("db = dD.sum(axis=0)", "db = dD.sum(axis=1)")],
    ("affine_backward", "bias-averaged"): [("db = dD.sum(axis=0)", "db = dD.mean(axis=0)")],
    ("affine_backward", "forgot-upstream"): [("dX = dD @ W.T", "dD = np.ones_like(dD)\n    dX = dD @ W.T")],
}
