"""What the explorers of assignment 05 (staged backprop) must show, worked out from the
maths on its own, never by calling the explorer's code: one rule per explorer, top to bottom
(see tests/browser/explorer_maths.py)."""
from support.maths import shown, sigma, slope


def staged(values):
    """f = (x + sigma(y)) / (sigma(x) + (x + y)^2)."""
    x, y = shown(values, "x", "y")

    def f(x, y):
        return (x + sigma(y)) / (sigma(x) + (x + y) ** 2)

    return {"f": f(x, y), "df/dx": slope(lambda t: f(t, y), x),
            "df/dy": slope(lambda t: f(x, t), y)}


EXPLORERS = [staged]
