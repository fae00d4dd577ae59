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
from .controls import slider
from .figures import ORANGE, RED, Picture
from .functions import sigmoid
from .numbers import readout
from .numgrad import centered_difference


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
