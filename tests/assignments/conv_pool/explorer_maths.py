"""What the explorers of assignment 11 (convolution and pooling) must show, worked out from the
maths on its own, never by calling the explorer's code: one rule per explorer, top to bottom
(see tests/browser/explorer_maths.py)."""
import numpy as np

from support.maths import shown

CONV_X = np.array([2.0, -1.0, 3.0, 0.0, 1.0, -2.0, 4.0])


CONV_W = np.array([1.0, -2.0, 0.5, 3.0, -1.0])


def convolution(values):
    """Same-length convolution, (k - 1) // 2 zeros before: y[i] = sum_j w[j] padded[i + j];
    x[m] is read by output o through w[m - o + before]."""
    k, i, m = (int(v) for v in shown(values, "kernel length k", "output i", "input m"))
    before, w = (k - 1) // 2, CONV_W[:k]
    padded = np.concatenate([np.zeros(before), CONV_X, np.zeros(k - 1 - before)])
    readers = [o for o in range(len(CONV_X)) if 0 <= m - o + before < k]
    return {"k": k, "zeros before": before, "zeros after": k - 1 - before,
            f"y[{i}]": w @ padded[i:i + k], f"outputs reading x[{m}]": len(readers),
            f"dx[{m}] (dout = 1)": sum(w[m - o + before] for o in readers)}


POOL_X = [1.0, 3.0, 3.0, 0.0, 2.0, 5.0, 5.0, 1.0, 4.0]


def pooling(values):
    """Windows start every stride; each window's gradient goes to its first maximum."""
    size, stride = (int(v) for v in shown(values, "window size", "stride"))
    starts = range(0, len(POOL_X) - size + 1, stride)
    read = {p for s in starts for p in range(s, s + size)}
    winners = {s + POOL_X[s:s + size].index(max(POOL_X[s:s + size])) for s in starts}
    return {"outputs": len(starts), "inputs read by no window": len(POOL_X) - len(read),
            "inputs with a gradient": len(winners)}


EXPLORERS = [convolution, pooling]
