"""Explorers for the notebooks: controls, a picture redrawn as they move, and a table of numbers.

Each explorer is an ipywidgets VBox, so a cell ending with one displays it. It renders once when
built, with or without a frontend (nbconvert and nbgrader run it headless). Pictures are
matplotlib Figures made without pyplot and sent as PNG bytes. A figure kept from move to move is
redrawn by blitting (course.blitting): the artists a move changes are marked animated. Every
gradient shown comes from centered differences (course.numgrad).
"""
from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as widgets

from .blitting import Blitter
from .figures import drawing
from .numbers import readout

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from matplotlib.figure import Figure


def table(numbers: Mapping[str, float], number_format: str) -> str:
    """HTML table: one column per label, the number below it, formatted by number_format (a
    format spec; see course.numbers.readout)."""
    cell = "<td style='padding:1px 10px; text-align:right'>{}</td>"
    head = "".join(cell.format(f"<b>{html.escape(label)}</b>") for label in numbers)
    body = "".join(cell.format(readout(number, number_format)) for number in numbers.values())
    return f"<table><tr>{head}</tr><tr>{body}</tr></table>"


class Explorer(widgets.VBox):
    """Controls (self.controls: name -> a slider or menu of course.controls) above a picture
    (self.picture, an Image) and a readout (self.readout, HTML), both redrawn by update()
    whenever a control moves.

    A subclass builds its controls, passes them to __init__, and defines build_figure() and
    render(values) -> (Figure, numbers). build_figure builds the figure and the artists render
    changes, as attributes; update calls it once, before the first render, and only where
    pictures are drawn, so __init__ sets up everything but the picture and grading, which turns
    pictures off (course.figures.pictures_off), builds no Figure. render: values maps control
    names to their values; numbers maps readout labels to floats, and is kept as self.numbers.
    Artists marked animated (course.blitting.animate) are redrawn alone (self.blitter). Each
    assignment's explorers are in course/assignments/<name>/explorers.py.
    """

    number_format = ".4f"

    def __init__(self, controls: Mapping[str, widgets.ValueWidget]) -> None:
        self.controls = controls
        self.picture = widgets.Image(format="png")
        self.readout = widgets.HTML()
        self.numbers = {}
        self.blitter = Blitter()
        self.figure_built = False
        super().__init__([*controls.values(), self.picture, self.readout])
        self.add_class("course-explorer")  # CSS classes name the parts for the browser tests
        self.picture.add_class("course-picture")
        self.readout.add_class("course-readout")
        for control in controls.values():
            control.observe(self.update, names="value")
        self.update()

    def update(self, change: Mapping[str, Any] | None = None) -> None:
        """Redraw the picture and the readout from the current values of the controls (nothing
        where pictures are off: see course.figures.pictures_off)."""
        if not drawing():
            return
        if not self.figure_built:
            self.build_figure()
            self.figure_built = True
        figure, self.numbers = self.render({name: s.value for name, s in self.controls.items()})
        picture = self.blitter.png(figure)
        self.readout.value = table(self.numbers, self.number_format)
        self.picture.value = picture

    def build_figure(self) -> None:
        """Build the figure that render redraws and keep it, and the artists render changes, as
        attributes: called once, before the first render, only where pictures are drawn."""
        raise NotImplementedError

    def render(self, values: dict[str, Any]) -> tuple[Figure, dict[str, float]]:
        """(Figure, numbers) for these values of the controls: dict control name -> value."""
        raise NotImplementedError
