"""Catalogued mistakes of digits's exercises, as edits of the reference solutions in its source
notebook: (exercise, mistake) -> [(text in the solution, text that makes the mistake)]."""
MUTATIONS = {
    ("affine_backward_rows", "db-averaged"): [("db = dout.sum(axis=0)", "db = dout.mean(axis=0)")],
    ("affine_backward_rows", "db-not-summed"): [("db = dout.sum(axis=0)", "db = dout")],
    ("affine_backward_rows", "dW-transposed"): [("dW = X.T @ dout", "dW = dout.T @ X")],
    ("affine_backward_rows", "forgot-upstream"): [
        ("dX = dout @ W.T", "dX = np.ones_like(dout) @ W.T"),
        ("dW = X.T @ dout", "dW = X.T @ np.ones_like(dout)"),
        ("db = dout.sum(axis=0)", "db = np.ones_like(dout).sum(axis=0)")],
    ("relu_backward_rows", "gated-by-gradient"): [("dout * (X > 0)", "dout * (dout > 0)")],
    ("relu_backward_rows", "gate-inverted"): [("dout * (X > 0)", "dout * (X < 0)")],
    ("relu_backward_rows", "output-as-slope"): [("dout * (X > 0)", "dout * np.maximum(X, 0)")],
    ("relu_backward_rows", "forgot-upstream"): [("return dout * (X > 0)", "return 1.0 * (X > 0)")],
    ("softmax_cross_entropy_rows", "no-shift"): [
        ("shifted = logits - logits.max(axis=1, keepdims=True)", "shifted = logits")],
    ("softmax_cross_entropy_rows", "summed-not-averaged"): [
        ("loss = np.mean(", "loss = np.sum("), ("dlogits / len(labels)", "dlogits")],
    ("softmax_cross_entropy_rows", "gradient-not-divided-by-N"): [("dlogits / len(labels)", "dlogits")],
    ("softmax_cross_entropy_rows", "one-taken-everywhere"): [
        ("dlogits[rows, labels] -= 1.0", "dlogits -= 1.0")],
    ("softmax_cross_entropy_rows", "sign-flipped"): [
        ("dlogits / len(labels)", "-dlogits / len(labels)")],
    ("accuracy", "max-not-argmax"): [("np.argmax(logits, axis=1)", "np.max(logits, axis=1)")],
    ("accuracy", "count-not-fraction"): [("np.mean(", "np.sum(")],
    ("accuracy", "error-rate"): [("== labels", "!= labels")],
    ("accuracy", "percent"): [("return float(", "return 100 * float(")],
}
