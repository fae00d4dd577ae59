"""Explorers for the notebooks: controls, a picture redrawn as they move, and a table of numbers.

Each explorer is an ipywidgets VBox, so a cell ending with one displays it. It renders once when
built, with or without a frontend (nbconvert and nbgrader run it headless). Pictures are
matplotlib Figures made without pyplot and sent as PNG bytes. A figure kept from move to move is
redrawn by blitting (course.blitting): the artists a move changes are marked animated. Every
gradient shown comes from centered differences (course.numgrad).
"""
import html

import ipywidgets as widgets
import numpy as np

from .blitting import Blitter, animate, frames
from .circuits import CircuitDrawing
from .controls import slider
from .figures import BLUE, ORANGE, RED, Picture
from .functions import sigmoid
from .numbers import readout
from .numgrad import centered_difference, input_gradients


def table(numbers, number_format):
    """HTML table: one column per label, the number below it, formatted by number_format (a
    format spec; see course.numbers.readout)."""
    cell = "<td style='padding:1px 10px; text-align:right'>{}</td>"
    head = "".join(cell.format(f"<b>{html.escape(label)}</b>") for label in numbers)
    body = "".join(cell.format(readout(number, number_format)) for number in numbers.values())
    return f"<table><tr>{head}</tr><tr>{body}</tr></table>"


class Explorer(widgets.VBox):
    """Sliders (self.controls: name -> FloatSlider) above a picture (self.picture, an Image) and a
    readout (self.readout, HTML), both redrawn by update() whenever a slider moves.

    A subclass builds its sliders, passes them to __init__, and defines render(values) ->
    (Figure, numbers): values maps slider names to floats; numbers maps readout labels to
    floats, and is kept as self.numbers. A subclass that keeps its figure and marks the artists
    render changes as animated (animate) gets them redrawn alone (self.blitter).
    """

    number_format = ".4f"

    def __init__(self, controls):
        self.controls = controls
        self.picture = widgets.Image(format="png")
        self.readout = widgets.HTML()
        self.numbers = {}
        self.blitter = Blitter()
        super().__init__([*controls.values(), self.picture, self.readout])
        self.add_class("course-explorer")  # CSS classes name the parts for the browser tests
        self.picture.add_class("course-picture")
        self.readout.add_class("course-readout")
        for control in controls.values():
            control.observe(self.update, names="value")
        self.update()

    def update(self, change=None):
        """Redraw the picture and the readout from the current slider values."""
        figure, self.numbers = self.render({name: s.value for name, s in self.controls.items()})
        picture = self.blitter.png(figure)
        self.readout.value = table(self.numbers, self.number_format)
        self.picture.value = picture

    def render(self, values):
        """(Figure, numbers) for these slider values: dict slider name -> float."""
        raise NotImplementedError


def cube(x):
    """x**3: the default function of DerivativeExplorer (f'(1.5) = 6.75)."""
    return x**3


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
        self._draw()
        super().__init__({"log10_h": slider("log10(h)", -4.0, -15.0, 0.0, 0.1)})

    def _estimates(self, h):
        """Forward and centered difference estimates of f'(x) with step h: dict name -> float."""
        f, x = self.f, self.x
        return {"forward": (f(x + h) - f(x)) / h, "centered": centered_difference(f, x, h)}

    def _draw(self):
        """The figure, once; render moves the secant, the markers and the title."""
        x, fx = self.x, self.f(self.x)
        self.figure = Picture(figsize=(7.5, 3.2))
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


class CircuitExplorer(Explorer):
    """A circuit with its values and gradients drawn on the wires, one slider per input.

    circuit: a course.circuits.Circuit; values: dict input name -> starting float; ranges: dict
    input name -> (low, high), by default value - 5 to value + 5; step: slider step; title: a
    title for the picture. Readout: the output and d output / d input for every input.
    """

    def __init__(self, circuit, values, ranges=None, step=0.1, title=None):
        self.circuit = circuit
        self.drawing = CircuitDrawing(circuit, title=title, animated=True)
        ranges = {name: (value - 5, value + 5) for name, value in values.items()} | (ranges or {})
        super().__init__({name: slider(name, values[name], *ranges[name], step)
                          for name in circuit.inputs})

    def render(self, values):
        out = self.circuit.output
        grads = self.circuit.node_gradients(values)
        numbers = {out: self.circuit.forward(values)[out]}
        numbers.update({f"d{out}/d{name}": grads[name] for name in self.circuit.inputs})
        return self.drawing.show(values), numbers


