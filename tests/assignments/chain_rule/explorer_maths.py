"""What the explorers of assignment 02 (the chain rule) must show, worked out from the
maths on its own, never by calling the explorer's code: one rule per explorer, top to bottom
(see tests/browser/explorer_maths.py)."""
from support.maths import shown


def add_mul(values):
    """f = (x + y) z: df/dx = df/dy = z, df/dz = x + y."""
    x, y, z = shown(values, "x", "y", "z")
    return {"f": (x + y) * z, "df/dx": z, "df/dy": z, "df/dz": x + y}


EXPLORERS = [add_mul]
