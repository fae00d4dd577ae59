"""Real-valued circuits: small graphs of gates, their forward values, their numerical gradients
and a picture with values and gradients written on the wires.

Gradients come from centered differences (course.numgrad) by nudging one value and rerunning the
forward pass; this module holds no backward rule.
"""
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from statistics import fmean

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import LineCollection
from matplotlib.font_manager import FontProperties
from matplotlib.figure import Figure

from .numgrad import centered_difference


def sigmoid(a):
    """The logistic function 1 / (1 + e^-a), for a float or an array (same shape out)."""
    return 1 / (1 + np.exp(-a))


# op name -> (forward function, label drawn in the gate). Ops with a constant take it first;
# their label is a format string filled with c=const.
OPS = {
    "add": (lambda a, b: a + b, "+"),
    "mul": (lambda a, b: a * b, "×"),
    "max": (max, "max"),
    "exp": (np.exp, "exp"),
    "inv": (lambda a: 1 / a, "1/x"),
    "addc": (lambda c, a: c + a, "{c:+g}"),
    "scale": (lambda c, a: c * a, "×{c:g}"),
    "square": (lambda a: a**2, "x²"),
    "sigmoid": (sigmoid, "σ"),
}

VALUE_COLOR, GRADIENT_COLOR = "#1b7a2e", "#c62828"
GATE_RADIUS = 12  # points


@dataclass(frozen=True)
class Gate:
    """One gate: the name of the value it computes, its op (a key of OPS), the names of the nodes
    feeding it (in slot order), and the constant of an "addc" or "scale" gate."""

    name: str
    op: str
    inputs: tuple[str, ...]
    const: float | None = None

    def __post_init__(self):
        if self.op not in OPS:
            raise ValueError(f"unknown op {self.op!r}; known ops: {', '.join(OPS)}")

    def __call__(self, *args):
        """Forward value (a float) from the values arriving in each slot."""
        forward = OPS[self.op][0]
        return float(forward(*args) if self.const is None else forward(self.const, *args))

    @property
    def label(self):
        return OPS[self.op][1].format(c=self.const)


