"""The controls of the explorers: sliders and menus that report every move and show their whole
label."""
from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

STYLE = {"description_width": "initial"}  # the whole label, however long
WIDTH = "460px"


def slider(description: str, value: float, low: float | None = None, high: float | None = None,
           step: float | None = None, options: Iterable[float] | None = None
           ) -> widgets.FloatSlider | widgets.IntSlider | widgets.SelectionSlider:
    """A slider that reports every move (continuous_update), WIDTH wide.

    Over numbers from low to high by step: a FloatSlider that prints its value with as many
    decimals as its step has (step 1: none; 0.05: two). Without a step: an IntSlider over the
    whole numbers from low to high. Over options, a sequence of numbers: a SelectionSlider that
    starts at the option nearest to value.
    """
    common = dict(description=description, continuous_update=True, style=STYLE,
                  layout=widgets.Layout(width=WIDTH))
    if options is not None:
        options = list(options)
        return widgets.SelectionSlider(
            options=options, value=min(options, key=lambda option: abs(option - value)), **common)
    if step is None:
        return widgets.IntSlider(value=value, min=low, max=high, **common)
    decimals = len(f"{step:g}".partition(".")[2])
    return widgets.FloatSlider(value=value, min=low, max=high, step=step,
                               readout_format=f".{decimals}f", **common)


def menu(description: str, options: Sequence[object], value: object) -> widgets.Dropdown:
    """A Dropdown over options (values, or (label, value) pairs), starting at value."""
    return widgets.Dropdown(options=options, value=value, description=description, style=STYLE)
