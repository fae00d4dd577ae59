"""What the explorers of assignment 07 (layers) must show, worked out from the
maths on its own, never by calling the explorer's code: one rule per explorer, top to bottom
(see tests/browser/explorer_maths.py)."""
import math

from support.maths import shown, sigma

POINTWISE = {"tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
             "ReLU": (lambda x: max(x, 0.0), lambda x: float(x > 0)),
             "sigmoid": (sigma, lambda x: sigma(x) * (1 - sigma(x)))}


def pointwise(values):
    h, local = POINTWISE[values["layer"]]
    (x,) = shown(values, "x")
    return {"x": x, "h(x)": h(x), "h'(x)": local(x)}


EXPLORERS = [pointwise]
# explorer index -> (menu label, options to choose in turn)
MENUS = {0: ("layer", ["ReLU", "sigmoid", "tanh"])}
