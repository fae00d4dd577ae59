"""The explorer of assignment 07: the pointwise non-linearities, with the local gradient each
passes back."""
import numpy as np

from course import figures
from course.assignments.layers.forward import relu_forward, sigmoid_forward, tanh_forward
from course.blitting import animate, frames
from course.controls import menu, slider
from course.explorers import Explorer
from course.figures import ORANGE, RED
from course.numgrad import STEP, centered_difference

NONLINEAR = {"tanh": tanh_forward, "ReLU": relu_forward, "sigmoid": sigmoid_forward}


def local_gradient(kind, x):
    """The slope of a non-linearity at x by differences: centered, except for the ReLU, whose
    slope comes from the right, so that at its kink it gives the course's relu'(0) = 1."""
    h = NONLINEAR[kind]

    def f(v):
        return h(v)[0]

    if kind == "ReLU":
        return (f(x + STEP) - f(x)) / STEP
    return centered_difference(f, x)


class PointwiseExplorer(Explorer):
    """A non-linearity and the gradient it passes back. Controls: the kind (tanh, ReLU,
    sigmoid) and x from -4 to 4. Picture: h(x) with its tangent at x above; the local gradient
    h'(x) below, which is the factor a gradient arriving from above is multiplied by.
    Readout: x, h(x) and h'(x)."""

    def __init__(self, kind="tanh", x=0.5):
        super().__init__({"kind": menu("layer", list(NONLINEAR), kind),
                          "x": slider("x", x, -4.0, 4.0, 0.1)})

    def build_figure(self):
        """The figure with every kind's curves, once; render shows one kind's and moves marks."""
        self.xs = np.linspace(-4, 4, 320)  # an even count: no grid point at the ReLU's kink
        self.figure = figures.Picture(figsize=(6.5, 3.8))
        self.figure.subplots_adjust(left=0.1, right=0.97, bottom=0.11, top=0.93, hspace=0.15)
        top, bottom = self.figure.subplots(2, 1, sharex=True)
        self.curves = {}
        for kind in NONLINEAR:
            slopes = [local_gradient(kind, v) for v in self.xs]
            self.curves[kind] = (top.plot(self.xs, NONLINEAR[kind](self.xs)[0], color="0.2",
                                          lw=1.5)[0],
                                 bottom.plot(self.xs, slopes, color=RED, lw=1.5)[0])
        self.tangent, = top.plot([], [], "--", color=ORANGE, lw=1.2)
        self.point, = top.plot([], [], "o", color=ORANGE, ms=5)
        self.slope_point, = bottom.plot([], [], "o", color=ORANGE, ms=5)
        top.set_ylim(-1.2, 4.2)
        top.set_ylabel("h(x)", fontsize=9)
        top.axhline(0, color="0.7", lw=0.6, zorder=1)  # under the curves
        self.title = top.set_title("", fontsize=9, y=1)  # a given y skips costly auto-placement
        bottom.set_ylim(-0.1, 1.15)
        bottom.set_ylabel("h'(x)", fontsize=9)
        bottom.set_xlabel("x", fontsize=9)
        top.set_yticks([0, 2, 4])
        bottom.set_yticks([0, 0.5, 1])
        bottom.set_xticks([-4, -2, 0, 2, 4])
        for ax in (top, bottom):
            ax.tick_params(labelsize=7)
        animate(*(line for lines in self.curves.values() for line in lines), self.tangent,
                self.point, self.slope_point, self.title, *frames(top, bottom))

    def render(self, values):
        kind, x = values["kind"], values["x"]
        for name, lines in self.curves.items():
            for line in lines:
                line.set_visible(name == kind)
        y, slope = float(NONLINEAR[kind](x)[0]), local_gradient(kind, x)
        self.tangent.set_data(self.xs, y + slope * (self.xs - x))
        self.point.set_data([x], [y])
        self.slope_point.set_data([x], [slope])
        self.title.set_text(f"{kind}: h({x:.2f}) = {y:.4f}, local gradient h'(x) = {slope:.4f}")
        return self.figure, {"x": x, "h(x)": y, "h'(x)": float(slope)}
