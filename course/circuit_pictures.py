"""Pictures of circuits (course.circuits.Circuit): values and gradients written on the wires, and
an explorer with a slider per input."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from . import figures
from .controls import slider
from .explorers import Explorer
from .figures import DPI, GRADIENT_COLOR, NODE_EDGE, NODE_FACE, VALUE_COLOR
from .numbers import wire_label

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .circuits import Circuit
    from .figures import Picture

GATE_RADIUS = 12  # points
COLUMN_WIDTH, ROW_HEIGHT = 0.7, 0.45  # inches a column and a row need to keep labels apart
NAME_FONT = 10  # points, italic: the names of the inputs and of the output


class CircuitDrawing:
    """A circuit's picture that can be relabelled: wires, gates and names are drawn once; the
    wire labels (value in green above, gradient in red below) are Text artists that show(values)
    rewrites. Labels are placed by _Labeller for the first numbers shown, and placed again only
    when a number's text grows wider than the text its place was chosen for.

    Arguments as for Circuit.draw; animated: mark the wire labels animated, for an explorer that
    redraws them alone (course.blitting.Blitter). self.figure: the Picture; self.labels: the
    wire labels (Annotations), empty until the first show.
    """

    def __init__(self, circuit: Circuit, show_gradients: bool = True, title: str | None = None,
                 figsize: tuple[float, float] | None = None, dpi: float | None = None,
                 animated: bool = False) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.collections import LineCollection

        self.circuit, self.show_gradients, self.animated = circuit, show_gradients, animated
        nodes, self.paths = circuit.layout()
        gates = [nodes[gate.name] for gate in circuit.gates]
        xs, ys = zip(*nodes.values(), *(point for path in self.paths.values() for point in path))
        ylim = (min(ys) - 0.55, max(ys) + 0.55)
        width, height = figsize or (max(7.5, COLUMN_WIDTH * (max(xs) + 1.5)),
                                    max(3.5, ROW_HEIGHT * np.ptp(ylim) / 0.88))
        name = max(_text_size(n, NAME_FONT, "italic")[0] for n in circuit.inputs) + 6  # points
        left, stub = _margins(max(xs), name / 72, 0.98 * width)
        end = nodes[circuit.output]
        self.stub = [end, (end[0] + stub, end[1])]
        wires = [*self.paths.values(), self.stub]
        xlim = (-left, max(xs) + stub + 0.3)
        fig = figures.Picture(figsize=(width, height), dpi=dpi or DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.88))
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.axis("off")
        ax.add_collection(LineCollection(wires, colors="0.35", linewidths=1.1, zorder=1))
        ax.plot(*zip(*(nodes[name] for name in circuit.inputs)), "o", color="0.35", ms=3,
                zorder=2)
        ax.plot(*zip(*gates), "o", ms=2 * GATE_RADIUS, mfc=NODE_FACE, mec=NODE_EDGE, mew=1.3,
                zorder=3)
        for gate, centre in zip(circuit.gates, gates):
            ax.text(*centre, gate.label, ha="center", va="center", fontsize=9, zorder=4)

        names = [dict(text=name, xy=nodes[name], xytext=(-4, 0), ha="right")
                 for name in circuit.inputs]
        names.append(dict(text=circuit.output, xy=self.stub[1], xytext=(3, 0), ha="left"))
        self.names = [dict(kw, va="center", fontsize=NAME_FONT, style="italic") for kw in names]
        for kw in self.names:
            ax.annotate(textcoords="offset points", zorder=5, **kw)
        self.labeller = _Labeller(ax, gates, wires)
        self.labels, self.room = [], []  # room: the width (points) each label was placed for

        if title:
            fig.text(0.01, 0.97, title, ha="left", va="top", fontsize=10)
        fig.text(0.99, 0.97, "value", color=VALUE_COLOR, ha="right", va="top", fontsize=8)
        if show_gradients:
            fig.text(0.99, 0.91, "gradient", color=GRADIENT_COLOR, ha="right", va="top", fontsize=8)
        self.figure, self.ax = fig, ax

    def show(self, values: Mapping[str, float]) -> Picture:
        """Write the numbers at these input values (dict name -> float) on the wires; returns
        the Picture."""
        circuit = self.circuit
        out = circuit.forward(values)
        grads = circuit.wire_gradients(values) if self.show_gradients else {}
        labels = [(self.stub, out[circuit.output], 1.0 if self.show_gradients else None)]
        labels += [(path, out[wire[0]], grads.get(wire)) for wire, path in self.paths.items()]
        texts = [wire_label(number) for _, *numbers in labels for number in numbers
                 if number is not None]
        widths = [_text_size(text, _Labeller.FONT, "normal")[0] for text in texts]
        if not self.labels or any(w > room for w, room in zip(widths, self.room)):
            self._place(labels)
            self.room = widths
        for label, text in zip(self.labels, texts):
            label.set_text(text)
        return self.figure

    def _place(self, labels):
        """Place the wire labels for these (path, value, gradient) labels (see _Labeller)."""
        places = self.labeller.arrange(self.names, labels)
        if not self.labels:
            self.labels = [self.ax.annotate(textcoords="offset points", zorder=5,
                                            animated=self.animated, **kw) for kw in places]
        for label, kw in zip(self.labels, places):
            label.xy, label.xyann = kw["xy"], kw["xytext"]
            label.set(horizontalalignment=kw["ha"], verticalalignment=kw["va"])


def _margins(right, name, width):
    """(left margin, output stub) in column units for columns 0 to right drawn across width
    inches: the margin fits a name name inches wide (at least 0.45 units), the stub is 0.75 units
    but at least 0.55 inches, and 0.3 units follow it. Found by iterating, as the inches a unit
    takes depend on both."""
    units = right + 1.5
    for _ in range(20):
        inches_per_unit = width / units
        left, stub = max(0.45, name / inches_per_unit), max(0.75, 0.55 / inches_per_unit)
        units = left + right + stub + 0.3
    return left, stub


@lru_cache(maxsize=1)
def _ruler():
    """A renderer that measures texts in points (made once, at the first measure)."""
    from matplotlib.backends.backend_agg import RendererAgg
    return RendererAgg(1, 1, 72)


@lru_cache(maxsize=4096)
def _text_size(text, fontsize, style):
    """Width and height in points of a one-line text, as matplotlib lays it out."""
    from matplotlib.font_manager import FontProperties
    font, ruler = FontProperties(size=fontsize, style=style), _ruler()
    width, height, _ = ruler.get_text_width_height_descent(text, font, ismath=False)
    return width, max(height, ruler.get_text_width_height_descent("lp", font, ismath=False)[1])


class _Labeller:
    """Finds places for the texts on a circuit picture, in pixels, before any is drawn.

    A wire's value (green, above the wire) and gradient (red, below it) go at the first of a few
    spots along the wire, flattest segment and middle first, where they hit no other text, gate,
    wire or the frame; failing that, where they hit least (crossing a wire counts least).
    """

    SPOTS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)  # fractions along a segment
    FONT, GAP = 8, 3.5  # points: size of wire labels, and their distance from the wire
    PAD = 1.5  # pixels of clear space wanted around a wire label

    def __init__(self, ax, gates, wires):
        """gates: list of gate centres; wires: list of wires, each a list of (x, y) points."""
        self.ax = ax
        self.px_per_pt = ax.figure.dpi / 72
        self.to_px = ax.transData.frozen()  # data units -> pixels, fixed now that limits are set
        self.gates = self.to_px.transform(gates)
        self.radius = GATE_RADIUS * self.px_per_pt + 1
        self.segments = [(a, b) for path in wires for a, b in zip(path, path[1:])]
        # points every few pixels along each segment, and the segment each belongs to
        self.samples = np.concatenate([self.to_px.transform(np.linspace(a, b, 40))
                                       for a, b in self.segments])
        self.owner = np.repeat(np.arange(len(self.segments)), 40)
        self.frame = ax.bbox.extents
        self.boxes = []  # pixel boxes (x0, y0, x1, y1) of the texts placed so far

    def arrange(self, texts, labels):
        """Where to write everything: texts are annotate arguments (text, xy, xytext in points,
        ha, va, fontsize, style) of texts with fixed places; labels are (path, value, gradient)
        per wire, path a list of (x, y) points, gradient None for value only. Wires are labelled
        greedily, those with fewest segments first; if some found no free spot, they go first and
        all are tried again, twice at most. Returns annotate arguments for the labels' texts,
        value before gradient, in the order of labels."""
        order = sorted(range(len(labels)), key=lambda i: len(labels[i][0]))
        best_total = np.inf
        for _ in range(3):
            self.boxes = [self._box(**kw) for kw in texts]
            spots, costs = {}, {}
            for i in order:
                spots[i], costs[i] = self._place(*labels[i])
            if sum(costs.values()) < best_total:
                best, best_total = spots, sum(costs.values())
            if best_total == 0:
                break
            order = sorted(order, key=lambda i: costs[i] == 0)
        return [kw for i in sorted(best) for kw in best[i]]

    def _place(self, path, value, gradient):
        """Best spot for a wire's labels, as annotate arguments, and its cost; reserves it."""
        labels = [(value, 1, VALUE_COLOR), (gradient, -1, GRADIENT_COLOR)]
        labels = [(wire_label(number), sign, color)
                  for number, sign, color in labels if number is not None]
        spots = ((segment, t) for segment in sorted(zip(path, path[1:]), key=self._steepness)
                 for t in self.SPOTS)
        best_cost = np.inf
        for segment, t in spots:
            spot = [self._at(segment, t, *label) for label in labels]
            cost = self._cost([self._box(**kw) for kw in spot], self.segments.index(segment))
            if cost < best_cost:
                best, best_cost = spot, cost
            if cost == 0:
                break
        self.boxes += [self._box(**kw) for kw in best]
        return best, best_cost

    def _steepness(self, segment):
        (x0, y0), (x1, y1) = self.to_px.transform(segment)
        return abs(y1 - y0) / (x1 - x0)

    def _at(self, segment, t, text, sign, color):
        """Annotate arguments for a label at fraction t along segment, above it (sign 1) or below
        it (sign -1): pushed off the line along its normal, so steep wires do not cross their
        labels, and aligned on the side facing the line."""
        (start, end) = segment
        xy = tuple(np.add(start, t * np.subtract(end, start)))
        (x0, y0), (x1, y1) = self.to_px.transform(segment)
        dx, dy = sign * np.array([y0 - y1, x1 - x0]) / np.hypot(x1 - x0, y1 - y0)
        ha = "right" if dx < -0.2 else "left" if dx > 0.2 else "center"
        return dict(text=text, xy=xy, xytext=(self.GAP * dx, self.GAP * dy), ha=ha,
                    va="bottom" if dy > 0 else "top", fontsize=self.FONT, color=color)

    def _box(self, text, xy, xytext, ha, va, fontsize, style="normal", **_):
        """Pixel box (x0, y0, x1, y1) filled by annotate(text, xy, xytext, ha, va, ...)."""
        width, height = np.multiply(_text_size(text, fontsize, style), self.px_per_pt)
        x, y = self.to_px.transform(xy) + np.multiply(xytext, self.px_per_pt)
        x -= {"left": 0, "center": width / 2, "right": width}[ha]
        y -= {"bottom": 0, "center": height / 2, "top": height}[va]
        return x, y, x + width, y + height

    def _cost(self, boxes, own):
        """4 per text, gate or frame edge a box hits, 1 per wire segment but its own it crosses."""
        taken = np.array(self.boxes).reshape(-1, 4)
        fx0, fy0, fx1, fy1 = self.frame
        cost = 0
        for box in boxes:
            x0, y0, x1, y1 = np.add(box, (-self.PAD, -self.PAD, self.PAD, self.PAD))
            cost += 4 * (x0 < fx0 or y0 < fy0 or x1 > fx1 or y1 > fy1)
            cost += 4 * np.sum((taken[:, 0] < x1) & (taken[:, 2] > x0)
                               & (taken[:, 1] < y1) & (taken[:, 3] > y0))
            nearest = np.clip(self.gates, (x0, y0), (x1, y1))
            cost += 4 * np.sum(np.hypot(*(nearest - self.gates).T) < self.radius)
            inside = np.all((self.samples > (x0, y0)) & (self.samples < (x1, y1)), axis=1)
            cost += len(set(self.owner[inside]) - {own})
        return cost


