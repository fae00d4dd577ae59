"""Catalogued mistakes of gates's exercises, as edits of the reference solutions."""
MUTATIONS = {
    ("add_backward", "split"): [("1.0 * dout, 1.0 * dout", "dout / 2, dout / 2")],
    ("add_backward", "swapped-like-multiply"): [("1.0 * dout, 1.0 * dout", "y * dout, x * dout")],
    ("add_backward", "own-input"): [("1.0 * dout, 1.0 * dout", "x * dout, y * dout")],
    ("add_backward", "forgot-upstream"): [("1.0 * dout, 1.0 * dout", "1.0, 1.0")],
    ("mul_backward", "not-swapped"): [("y * dout, x * dout", "x * dout, y * dout")],
    ("mul_backward", "like-add"): [("y * dout, x * dout", "dout, dout")],
    ("mul_backward", "forgot-upstream"): [("y * dout, x * dout", "y, x")],
    ("max_backward", "to-smaller"): [("if x >= y:", "if x < y:")],
    ("max_backward", "to-both"): [("if x >= y:\n        return dout, 0.0\n    return 0.0, dout",
                                   "return dout, dout")],
    ("max_backward", "tie-to-y"): [("if x >= y:", "if x > y:")],
    ("max_backward", "tie-split"): [("if x >= y:", "if x == y:\n        return dout / 2, dout / 2\n"
                                                   "    if x > y:")],
    ("max_backward", "forgot-upstream"): [("return dout, 0.0", "return 1.0, 0.0"),
                                          ("return 0.0, dout", "return 0.0, 1.0")],
    ("flow_backward", "forgot-the-2"): [("dsum = 2.0", "dsum = 1.0")],
    ("flow_backward", "mul-not-swapped"): [("dx, dy = mul_backward(x, y, dxy)",
                                            "dy, dx = mul_backward(x, y, dxy)")],
    ("flow_backward", "max-to-smaller"): [("dz, dw = max_backward(z, w, dm)",
                                           "dw, dz = max_backward(z, w, dm)")],
    ("flow_backward", "max-to-both"): [("dz, dw = max_backward(z, w, dm)", "dz = dw = dm")],
}
