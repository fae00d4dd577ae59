"""The explorer of assignment 14: a centered difference that straddles the ReLU's kink."""
from __future__ import annotations

import numpy as np

from course import figures
from course.blitting import animate, frames
from course.controls import slider
from course.explorers import Explorer
from course.figures import BLUE, ORANGE, RED
from course.numgrad import centered_difference, relative_error


def relu(t: float) -> float:
    """max(0, t) for a float t."""
    return max(0.0, t)


class KinkExplorer(Explorer):
    """The centered difference of the ReLU at x with step h, next to its true slope.

    Sliders: x from -0.5 to 0.5, and log10(h) from -3 to -0.5. The picture draws max(0, t), the
    two nudged points x - h and x + h and the chord through them, whose slope is the estimate;
    where |x| < h the points lie on both sides of the kink and the chord's slope is neither 0
    nor 1. Readout: the estimate, the true slope (1 above 0, 0 below; 1 at 0, the course's
    convention) and their relative error.
    """

    number_format = ".4g"

    def __init__(self, x: float = 0.3, log10_h: float = -1.0) -> None:
        super().__init__({"x": slider("x", x, -0.5, 0.5, 0.01),
                          "log10_h": slider("log10(h)", log10_h, -3.0, -0.5, 0.1)})

    def build_figure(self):
        """The figure, once; render moves the chord, the points, the band and the title."""
        self.figure = figures.Picture(figsize=(6.5, 3.2))
        ax = self.figure.add_axes((0.1, 0.14, 0.86, 0.76))
        ts = np.linspace(-1, 1, 201)
        ax.plot(ts, np.maximum(0, ts), color="0.2", lw=1.5, label="max(0, t)")
        self.band = ax.axvspan(0, 0, color=ORANGE, alpha=0.15, label="from x - h to x + h")
        self.chord, = ax.plot([], [], color=RED, lw=1.4, label="chord: the centered estimate")
        self.ends, = ax.plot([], [], "o", color=RED, ms=5)
        self.at, = ax.plot([], [], "o", color=BLUE, ms=5, label="x")
        ax.set_xlim(-1, 1)
        ax.set_ylim(-0.35, 1.05)
        ax.set_xlabel("t", fontsize=9)
        ax.tick_params(labelsize=8)
        legend = ax.legend(fontsize=7, loc="upper left")
        self.title = ax.set_title("", fontsize=9, y=1)  # a given y skips costly auto-placement
        animate(self.band, self.chord, self.ends, self.at, self.title, legend, *frames(ax))

    def render(self, values):
        x, h = values["x"], 10 ** values["log10_h"]
        estimate = centered_difference(relu, x, h)
        slope = 1.0 if x >= 0 else 0.0
        below, above = x - h, x + h
        self.band.set_x(below)
        self.band.set_width(2 * h)
        span = np.array([below - 0.3, above + 0.3])
        self.chord.set_data(span, relu(below) + estimate * (span - below))
        self.ends.set_data([below, above], [relu(below), relu(above)])
        self.at.set_data([x], [relu(x)])
        straddles = "straddles the kink" if abs(x) < h else "stays on one side of the kink"
        self.title.set_text(f"x = {x:.2f}, h = {h:.3g}: the step {straddles}")
        return self.figure, {"x": x, "h": h, "estimate": estimate, "true slope": slope,
                             "relative error": relative_error(estimate, slope)}