class CircuitExplorer(Explorer):
    """A circuit with its values and gradients drawn on the wires, one slider per input.

    circuit: a course.circuits.Circuit; values: dict input name -> starting float; ranges: dict
    input name -> (low, high), by default value - 5 to value + 5; step: slider step; title: a
    title for the picture. Readout: the output and d output / d input for every input.
    """

    def __init__(self, circuit: Circuit, values: Mapping[str, float],
                 ranges: dict[str, tuple[float, float]] | None = None, step: float = 0.1,
                 title: str | None = None) -> None:
        self.circuit, self.title = circuit, title
        ranges = {name: (value - 5, value + 5) for name, value in values.items()} | (ranges or {})
        super().__init__({name: slider(name, values[name], *ranges[name], step)
                          for name in circuit.inputs})

    def build_figure(self) -> None:
        """The circuit's picture, once (self.drawing); render writes the numbers on it."""
        self.drawing = CircuitDrawing(self.circuit, title=self.title, animated=True)

    def render(self, values: dict[str, float]) -> tuple[Picture, dict[str, float]]:
        out = self.circuit.output
        grads = self.circuit.node_gradients(values)
        numbers = {out: self.circuit.forward(values)[out]}
        numbers.update({f"d{out}/d{name}": grads[name] for name in self.circuit.inputs})
        return self.drawing.show(values), numbers
