"""Catalogued mistakes of input_gradients's exercises, as edits of the reference solutions."""
MUTATIONS = {
    ("input_gradient", "tanh-slope-on-pre-activation"): [
        ("da = (1 - h**2) * w2", "da = (1 - (W1 @ x + b1) ** 2) * w2")],
    ("input_gradient", "tanh-not-derivative"): [("da = (1 - h**2) * w2", "da = h * w2")],
    ("input_gradient", "forgot-w2"): [("da = (1 - h**2) * w2", "da = 1 - h**2")],
    ("ascent_step", "downhill"): [("return x + lr * dx", "return x - lr * dx")],
    ("ascent_step", "penalty-sign"): [("- lam * x", "+ lam * x")],
    ("ascent_step", "no-penalty"): [(" - lam * x", "")],
    ("input_gradients_question_1", "first-order-estimate"): [("return 0.7", "return 7.83")],
    ("input_gradients_question_1", "orange-point"): [("return 0.7", "return 0.17")],
    ("input_gradients_question_1", "estimate-at-orange-point"): [("return 0.7", "return 0.198")],
    ("embedding_backward", "repeats-overwritten"): [("np.add.at(dE, ids, dout)", "dE[ids] += dout")],
    ("embedding_backward", "started-from-E"): [("dE = np.zeros_like(E)", "dE = E.copy()")],
    ("embedding_backward", "by-position"): [("np.add.at(dE, ids, dout)",
                                             "np.add.at(dE, np.arange(len(ids)), dout)")],
}