@dataclass(frozen=True)
class Circuit:
    """Named inputs and gates in an order where every gate comes after the nodes it reads; the
    last gate is the output. A wire is (source node, destination gate, input slot)."""

    inputs: tuple[str, ...]
    gates: tuple[Gate, ...]

    @property
    def output(self):
        return self.gates[-1].name

    @property
    def wires(self):
        return [(src, gate.name, slot) for gate in self.gates for slot, src in enumerate(gate.inputs)]

    def forward(self, values, replace=None):
        """Value of every node: values maps input names to floats. replace maps node names or
        wires to a value forced onto that node or carried by that wire alone."""
        replace = replace or {}
        out = {name: float(replace.get(name, values[name])) for name in self.inputs}
        for gate in self.gates:
            args = [replace.get((src, gate.name, slot), out[src]) for slot, src in enumerate(gate.inputs)]
            out[gate.name] = float(replace.get(gate.name, gate(*args)))
        return out

    def _sensitivity(self, values, key, at):
        """d output / d (the node or wire key, currently carrying at), by centered difference."""
        return centered_difference(lambda v: self.forward(values, {key: v})[self.output], at)

    def wire_gradients(self, values):
        """d output / d value on each wire, nudging that wire only: dict wire -> float."""
        out = self.forward(values)
        return {wire: self._sensitivity(values, wire, out[wire[0]]) for wire in self.wires}

    def node_gradients(self, values):
        """d output / d value of each node (inputs and gates): dict name -> float."""
        out = self.forward(values)
        return {name: self._sensitivity(values, name, at) for name, at in out.items()}

    def layout(self):
        """Positions in (column, row) units: dict node -> (x, y), and dict wire -> list of (x, y)
        points from its source to its gate.

        Inputs sit in column 0 in their given order, a gate one column right of its rightmost
        input. A wire spanning several columns bends at one waypoint per column it crosses, so it
        never runs through a gate. Each column is ordered and placed by the mean row of its
        neighbours (barycentre), rows at least 1 apart: a sweep rightwards, one leftwards (inputs
        stay put), and a last one rightwards. Gaps crossed by more wires are wider.
        """
        col = dict.fromkeys(self.inputs, 0)
        for gate in self.gates:
            col[gate.name] = 1 + max(col[src] for src in gate.inputs)
        columns = [list(self.inputs)] + [[] for _ in range(max(col.values()))]
        for gate in self.gates:
            columns[col[gate.name]].append(gate.name)
        left, right, paths = {}, {}, {}
        for wire in self.wires:
            src, dst, _ = wire
            paths[wire] = [src] + [(wire, c) for c in range(col[src] + 1, col[dst])] + [dst]
            for waypoint in paths[wire][1:-1]:
                columns[waypoint[1]].append(waypoint)
            for a, b in zip(paths[wire], paths[wire][1:]):
                left.setdefault(b, []).append(a)
                right.setdefault(a, []).append(b)

        row = {item: -i for i, item in enumerate(columns[0])}
        for sweep, neighbours in ((columns[1:], left), (columns[-2:0:-1], right), (columns[1:], left)):
            for items in sweep:
                target = {i: fmean(row[n] for n in neighbours.get(i, [i])) for i in items}
                order = sorted(items, key=lambda i: (target[i], row.get(i, 0)), reverse=True)
                row.update(_spread(order, target))
        column = {item: col[item] if item in col else item[1] for item in row}
        # the gap before column c is as wide as the square root of the wires crossing it
        crossing = Counter(column[item] for item in left for _ in left[item])
        x = np.cumsum([0] + [np.sqrt(crossing[c]) for c in range(1, len(columns))])
        point = {item: (x[column[item]], row[item]) for item in row}
        return ({name: point[name] for name in col},
                {wire: [point[item] for item in path] for wire, path in paths.items()})

    def draw(self, values, show_gradients=True, title=None, figsize=(7.5, 3.5), dpi=90):
        """Picture of the circuit at these input values (dict name -> float): each wire's value in
        green above it, its gradient d output / d wire in red below it. Returns a matplotlib
        Figure, made without pyplot."""
        nodes, paths = self.layout()
        out = self.forward(values)
        grads = self.wire_gradients(values) if show_gradients else {}
        end = nodes[self.output]
        stub = [end, (end[0] + 0.75, end[1])]
        wires = [*paths.values(), stub]
        gates = [nodes[gate.name] for gate in self.gates]
        xs, ys = zip(*nodes.values(), *(point for path in wires for point in path))

        fig = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.88))
        ax.set_xlim(-0.45, max(xs) + 0.3)
        ax.set_ylim(min(ys) - 0.55, max(ys) + 0.55)
        ax.axis("off")
        ax.add_collection(LineCollection(wires, colors="0.35", linewidths=1.1, zorder=1))
        ax.plot(*zip(*(nodes[name] for name in self.inputs)), "o", color="0.35", ms=3, zorder=2)
        ax.plot(*zip(*gates), "o", ms=2 * GATE_RADIUS, mfc="#eef3fb", mec="#35507a", mew=1.3, zorder=3)
        for gate, centre in zip(self.gates, gates):
            ax.text(*centre, gate.label, ha="center", va="center", fontsize=9, zorder=4)

        labeller = _Labeller(ax, gates, wires)
        for name in self.inputs:
            labeller.write(name, nodes[name], (-4, 0), "right", "center", fontsize=10, style="italic")
        labeller.write(self.output, stub[1], (3, 0), "left", "center", fontsize=10, style="italic")
        labeller.place(stub, out[self.output], 1.0 if show_gradients else None)
        for wire in sorted(paths, key=lambda w: len(paths[w])):  # wires with fewest spots first
            labeller.place(paths[wire], out[wire[0]], grads.get(wire))

        if title:
            fig.text(0.01, 0.97, title, ha="left", va="top", fontsize=10)
        fig.text(0.99, 0.97, "value", color=VALUE_COLOR, ha="right", va="top", fontsize=8)
        if show_gradients:
            fig.text(0.99, 0.91, "gradient", color=GRADIENT_COLOR, ha="right", va="top", fontsize=8)
        return fig


def _spread(order, target):
    """Rows for one column's items, listed top first: each as near its target row as it can be
    while at least 1 below the previous one, then all shifted so their mean row is the mean
    target. dict item -> row."""
    rows = []
    for item in order:
        rows.append(min(target[item], rows[-1] - 1) if rows else target[item])
    shift = fmean(target.values()) - fmean(rows)
    return {item: r + shift for item, r in zip(order, rows)}


def _fmt(number):
    """Two decimals ("-0.00" shown as "0.00"); three significant digits from 1000 up."""
    return f"{number:.3g}" if abs(number) >= 1000 else f"{round(number, 2) + 0.0:.2f}"


_RULER = RendererAgg(1, 1, 72)  # measures texts in points


@lru_cache(maxsize=4096)
def _text_size(text, fontsize, style):
    """Width and height in points of a one-line text, as matplotlib lays it out."""
    font = FontProperties(size=fontsize, style=style)
    width, height, _ = _RULER.get_text_width_height_descent(text, font, ismath=False)
    return width, max(height, _RULER.get_text_width_height_descent("lp", font, ismath=False)[1])


