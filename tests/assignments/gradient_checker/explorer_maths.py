"""What the explorer of assignment 14 must show, worked out from the maths on its own, never by
calling the explorer's code: one rule per explorer, top to bottom (see
tests/browser/explorer_maths.py)."""


def kink(values):
    """The ReLU's centered difference at x with step h: the true slope where |x| >= h; where the
    step straddles the kink, only x + h lies on the slope-1 side, so the chord's rise is x + h
    over a run of 2h. True slope 1 at x >= 0 (the convention at 0), 0 below."""
    x, h = float(values["x"]), 10 ** float(values["log10(h)"])
    estimate = (x + h) / (2 * h) if abs(x) < h else float(x > 0)
    slope = 1.0 if x >= 0 else 0.0
    error = abs(estimate - slope) / max(abs(estimate) + abs(slope), 1e-8)
    return {"x": x, "h": h, "estimate": estimate, "true slope": slope, "relative error": error}


EXPLORERS = [kink]
