"""What the explorers of assignment 01 (the derivative) must show, worked out from the
maths on its own, never by calling the explorer's code: one rule per explorer, top to bottom
(see tests/browser/explorer_maths.py)."""


def derivative(values):
    """f = x^3 at x = 1.5: forward error ~ 3 x h, centered error = h^2 exactly."""
    h, x = 10 ** float(values["log10(h)"]), 1.5
    return {"h": h, "forward": ((x + h) ** 3 - x**3) / h, "centered": 3 * x**2 + h**2,
            "true f'(x)": 3 * x**2}


EXPLORERS = [derivative]
