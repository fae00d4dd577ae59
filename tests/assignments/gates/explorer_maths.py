"""What the explorers of assignment 03 (gates) must show, worked out from the
maths on its own, never by calling the explorer's code: one rule per explorer, top to bottom
(see tests/browser/explorer_maths.py)."""
import numpy as np

from support.maths import shown


def flow_patterns(values):
    """f = 2 (x y + max(z, w)): add distributes, max routes, multiply swaps."""
    x, y, z, w = shown(values, "x", "y", "z", "w")
    return {"f": 2 * (x * y + max(z, w)), "df/dx": 2 * y, "df/dy": 2 * x,
            "df/dz": 2.0 * (z > w), "df/dw": 2.0 * (w > z)}


def input_scale(values):
    """f = w . (s x): df/dw = s x grows with the scale s, df/dx = w does not."""
    s = 10 ** float(values["log10(input scale)"])
    w, x = np.array([2.0, -3.0, 0.5]), np.array([-1.0, -2.0, 4.0])
    return {"scale": s, "f": s * w @ x, **{f"df/dw{i}": s * x[i] for i in range(3)},
            **{f"df/dx{i}": w[i] for i in range(3)}}


EXPLORERS = [flow_patterns, input_scale]
