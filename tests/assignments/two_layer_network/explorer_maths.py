"""What the explorers of assignment 08 (the two-layer network) must show, worked out from the
maths on its own, never by calling the explorer's code: one rule per explorer, top to bottom
(see tests/browser/explorer_maths.py)."""
import math

import numpy as np

from support.maths import shown


def two_layer(values):
    """x1 = W0 x0, x2 = tanh(x1), x3 = W1 . x2, L = (x3 - y)^2 / 2 at x0 = (1, 0.1), y = 0.5."""
    W0 = np.array([shown(values, f"W0[{i},0]", f"W0[{i},1]") for i in range(2)])
    W1 = np.array(shown(values, "W1[0]", "W1[1]"))
    x0, y = np.array([1.0, 0.1]), 0.5
    x2 = np.tanh(W0 @ x0)
    x3 = W1 @ x2
    dx3 = x3 - y
    dW0 = np.outer(dx3 * W1 * (1 - x2**2), x0)
    return {"x3": x3, "L": dx3**2 / 2, **{f"dL/dW1[{i}]": dx3 * x2[i] for i in range(2)},
            **{f"dL/dW0[{i},{j}]": dW0[i, j] for i in range(2) for j in range(2)}}


def training(values):
    """80 examples in batches: ceil(80 / batch size) steps per epoch."""
    rate, batch = shown(values, "learning rate", "batch size")
    return {"learning rate": rate, "batch size": batch, "steps per epoch": math.ceil(80 / batch)}


EXPLORERS = [two_layer, training]
