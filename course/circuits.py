"""Real-valued circuits: small graphs of gates, their forward values, their numerical gradients
and a picture with values and gradients written on the wires.

Gradients come from centered differences (course.numgrad) by nudging one value and rerunning the
forward pass; this module holds no backward rule.
"""
from dataclasses import dataclass
from statistics import fmean

import numpy as np
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

        Inputs sit in column 0, a gate one column right of its rightmost input. A wire spanning
        several columns bends through one waypoint per column it crosses, so it never runs
        through a gate. Rows are ordered and placed by the mean row of their neighbours
        (barycentre), one sweep right, one left, one right, at least one row apart.
        """
        col = dict.fromkeys(self.inputs, 0)
        for gate in self.gates:
            col[gate.name] = 1 + max(col[src] for src in gate.inputs)
        columns = [list(self.inputs)] + [[] for _ in range(max(col.values()))]
        left, right, paths = {}, {}, {}
        for wire in self.wires:
            src, dst, _ = wire
            paths[wire] = [src] + [(wire, c) for c in range(col[src] + 1, col[dst])] + [dst]
            for a, b in zip(paths[wire], paths[wire][1:]):
                left.setdefault(b, []).append(a)
                right.setdefault(a, []).append(b)
        for gate in self.gates:
            columns[col[gate.name]].append(gate.name)
        for wire, path in paths.items():
            for waypoint in path[1:-1]:
                columns[waypoint[1]].append(waypoint)

        y = {item: -row for row, item in enumerate(columns[0])}
        sweeps = [(columns[1:], left), (columns[-2::-1], right), (columns[1:], left)]
        for order, neighbours in sweeps:
            for items in order:
                y.update(_spread(items, {i: fmean(y[n] for n in neighbours.get(i, [i])) for i in items}))
        x = {item: (col[item] if item in col else item[1]) for item in y}
        point = {item: (x[item], y[item]) for item in y}
        return ({name: point[name] for name in col},
                {wire: [point[item] for item in path] for wire, path in paths.items()})

    def draw(self, values, show_gradients=True, title=None, figsize=(7.5, 3.5), dpi=90):
        """Picture of the circuit at these input values, values in green above each wire,
        gradients (d output / d wire) in red below. Returns a matplotlib Figure (no pyplot)."""
        nodes, paths = self.layout()
        out = self.forward(values)
        grads = self.wire_gradients(values) if show_gradients else {}
        xs, ys = zip(*nodes.values())
        right = max(xs) + 0.75
        fig = Figure(figsize=figsize, dpi=dpi)
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.88))
        ax.set_xlim(-0.45, right + 0.3)
        ax.set_ylim(min(ys) - 0.55, max(ys) + 0.55)
        ax.axis("off")

        for wire, points in paths.items():
            ax.plot(*zip(*points), color="0.35", lw=1.1, zorder=1)
            _label_wire(ax, points[-2], points[-1], out[wire[0]], grads.get(wire))
        end = nodes[self.output]
        ax.plot([end[0], right], [end[1]] * 2, color="0.35", lw=1.1, zorder=1)
        _label_wire(ax, end, (right, end[1]), out[self.output], 1.0 if show_gradients else None)
        ax.annotate(self.output, (right, end[1]), xytext=(3, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=10, style="italic")

        for name in self.inputs:
            ax.plot(*nodes[name], "o", color="0.35", ms=3, zorder=2)
            ax.annotate(name, nodes[name], xytext=(-4, 0), textcoords="offset points",
                        ha="right", va="center", fontsize=10, style="italic")
        for gate in self.gates:
            ax.plot(*nodes[gate.name], "o", ms=24, mfc="#eef3fb", mec="#35507a", mew=1.3, zorder=3)
            ax.text(*nodes[gate.name], gate.label, ha="center", va="center", fontsize=9, zorder=4)

        if title:
            fig.text(0.01, 0.97, title, ha="left", va="top", fontsize=10)
        fig.text(0.99, 0.97, "value", color=VALUE_COLOR, ha="right", va="top", fontsize=8)
        if show_gradients:
            fig.text(0.99, 0.91, "gradient", color=GRADIENT_COLOR, ha="right", va="top", fontsize=8)
        return fig


def _spread(items, target):
    """Rows for one column: items ordered by target row (top first, ties in given order), each at
    least 1 below the previous, shifted so their mean row is the mean target. dict item -> row."""
    order = sorted(items, key=target.get, reverse=True)
    rows = []
    for item in order:
        rows.append(min(target[item], rows[-1] - 1) if rows else target[item])
    shift = fmean(target.values()) - fmean(rows)
    return {item: row + shift for item, row in zip(order, rows)}


def _fmt(number):
    return f"{round(number, 2) + 0.0:.2f}"  # + 0.0 turns -0.0 into 0.0


def _label_wire(ax, start, end, value, gradient):
    """Write value above and gradient (unless None) below the middle of the segment start-end,
    pushed away from the line along its normal so steep wires do not cross their labels."""
    (x0, y0), (x1, y1) = ax.transData.transform([start, end])
    nx, ny = -(y1 - y0), x1 - x0
    norm = np.hypot(nx, ny)
    nx, ny = nx / norm, ny / norm
    middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    for text, sign, color in ((value, 1, VALUE_COLOR), (gradient, -1, GRADIENT_COLOR)):
        if text is None:
            continue
        dx, dy = sign * nx, sign * ny
        ha = "right" if dx < -0.2 else "left" if dx > 0.2 else "center"
        ax.annotate(_fmt(text), middle, xytext=(3.5 * dx, 3.5 * dy), textcoords="offset points",
                    ha=ha, va="bottom" if dy > 0 else "top", color=color, fontsize=8, zorder=5)


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
