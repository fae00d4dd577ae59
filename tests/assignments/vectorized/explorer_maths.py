"""What the explorers of assignment 06 (vectorized) must show, worked out from the
maths on its own, never by calling the explorer's code: one rule per explorer, top to bottom
(see tests/browser/explorer_maths.py)."""
from support.maths import shown


def shapes(values):
    """In the column layout: with m, n and p all different, exactly one product of two of the
    four matrices has the shape of dW, and one that of dX; with exactly two equal, two each;
    with all equal, all eight. In the row layout (the next exercise's) no product is counted."""
    m, n, p = shown(values, "m (outputs)", "n (inputs)", "p (batch)")
    expected = {"m": m, "n": n, "p": p}
    if values["layout"].startswith("columns"):
        fits = {3: 1, 2: 2, 1: 8}[len({m, n, p})]
        expected |= {"products that fit dW": fits, "products that fit dX": fits}
    return expected


EXPLORERS = [shapes]
# explorer index -> (menu label, options to choose in turn)
MENUS = {0: ("layout", ["rows: D = X W", "columns: D = W X"])}
