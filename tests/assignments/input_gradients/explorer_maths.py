"""What the explorers of assignment 10 (input gradients) must show, worked out from the
maths on its own, never by calling the explorer's code: one rule per explorer, top to bottom
(see tests/browser/explorer_maths.py)."""
import numpy as np

from course.assignments.input_gradients.forward import score
from support.maths import shown, sigma, slope


def adversarial(values):
    """x' = x - epsilon sign(score(x)) g / ||g||, g the score's gradient at x."""
    epsilon, x0, x1 = shown(values, "epsilon", "x[0]", "x[1]")
    x = np.array([x0, x1])
    g = np.array([slope(lambda t, e=e: score(x + t * e), 0.0) for e in np.eye(2)])
    before = score(x)
    moved = x - epsilon * np.sign(before) * g / np.linalg.norm(g)
    after = score(moved)
    return {"epsilon": epsilon, "score(x)": before, "score(x')": after,
            "P(class 1 | x')": sigma(after), "flipped": float(np.sign(before) != np.sign(after)),
            "|score| / ||g||": abs(before) / np.linalg.norm(g)}


def ascent(values, numbers):
    """The objective at the end point is the unit's value there minus lambda/2 ||end||^2."""
    (lam,) = shown(values, "λ (L2 strength)")
    end = np.array([numbers["end x[0]"], numbers["end x[1]"]])
    return {"λ": lam, "objective at end": numbers["unit at end"] - lam / 2 * end @ end}


EXPLORERS = [adversarial, ascent]
