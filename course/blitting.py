"""Blitting: a figure redrawn again and again, quickly, by repainting only the pixels that the
artists a move changed reach. An explorer marks those artists animated (animate) and lets a
Blitter turn its figure into PNG bytes after every move.
"""
from __future__ import annotations

from io import BytesIO
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.spines import Spine


class Blitter:
    """PNG bytes of a figure redrawn again and again, quickly when only its animated artists
    (artist.set_animated(True)) changed: the other artists are drawn once into a background, and
    each redraw repaints only the pixels that the changed animated artists reach, before and after
    the change: there it restores the background and draws the animated artists that reach those
    pixels, lowest zorder first. An animated artist has changed when a setter marked it stale (so
    setting a property to the value it has may cost a repaint, never a wrong picture). Changing
    any other artist marks the figure stale, which redraws everything. The picture is the full
    drawing's when the animated artists lie above the others and belong to axes (matplotlib
    leaves a figure's own animated artists out of saved pictures)."""

    def __init__(self) -> None:
        self.figure = None

    def png(self, figure: Figure) -> bytes:
        """PNG bytes (RGB, fast compression) of figure at its own dpi."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image

        canvas = figure.canvas
        if not isinstance(canvas, FigureCanvasAgg):
            canvas = FigureCanvasAgg(figure)
        if figure is self.figure and not figure.stale:
            changed = [artist for artist in self.animated if artist.stale]
        else:
            canvas.draw()  # skips the animated artists
            self.figure, self.background = figure, canvas.copy_from_bbox(figure.bbox)
            self.frame = np.array(canvas.buffer_rgba())  # (height, width, 4) uint8
            self.animated = sorted(figure.findobj(lambda a: a.get_animated()),
                                   key=attrgetter("zorder"))
            self.reach = {}
            changed = self.animated
        self._repaint(canvas, changed)
        figure.stale = False  # drawing a legend flags its axes, though nothing still changed
        buffer = BytesIO()
        Image.fromarray(self.frame).convert("RGB").save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def _repaint(self, canvas, changed):
        """Repaint self.frame where the changed animated artists reach, before and after."""
        renderer = canvas.get_renderer()
        before = [self.reach.get(artist) for artist in changed]
        self.reach.update({artist: reach(artist, renderer) for artist in changed})
        dirty = [box for box in before + [self.reach[a] for a in changed] if box is not None]
        for artist in changed:
            artist.stale = False  # an invisible or empty text stays stale when drawn
        if not dirty:
            return
        canvas.restore_region(self.background)
        for artist in self.animated:
            box = self.reach[artist]
            if box is not None and any(overlap(box, other) for other in dirty):
                artist.draw(renderer)
        pixels, height = np.asarray(canvas.buffer_rgba()), self.frame.shape[0]
        for x0, y0, x1, y1 in dirty:
            rows, columns = slice(height - y1, height - y0), slice(x0, x1)
            self.frame[rows, columns] = pixels[rows, columns]


def reach(artist: Artist, renderer: RendererBase, pad: float = 2) -> tuple[int, int, int, int] | None:
    """The pixels drawing artist may touch: (x0, y0, x1, y1), ints counted from the bottom left
    and clipped to the figure, its window extent widened by its line width, the box of a text
    and pad pixels of antialiasing (the whole figure when matplotlib does not know the extent,
    as for a LineCollection); or None when it draws nothing."""
    from matplotlib.text import Text

    if not artist.get_visible():
        return None
    width, height = renderer.get_canvas_width_height()
    box = artist.get_window_extent(renderer)
    if not np.all(np.isfinite(box.extents)):
        return (0, 0, int(width), int(height))
    points = max(np.max(getattr(artist, f"get_{name}", lambda: 0)(), initial=0)
                 for name in ("linewidth", "markeredgewidth"))
    patch = artist.get_bbox_patch() if isinstance(artist, Text) else None
    if patch:  # the box reaches its pad (a fraction of the font size) and its edge beyond
        points = patch.get_boxstyle().pad * artist.get_size() + patch.get_linewidth()
    x0, y0, x1, y1 = box.padded(pad + renderer.points_to_pixels(points)).extents
    return (max(int(np.floor(x0)), 0), max(int(np.floor(y0)), 0),
            min(int(np.ceil(x1)), int(width)), min(int(np.ceil(y1)), int(height)))


def overlap(box: tuple[int, int, int, int], other: tuple[int, int, int, int]) -> bool:
    """Whether two pixel boxes (x0, y0, x1, y1) share a pixel."""
    return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]


def animate(*artists: Artist) -> None:
    """Mark artists as redrawn on every move (see Blitter); returns nothing."""
    for artist in artists:
        artist.set_animated(True)


def frames(*axes: Axes) -> list[Spine]:
    """The spines of these axes: drawn above lines, so animated with the lines that reach them."""
    return [spine for ax in axes for spine in ax.spines.values()]
