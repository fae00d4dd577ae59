"""Catalogued mistakes of derivative's exercises, as edits of the reference solutions."""
MUTATIONS = {
    ("forward_difference", "centered"): [("(f(x + h) - f(x)) / h", "(f(x + h) - f(x - h)) / (2 * h)")],
    ("forward_difference", "backward"): [("(f(x + h) - f(x)) / h", "(f(x) - f(x - h)) / h")],
    ("forward_difference", "not-divided"): [("(f(x + h) - f(x)) / h", "f(x + h) - f(x)")],
    ("forward_difference", "upside-down"): [("(f(x + h) - f(x)) / h", "(f(x) - f(x + h)) / h")],
    ("derivative_question_1", "smallest-step"): [('return "1e-8"', 'return "1e-14"')],
    ("derivative_question_1", "largest-step"): [('return "1e-8"', 'return "1e-2"')],
}
