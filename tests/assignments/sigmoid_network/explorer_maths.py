"""What the explorers of assignment 09 (the sigmoid network) must show, worked out from the
maths on its own, never by calling the explorer's code: one rule per explorer, top to bottom
(see tests/browser/explorer_maths.py)."""
from support.maths import shown, sigma


def output_slope(values):
    """yhat = sigma(z2), J = 1/2 (1 - yhat)^2: dJ/dyhat = yhat - 1 and dJ/dz2 = (yhat - 1)
    yhat (1 - yhat), the target being 1."""
    (z2,) = shown(values, "z2")
    yhat = sigma(z2)
    return {"z2": z2, "ŷ": yhat, "J": 0.5 * (1 - yhat) ** 2, "dJ/dŷ": yhat - 1,
            "dJ/dz2": (yhat - 1) * yhat * (1 - yhat)}


def sigmoid_fit(values):
    return {"step": float(values["training step"])}


EXPLORERS = [output_slope, sigmoid_fit]
