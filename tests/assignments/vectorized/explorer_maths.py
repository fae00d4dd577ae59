"""What the explorers of assignment 06 (vectorized) must show, worked out from the
maths on its own, never by calling the explorer's code: one rule per explorer, top to bottom
(see tests/browser/explorer_maths.py)."""
from support.maths import shown


def shapes(values):
    """With m, n and p all different, exactly one product of two of the four matrices has the
    shape of dW, and one that of dX."""
    m, n, p = shown(values, "m (outputs)", "n (inputs)", "p (batch)")
    expected = {"m": m, "n": n, "p": p}
    if len({m, n, p}) == 3:
        expected |= {"products that fit dW": 1, "products that fit dX": 1}
    return expected


EXPLORERS = [shapes]
# explorer index -> (menu label, options to choose in turn)
MENUS = {0: ("layout", ["rows: D = X W", "columns: D = W X"])}
