"""Catalogued mistakes of staged_backprop's exercises, as edits of the reference solutions."""
_SIGX = '(1 - c["sigx"]) * c["sigx"]'
_SIGY = '(1 - c["sigy"]) * c["sigy"]'

MUTATIONS = {
    ("staged_forward", "no-square"): [("xpysqr = xpy**2", "xpysqr = xpy")],
    ("staged_forward", "sigmas-swapped"): [("num = x + sigy", "num = x + sigmoid(x)"),
                                           ("den = sigx + xpysqr", "den = sigy + xpysqr")],
    ("staged_forward", "not-inverted"): [("f = num * invden", "f = num * den")],
    ("staged_backward", "overwrote-dx"): [("dx += 1.0 * dnum", "dx = 1.0 * dnum")],
    ("staged_backward", "overwrote-dy"): [(f"dy += {_SIGY}", f"dy = {_SIGY}")],
    ("staged_backward", "sigma-not-derivative"): [(_SIGX, 'c["sigx"]'), (_SIGY, 'c["sigy"]')],
    ("staged_backward", "lost-minus"): [('dden = -1.0 / c["den"] ** 2', 'dden = 1.0 / c["den"] ** 2')],
    ("staged_backward", "square-without-2"): [('dxpy = 2 * c["xpy"]', 'dxpy = c["xpy"]')],
    ("staged_backprop_question_1", "not-moved"): [("return -3.0", "return -4.0")],
    ("staged_backprop_question_1", "y-is-zero"): [("return -3.0", "return 0.0")],
    ("staged_backprop_question_1", "read-df-dx"): [("return -3.0", "return -2.9")],
}
