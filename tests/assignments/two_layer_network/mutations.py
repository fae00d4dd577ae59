"""Catalogued mistakes of two_layer_network's exercises, as edits of the reference solutions."""
MUTATIONS = {
    ("two_layer_backward", "loss-sign-flipped"): [("dx3 = x3 - y", "dx3 = y - x3")],
    ("two_layer_backward", "tanh-slope-on-x1"): [("dx1 = (1 - x2**2) * dx2", "dx1 = (1 - x1**2) * dx2")],
    ("two_layer_backward", "dW0-transposed"): [("dW0 = np.outer(dx1, x0)", "dW0 = np.outer(x0, dx1)")],
    ("two_layer_backward", "dW1-from-x1"): [("dW1 = dx3 * x2", "dW1 = dx3 * x1")],
    ("sgd_step", "changed-in-place"): [("return W - learning_rate * dW",
                                        "W -= learning_rate * dW\n    return W")],
    ("sgd_step", "uphill"): [("return W - learning_rate * dW", "return W + learning_rate * dW")],
    ("sgd_step", "transposed"): [("return W - learning_rate * dW", "return W - learning_rate * dW.T")],
    ("sgd_step", "no-learning-rate"): [("return W - learning_rate * dW", "return W - dW")],
}
