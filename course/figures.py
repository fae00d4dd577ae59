"""Figures of the course: the palette, the resolution, and a Figure that shows itself.

Every picture is a matplotlib Figure made without pyplot, at DPI dots per inch, in these colours.
matplotlib is imported only when a picture is made (the Picture class is built on first use), so
that a process that draws nothing, such as a grading worker, never loads it.
"""
from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from matplotlib.figure import Figure

DPI = 90
_drawing = [True]   # whether pictures are drawn at all (grading turns them off: nobody sees them)


def drawing() -> bool:
    """Whether circuits and explorers draw their pictures (see pictures_off)."""
    return _drawing[0]


def pictures_off() -> None:
    """Stop drawing pictures in this process: circuits return None and explorers keep their
    picture as it is, while every other line of a notebook cell still runs (grading does this)."""
    _drawing[0] = False


BLUE, RED, ORANGE, GREEN = "#1f5fa8", "#c62828", "#e08a00", "#2e7d32"
PALE_BLUE, PALE_RED, PALE_ORANGE = "#d6e4f5", "#f8d0d0", "#fde3c0"
VALUE_COLOR, GRADIENT_COLOR = "#1b7a2e", RED  # the numbers on a wire: its value, its gradient
NODE_FACE, NODE_EDGE = "#eef3fb", "#35507a"  # a gate or a unit drawn as a circle


def png(figure: Figure) -> bytes:
    """PNG bytes of a Figure at its own dpi (fast compression: pictures are redrawn often)."""
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi="figure", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def __getattr__(name: str) -> Any:
    """Picture, the class built (and kept as this module's) the first time it is asked for."""
    if name != "Picture":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from matplotlib.figure import Figure

    class Picture(Figure):
        """A Figure that a notebook shows as a PNG by itself: a plain Figure made without pyplot
        has no notebook display of its own (it shows as "<Figure size ...>"). Made at DPI unless
        told."""

        def __init__(self, *args: Any, dpi: float = DPI, **kwargs: Any) -> None:
            super().__init__(*args, dpi=dpi, **kwargs)

        def _repr_png_(self):
            return png(self)

    Picture.__qualname__ = "Picture"   # as a module-level class's: its repr, pickling
    globals()["Picture"] = Picture
    return Picture
