"""The explorer of assignment 01: forward and centered differences as the step shrinks."""
import numpy as np

from course import figures
from course.assignments.derivative.forward import cube
from course.blitting import animate, frames
from course.controls import slider
from course.explorers import Explorer
from course.figures import BLUE, ORANGE, RED
from course.numgrad import centered_difference


def richardson(f, x, h=1e-3):
    """f'(x) from centered differences at steps h and h/2, their h**2 errors cancelled: error
    about h**4 + 1e-16 / h, so about 1e-12 for a smooth f. f: float -> float; returns a float."""
    return (4 * centered_difference(f, x, h / 2) - centered_difference(f, x, h)) / 3


class DerivativeExplorer(Explorer):
    """Forward and centered difference estimates of f'(x) as the step h shrinks.

    f: float -> float; x: float; df: the true f'(x), or None to estimate it by Richardson
    extrapolation of two centered differences (error about 1e-12 for a smooth f). Slider:
    log10(h) from -15 to 0. Left panel: f, its tangent and the secant from x to x + h. Right
    panel: |error| of both estimates against h, log-log: the error falls with h (like h for
    forward, h**2 for centered) until rounding, about 1e-16 / h, takes over.
    """

    number_format = ".6g"
    FLOOR = 1e-15  # errors below this are drawn at it, so exact hits stay on the log scale

    def __init__(self, f=cube, x=1.5, df=None):
        self.f, self.x = f, x
        self.df = df if df is not None else richardson(f, x)
        super().__init__({"log10_h": slider("log10(h)", -4.0, -15.0, 0.0, 0.1)})

    def _estimates(self, h):
        """Forward and centered difference estimates of f'(x) with step h: dict name -> float."""
        f, x = self.f, self.x
        return {"forward": (f(x + h) - f(x)) / h, "centered": centered_difference(f, x, h)}

    def build_figure(self):
        """The figure, once; render moves the secant, the markers and the title."""
        x, fx = self.x, self.f(self.x)
        self.figure = figures.Picture(figsize=(7.5, 3.2))
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.3)
        curve, errors = self.figure.subplots(1, 2)

        self.xs = np.linspace(x - 1.5, x + 1.5, 200)
        ys = np.array([self.f(v) for v in self.xs])
        curve.plot(self.xs, ys, color="0.2", lw=1.5, label="f")
        curve.plot(self.xs, fx + self.df * (self.xs - x), "--", color="0.55", lw=1, label="tangent")
        self.secant, = curve.plot([], [], color=ORANGE, lw=1.2, label="secant x to x+h")
        self.ends, = curve.plot([], [], "o", color=ORANGE, ms=4)
        curve.set_ylim(ys.min() - 0.1 * np.ptp(ys), ys.max() + 0.1 * np.ptp(ys))
        curve.set_xlabel("x", fontsize=9)
        curve.locator_params(nbins=5)
        curve.legend(fontsize=7, loc="upper left")
        self.title = curve.set_title("", fontsize=9, y=1)  # a given y skips costly auto-placement

        hs = np.logspace(-15, 0, 301)
        estimates = [self._estimates(h) for h in hs]
        self.marks, worst = {}, 10.0
        for name, color in (("forward", BLUE), ("centered", RED)):
            error = [max(abs(e[name] - self.df), self.FLOOR) for e in estimates]
            errors.loglog(hs, error, color=color, lw=1.2, label=name)
            self.marks[name], = errors.plot([], [], "o", color=color, ms=5, zorder=2.1)  # on top
            worst = max(worst, *error)
        self.step = errors.axvline(1, color=ORANGE, lw=1)
        for axis, decades in ((errors.xaxis, range(-15, 1, 3)), (errors.yaxis, range(-15, 1, 5))):
            axis.set_ticks([10.0**k for k in decades], [f"1e{k}" for k in decades])
        errors.minorticks_off()
        errors.set_ylim(self.FLOOR / 3, 3 * worst)
        errors.set_xlabel("step h", fontsize=9)
        errors.set_title("|estimate − f'(x)|", fontsize=9, y=1)
        legend = errors.legend(fontsize=7, loc="upper center")  # the step line passes under it
        for ax in (curve, errors):
            ax.tick_params(labelsize=7)
        animate(self.secant, self.ends, self.title, self.step, *self.marks.values(), legend,
                *frames(curve, errors))

    def render(self, values):
        h, x, fx = 10 ** values["log10_h"], self.x, self.f(self.x)
        estimates = self._estimates(h)
        errors = {name: abs(estimate - self.df) for name, estimate in estimates.items()}
        self.secant.set_data(self.xs, fx + estimates["forward"] * (self.xs - x))
        self.ends.set_data([x, x + h], [fx, self.f(x + h)])
        self.title.set_text(f"h = {h:.1e}")
        self.step.set_xdata([h, h])
        for name, mark in self.marks.items():
            mark.set_data([h], [max(errors[name], self.FLOOR)])
        return self.figure, {"h": h, **estimates, "true f'(x)": self.df,
                             **{f"{name} error": error for name, error in errors.items()}}
