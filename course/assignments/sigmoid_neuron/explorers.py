"""The explorer of assignment 04: the sigmoid and its slope."""
import numpy as np

from course import figures
from course.blitting import animate, frames
from course.controls import slider
from course.explorers import Explorer
from course.figures import ORANGE, RED
from course.functions import sigmoid
from course.numgrad import centered_difference


class SigmoidExplorer(Explorer):
    """The sigmoid and its slope. Slider: x from -8 to 8. Picture: sigma(x) with its tangent at
    x above, the slope curve below (largest, 1/4, at x = 0). Slopes by centered differences."""

    def __init__(self, x=0.0):
        self.xs = np.linspace(-8, 8, 321)
        super().__init__({"x": slider("x", x, -8.0, 8.0, 0.1)})

    def build_figure(self):
        """The figure, once; render moves the tangent, the two points and the title."""
        self.figure = figures.Picture(figsize=(6.5, 3.8))
        self.figure.subplots_adjust(left=0.1, right=0.97, bottom=0.11, top=0.93, hspace=0.15)
        top, bottom = self.figure.subplots(2, 1, sharex=True)
        top.plot(self.xs, sigmoid(self.xs), color="0.2", lw=1.5)
        self.tangent, = top.plot([], [], "--", color=ORANGE, lw=1.2)
        self.point, = top.plot([], [], "o", color=ORANGE, ms=5)
        top.set_ylim(-0.1, 1.1)
        top.set_ylabel("σ(x)", fontsize=9)
        self.title = top.set_title("", fontsize=9, y=1)  # a given y skips costly auto-placement
        bottom.plot(self.xs, centered_difference(sigmoid, self.xs), color=RED, lw=1.5)
        bottom.axhline(0.25, ls=":", color="0.5", lw=1)
        self.slope_point, = bottom.plot([], [], "o", color=ORANGE, ms=5)
        bottom.set_ylim(0, 0.28)
        bottom.set_ylabel("slope", fontsize=9)
        bottom.set_xlabel("x", fontsize=9)
        for ax in (top, bottom):
            ax.tick_params(labelsize=7)
        animate(self.tangent, self.point, self.slope_point, self.title, *frames(top, bottom))

    def render(self, values):
        x = values["x"]
        y, slope = float(sigmoid(x)), centered_difference(sigmoid, x)
        self.tangent.set_data(self.xs, y + slope * (self.xs - x))
        self.point.set_data([x], [y])
        self.slope_point.set_data([x], [slope])
        self.title.set_text(f"σ({x:.2f}) = {y:.4f}, slope {slope:.4f}")
        return self.figure, {"x": x, "σ(x)": y, "slope": slope}