class InputScaleExplorer(Explorer):
    """f = w · x for 3-vectors, with the input multiplied by a scale s (slider log10(s) from -1
    to 3). Picture: df/dw, which is the scaled input and so grows with s, beside df/dx, which is
    w and does not; both panels share one axis. Gradients by centered differences.

    w, x: 3 floats each. The axis ends at a round number (1, 1.5, 2, 3, 5 or 7 times a power of
    10) at least 1.3 times the largest bar, so it stays put over most moves.
    """

    number_format = ".4g"
    ROUND = (1, 1.5, 2, 3, 5, 7)

    def __init__(self, w=(2.0, -3.0, 0.5), x=(-1.0, -2.0, 4.0)):
        self.w, self.x = np.array(w, dtype=float), np.array(x, dtype=float)
        self.figure = Picture(figsize=(7.5, 3.0))
        self.figure.subplots_adjust(left=0.1, right=0.98, bottom=0.1, top=0.86, wspace=0.1)
        self.axes = self.figure.subplots(1, 2, sharey=True)
        self.bars, self.labels, zeros = [], [], []
        positions = range(len(self.x))
        for ax, name, color in zip(self.axes, "wx", (RED, BLUE)):
            self.bars.append(ax.bar(positions, 0, color=color, width=0.6))
            self.labels.append([ax.text(i, 0, "", ha="center", fontsize=7) for i in positions])
            ax.set_xticks(positions, [f"{name}{i}" for i in positions])
            zeros.append(ax.axhline(0, color="0.3", lw=0.8))
            ax.set_title(f"df/d{name}", fontsize=9, y=1)  # a given y skips costly auto-placement
            ax.tick_params(labelsize=7)
        self.title = self.axes[0].text(0.5, 0.98, "", ha="center", va="top", fontsize=9,
                                       transform=self.figure.transFigure)  # a suptitle, drawn
        # with the axes: a figure's own animated artists are left out of saved pictures
        animate(*(bar for bars in self.bars for bar in bars), *sum(self.labels, []), *zeros,
                self.title, *frames(*self.axes))
        super().__init__({"log10_scale": slider("log10(input scale)", 0.0, -1.0, 3.0, 0.05)})

    def axis_end(self, height):
        """The smallest round number (see ROUND) at least height (a float > 0)."""
        power = 10.0 ** np.floor(np.log10(height))
        return next(power * r for r in (*self.ROUND, 10) if power * r >= height)

    def render(self, values):
        scale = 10 ** values["log10_scale"]
        inputs = {"w": self.w, "x": scale * self.x}
        f = float(self.w @ inputs["x"])
        grads = input_gradients(lambda w, x: float(w @ x), inputs, ("w", "x"))
        top = self.axis_end(1.3 * max(np.abs(np.concatenate(grads))))
        for bars, labels, grad in zip(self.bars, self.labels, grads):
            for bar, label, g in zip(bars, labels, grad):
                bar.set_height(g)
                label.set(y=g + 0.03 * top * np.sign(g), text=f"{g:.4g}",
                          va="bottom" if g >= 0 else "top")
        if self.axes[0].get_ylim() != (-top, top):  # else keep the background
            self.axes[0].set_ylim(-top, top)
        self.title.set_text(f"f = w · (s x) = {f:.4g} with input scale s = {scale:.4g}")
        numbers = {"scale": scale, "f": f}
        for name, grad in zip("wx", grads):
            numbers.update({f"df/d{name}{i}": float(g) for i, g in enumerate(grad)})
        return self.figure, numbers


class SigmoidExplorer(Explorer):
    """The sigmoid and its slope. Slider: x from -8 to 8. Picture: sigma(x) with its tangent at
    x above, the slope curve below (largest, 1/4, at x = 0). Slopes by centered differences."""

    def __init__(self, x=0.0):
        self.xs = np.linspace(-8, 8, 321)
        self.figure = Picture(figsize=(6.5, 3.8))
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
        super().__init__({"x": slider("x", x, -8.0, 8.0, 0.1)})

    def render(self, values):
        x = values["x"]
        y, slope = float(sigmoid(x)), centered_difference(sigmoid, x)
        self.tangent.set_data(self.xs, y + slope * (self.xs - x))
        self.point.set_data([x], [y])
        self.slope_point.set_data([x], [slope])
        self.title.set_text(f"σ({x:.2f}) = {y:.4f}, slope {slope:.4f}")
        return self.figure, {"x": x, "σ(x)": y, "slope": slope}
