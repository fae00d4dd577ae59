"""Pictures of assignment 14: how a difference quotient's error depends on the step h."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from course import figures
from course.figures import BLUE, ORANGE, RED, drawing
from course.numgrad import GRADIENT_CHECK, centered_difference

if TYPE_CHECKING:
    from course.figures import Picture

STEPS = np.logspace(-13, -0.5, 51)
POINT = 1.0   # where the derivative of sin is estimated; its true value is cos(1)


def _in_float32(t: float) -> float:
    """sin(t) with t and the result stored in single precision (float32)."""
    return float(np.sin(np.float32(t)))


def step_errors(steps: np.ndarray = STEPS) -> dict[str, np.ndarray]:
    """Relative errors of three estimates of d/dx sin(x) at x = 1 against cos(1), one per step h:
    "centered, float64", "one-sided, float64" and "centered, float32". Each an array shaped like
    steps (a zero error, where rounding happens to cancel, is shown as 1e-17)."""
    truth = np.cos(POINT)
    estimates = {
        "centered, float64": [centered_difference(np.sin, POINT, h) for h in steps],
        "one-sided, float64": [(np.sin(POINT + h) - np.sin(POINT)) / h for h in steps],
        "centered, float32": [centered_difference(_in_float32, POINT, h) for h in steps],
    }
    return {name: np.maximum(np.abs(np.array(values) - truth) / abs(truth), 1e-17)
            for name, values in estimates.items()}


def step_sweep_picture(steps: np.ndarray = STEPS) -> Picture | None:
    """The relative error of each estimate of step_errors against h, on log-log axes, with the
    the bound of agreement of GRADIENT_CHECK (1e-6) drawn across. Returns a Figure that shows
    itself; None where pictures are off (course.figures.pictures_off)."""
    if not drawing():
        return None
    figure = figures.Picture(figsize=(7.0, 3.8))
    ax = figure.add_axes((0.11, 0.14, 0.86, 0.78))
    for (name, errors), color in zip(step_errors(steps).items(), (BLUE, ORANGE, RED)):
        ax.loglog(steps, errors, "o-", ms=3, lw=1.2, color=color, label=name)
    agree = GRADIENT_CHECK[0][0]
    ax.axhline(agree, color="0.4", lw=0.8, ls="--")
    ax.text(steps[-1], 1.6 * agree, f"threshold 1e{round(np.log10(agree))}", fontsize=8,
            color="0.3", ha="right")
    ax.set_xlabel("step h")
    ax.set_ylabel("relative error of d/dx sin(x) at x = 1")
    ax.set_ylim(1e-13, 10)
    ax.grid(True, which="major", lw=0.3)
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title("Too large a step: truncation error; too small: rounding error", fontsize=10)
    return figure


def best_step(errors: np.ndarray, steps: np.ndarray = STEPS) -> float:
    """The step h of steps at which errors (shaped like steps) is smallest."""
    return float(steps[int(np.argmin(errors))])
