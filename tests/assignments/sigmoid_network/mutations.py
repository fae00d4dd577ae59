"""Catalogued mistakes of sigmoid_network's exercises, as edits of the reference solutions."""
MUTATIONS = {
    ("sigmoid_network_forward", "no-output-sigmoid"): [("return a2, cache", "return z2, cache")],
    ("sigmoid_network_forward", "no-biases"): [("z1 = x @ W1.T + b1", "z1 = x @ W1.T"),
                                               ("z2 = a1 @ W2.T + b2", "z2 = a1 @ W2.T")],
    ("sigmoid_network_forward", "W1-not-transposed"): [("z1 = x @ W1.T + b1", "z1 = x @ W1 + b1")],
    ("sigmoid_network_backward", "loss-sign-flipped"): [("dyhat = yhat - y", "dyhat = y - yhat")],
    ("sigmoid_network_backward", "biases-not-summed"): [("db2 = dz2.sum(axis=0)", "db2 = dz2"),
                                                        ("db1 = dz1.sum(axis=0)", "db1 = dz1")],
    ("sigmoid_network_backward", "weights-transposed"): [("dW2 = dz2.T @ a1", "dW2 = a1.T @ dz2"),
                                                         ("dW1 = dz1.T @ x", "dW1 = x.T @ dz1")],
    ("sigmoid_network_backward", "output-slope-skipped"): [("dz2 = dyhat * yhat * (1 - yhat)",
                                                            "dz2 = dyhat")],
    ("sigmoid_network_question_1", "most-wrong"): [("return -0.7", "return -6.0")],
    ("sigmoid_network_question_1", "steepest-sigmoid"): [("return -0.7", "return 0.0")],
    ("sigmoid_network_question_1", "not-moved"): [("return -0.7", "return 2.0")],
}
