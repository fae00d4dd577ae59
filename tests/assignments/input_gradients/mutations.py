"""Catalogued mistakes of input_gradients's exercises, as edits of the reference solutions."""
MUTATIONS = {
    ("input_gradient", "tanh-slope-on-pre-activation"): [
        ("da = (1 - h**2) * w2", "da = (1 - (W1 @ x + b1) ** 2) * w2")],
    ("input_gradient", "tanh-not-derivative"): [("da = (1 - h**2) * w2", "da = h * w2")],
    ("input_gradient", "forgot-w2"): [("da = (1 - h**2) * w2", "da = 1 - h**2")],
    ("ascent_step", "downhill"): [("return x + lr * dx", "return x - lr * dx")],
    ("ascent_step", "penalty-sign"): [("- lam * x", "+ lam * x")],
    ("ascent_step", "no-penalty"): [(" - lam * x", "")],
    ("embedding_backward", "repeats-overwritten"): [("np.add.at(dE, ids, dout)", "dE[ids] += dout")],
    ("embedding_backward", "started-from-E"): [("dE = np.zeros_like(E)", "dE = E.copy()")],
    ("embedding_backward", "by-position"): [("np.add.at(dE, ids, dout)",
                                             "np.add.at(dE, np.arange(len(ids)), dout)")],
}
