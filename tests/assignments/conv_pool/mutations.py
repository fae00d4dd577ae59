"""Catalogued mistakes of conv_pool's exercises, as edits of the reference solutions."""
MUTATIONS = {
    ("conv1d_backward", "padding-swapped"): [("lo, hi = padding(k)", "hi, lo = padding(k)")],
    ("conv1d_backward", "cut-from-the-start"): [("return dxp[lo:lo + n], dw", "return dxp[:n], dw")],
    ("conv1d_backward", "padding-kept"): [("return dxp[lo:lo + n], dw", "return dxp, dw")],
    ("conv1d_backward", "forgot-upstream"): [("dout[i]", "1.0")],
    ("maxpool1d_backward", "tie-to-last"): [("np.argmax(x[s:s + size])",
                                             "size - 1 - np.argmax(x[s:s + size][::-1])")],
    ("maxpool1d_backward", "overlap-overwritten"): [("] += dout[i]", "] = dout[i]")],
    ("maxpool1d_backward", "last-window-lost"): [("range(0, len(x) - size + 1, stride)",
                                                  "range(0, len(x) - size, stride)")],
    ("maxpool1d_backward", "stepped-by-size"): [("range(0, len(x) - size + 1, stride)",
                                                 "range(0, len(x) - size + 1, size)")],
    ("maxpool1d_backward", "offset-forgotten"): [("dx[s + np.argmax(", "dx[np.argmax(")],
    ("maxpool1d_backward", "whole-window"): [("dx[s + np.argmax(x[s:s + size])]", "dx[s:s + size]")],
}