class _Labeller:
    """Writes texts on a circuit picture, keeping track of the room they take.

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
        self.samples = np.concatenate([self.to_px.transform(np.linspace(a, b, 40)) for a, b in self.segments])
        self.owner = np.repeat(np.arange(len(self.segments)), 40)
        self.frame = ax.bbox.extents
        self.boxes = []  # pixel boxes (x0, y0, x1, y1) of the texts written

    def write(self, text, xy, offset, ha, va, fontsize, style="normal", color="black"):
        """Draw text at xy (data units) moved by offset (points), and reserve its room."""
        self.ax.annotate(text, xy, xytext=offset, textcoords="offset points", ha=ha, va=va,
                         fontsize=fontsize, style=style, color=color, zorder=5)
        self.boxes.append(self._box(text, xy, offset, ha, va, fontsize, style))

    def place(self, path, value, gradient):
        """Label the wire drawn along path (a list of (x, y) points); gradient None: value only."""
        labels = [(value, 1, VALUE_COLOR), (gradient, -1, GRADIENT_COLOR)]
        labels = [(_fmt(number), sign, color) for number, sign, color in labels if number is not None]
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
        for kw in best:
            self.write(**kw)

    def _steepness(self, segment):
        (x0, y0), (x1, y1) = self.to_px.transform(segment)
        return abs(y1 - y0) / (x1 - x0)

    def _at(self, segment, t, text, sign, color):
        """Arguments of write for a label at fraction t along segment, above it (sign 1) or below
        it (sign -1): pushed off the line along its normal, so steep wires do not cross their
        labels, and aligned on the side facing the line."""
        (start, end) = segment
        xy = tuple(np.add(start, t * np.subtract(end, start)))
        (x0, y0), (x1, y1) = self.to_px.transform(segment)
        dx, dy = sign * np.array([y0 - y1, x1 - x0]) / np.hypot(x1 - x0, y1 - y0)
        ha = "right" if dx < -0.2 else "left" if dx > 0.2 else "center"
        return dict(text=text, xy=xy, offset=(self.GAP * dx, self.GAP * dy), ha=ha,
                    va="bottom" if dy > 0 else "top", fontsize=self.FONT, color=color)

    def _box(self, text, xy, offset, ha, va, fontsize, style="normal", **_):
        """Pixel box (x0, y0, x1, y1) that write(text, xy, offset, ha, va, ...) fills."""
        width, height = np.multiply(_text_size(text, fontsize, style), self.px_per_pt)
        x, y = self.to_px.transform(xy) + np.multiply(offset, self.px_per_pt)
        x -= {"left": 0, "center": width / 2, "right": width}[ha]
        y -= {"bottom": 0, "center": height / 2, "top": height}[va]
        return x, y, x + width, y + height

    def _cost(self, boxes, own):
        """4 per text, gate or frame edge a box hits, 1 per wire segment but its own it crosses."""
        taken = np.array(self.boxes).reshape(-1, 4)
        cost = 0
        for box in boxes:
            x0, y0, x1, y1 = np.add(box, (-self.PAD, -self.PAD, self.PAD, self.PAD))
            fx0, fy0, fx1, fy1 = self.frame
            cost += 4 * (x0 < fx0 or y0 < fy0 or x1 > fx1 or y1 > fy1)
            cost += 4 * np.sum((taken[:, 0] < x1) & (taken[:, 2] > x0) & (taken[:, 1] < y1) & (taken[:, 3] > y0))
            nearest = np.clip(self.gates, (x0, y0), (x1, y1))
            cost += 4 * np.sum(np.hypot(*(nearest - self.gates).T) < self.radius)
            inside = np.all((self.samples > (x0, y0)) & (self.samples < (x1, y1)), axis=1)
            cost += len(set(self.owner[inside]) - {own})
        return cost


_NEURON_INPUTS = ("w0", "x0", "w1", "x1", "w2")
_NEURON_DOT = (
    Gate("w0x0", "mul", ("w0", "x0")),
    Gate("w1x1", "mul", ("w1", "x1")),
    Gate("s", "add", ("w0x0", "w1x1")),
    Gate("dot", "add", ("s", "w2")),
)

ADD_MUL = Circuit(("x", "y", "z"), (Gate("q", "add", ("x", "y")), Gate("f", "mul", ("q", "z"))))
"""f = (x + y) z. At x=-2, y=5, z=-4: q=3, f=-12."""

FLOW_PATTERNS = Circuit(("x", "y", "z", "w"), (
    Gate("xy", "mul", ("x", "y")),
    Gate("m", "max", ("z", "w")),
    Gate("s", "add", ("xy", "m")),
    Gate("f", "scale", ("s",), const=2),
))
"""f = 2 (x y + max(z, w)). At x=3, y=-4, z=2, w=-1: f=-20."""

NEURON = Circuit(_NEURON_INPUTS, _NEURON_DOT + (
    Gate("neg", "scale", ("dot",), const=-1),
    Gate("e", "exp", ("neg",)),
    Gate("den", "addc", ("e",), const=1),
    Gate("f", "inv", ("den",)),
))
"""f = sigma(w0 x0 + w1 x1 + w2) from small gates. At w=[2,-3,-3], x=[-1,-2]: dot=1, f=0.7311."""

NEURON_SIGMOID = Circuit(_NEURON_INPUTS, _NEURON_DOT + (Gate("f", "sigmoid", ("dot",)),))
"""The same neuron with one sigmoid gate."""

STAGED = Circuit(("x", "y"), (
    Gate("sigy", "sigmoid", ("y",)),
    Gate("num", "add", ("x", "sigy")),
    Gate("sigx", "sigmoid", ("x",)),
    Gate("xpy", "add", ("x", "y")),
    Gate("xpysqr", "square", ("xpy",)),
    Gate("den", "add", ("sigx", "xpysqr")),
    Gate("invden", "inv", ("den",)),
    Gate("f", "mul", ("num", "invden")),
))
"""f = (x + sigma(y)) / (sigma(x) + (x + y)^2). At x=3, y=-4: f=1.5456."""
