"""Real-valued circuits: small graphs of gates, their forward values, their numerical gradients and
their layout. The circuits of the assignments are in their forward modules
(course/assignments/<name>/); their pictures and explorer are in course.circuit_pictures, which
this module imports only when a picture is asked for, so grading (which needs the circuits, not
matplotlib or ipywidgets) starts fast. CircuitExplorer and CircuitDrawing can still be imported
from here.

Gradients come from centered differences (course.numgrad) by nudging one value and rerunning the
forward pass; this module holds no backward rule.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
import importlib
from statistics import fmean
from typing import TYPE_CHECKING

import numpy as np

from .functions import sigmoid
from .numgrad import centered_difference

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .figures import Picture

PICTURES = ("CircuitDrawing", "CircuitExplorer")
"""Names of course.circuit_pictures that this module gives on demand."""


def __getattr__(name: str) -> object:
    if name not in PICTURES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module("course.circuit_pictures"), name)


@dataclass(frozen=True)
class Op:
    """What a gate does: its forward function of the values arriving in its slots (after the
    gate's constant, for an op that has one), how many slots it has, and the label drawn in the
    gate (a format string filled with c=const for an op with a constant)."""

    forward: object
    arity: int
    label: str


OPS = {
    "add": Op(lambda a, b: a + b, 2, "+"),
    "sub": Op(lambda a, b: a - b, 2, "−"),
    "mul": Op(lambda a, b: a * b, 2, "×"),
    "max": Op(max, 2, "max"),
    "exp": Op(np.exp, 1, "exp"),
    "inv": Op(lambda a: 1 / a, 1, "1/x"),
    "addc": Op(lambda c, a: c + a, 1, "{c:+g}"),
    "scale": Op(lambda c, a: c * a, 1, "×{c:g}"),
    "square": Op(lambda a: a**2, 1, "x²"),
    "sigmoid": Op(sigmoid, 1, "σ"),
    "tanh": Op(np.tanh, 1, "tanh"),
}
"""Every gate op of the course, by name."""

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

    def __call__(self, *args: float) -> float:
        """Forward value (a float) from the values arriving in each slot."""
        forward = OPS[self.op].forward
        return float(forward(*args) if self.const is None else forward(self.const, *args))

    @property
    def label(self) -> str:
        return OPS[self.op].label.format(c=self.const)


@dataclass(frozen=True)
class Circuit:
    """Named inputs and gates in an order where every gate comes after the nodes it reads; the
    last gate is the output. A wire is (source node, destination gate, input slot)."""

    inputs: tuple[str, ...]
    gates: tuple[Gate, ...]

    @property
    def output(self) -> str:
        """Name of the last gate."""
        return self.gates[-1].name

    @property
    def wires(self) -> list[tuple[str, str, int]]:
        """Every wire (source, gate, slot), gate by gate."""
        return [(src, gate.name, slot)
                for gate in self.gates for slot, src in enumerate(gate.inputs)]

    def forward(self, values: Mapping[str, float],
                replace: Mapping[str | tuple[str, str, int], float] | None = None) -> dict[str, float]:
        """Value of every node: values maps input names to floats. replace maps node names or
        wires to a value forced onto that node or carried by that wire alone."""
        replace = replace or {}
        out = {name: float(replace.get(name, values[name])) for name in self.inputs}
        for gate in self.gates:
            args = [replace.get((src, gate.name, slot), out[src])
                    for slot, src in enumerate(gate.inputs)]
            out[gate.name] = float(replace.get(gate.name, gate(*args)))
        return out

    def _sensitivity(self, values, key, at):
        """d output / d (the node or wire key, currently carrying at), by centered difference."""
        return centered_difference(lambda v: self.forward(values, {key: v})[self.output], at)

    def wire_gradients(self, values: Mapping[str, float]) -> dict[tuple[str, str, int], float]:
        """d output / d value on each wire, nudging that wire only: dict wire -> float."""
        out = self.forward(values)
        return {wire: self._sensitivity(values, wire, out[wire[0]]) for wire in self.wires}

    def node_gradients(self, values: Mapping[str, float]) -> dict[str, float]:
        """d output / d value of each node (inputs and gates): dict name -> float."""
        out = self.forward(values)
        return {name: self._sensitivity(values, name, at) for name, at in out.items()}

    def layout(self) -> tuple[dict[str, tuple[float, float]],
                              dict[tuple[str, str, int], list[tuple[float, float]]]]:
        """Positions in (column, row) units: dict node -> (x, y), and dict wire -> list of (x, y)
        points from its source to its gate.

        Inputs sit in column 0 in their given order, a gate one column right of its rightmost
        input. A wire spanning several columns bends at one waypoint per column it crosses, so it
        never runs through a gate. Each column is ordered and placed by the mean row of its
        neighbours (barycentre), rows at least 1 apart: a sweep rightwards, one leftwards (inputs
        stay put), and a last one rightwards. A gap between columns crossed by n wires is
        1 + 0.2 (n - 1) wide, so crowded gaps get more room for labels.
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
        sweeps = ((columns[1:], left), (columns[-2:0:-1], right), (columns[1:], left))
        for sweep, neighbours in sweeps:
            for items in sweep:
                target = {i: fmean(row[n] for n in neighbours.get(i, [i])) for i in items}
                order = sorted(items, key=lambda i: (target[i], row.get(i, 0)), reverse=True)
                row.update(_spread(order, target))
        column = {item: col[item] if item in col else item[1] for item in row}
        crossing = Counter(column[item] for item in left for _ in left[item])  # wires into column c
        x = np.cumsum([0] + [1 + 0.2 * (crossing[c] - 1) for c in range(1, len(columns))])
        point = {item: (x[column[item]], row[item]) for item in row}
        return ({name: point[name] for name in col},
                {wire: [point[item] for item in path] for wire, path in paths.items()})

    def draw(self, values: Mapping[str, float], show_gradients: bool = True, title: str | None = None,
             figsize: tuple[float, float] | None = None, dpi: float | None = None) -> Picture | None:
        """Picture of the circuit at these input values (dict name -> float): each wire's value in
        green above it, its gradient d output / d wire in red below it. figsize: (width, height)
        in inches; None for 7.5 x 3.5, or more for a circuit too deep or tall to be legible in
        that; dpi: None for the course's (course.figures.DPI). Returns a Picture: a matplotlib
        Figure, made without pyplot, that a notebook cell ending with it shows; None where
        pictures are off (see course.figures.pictures_off)."""
        from .circuit_pictures import CircuitDrawing
        from .figures import drawing
        if not drawing():
            return None
        return CircuitDrawing(self, show_gradients, title, figsize, dpi).show(values)


def _spread(order, target):
    """Rows for one column's items, listed top first: each as near its target row as it can be
    while at least 1 below the previous one, then all shifted so their mean row is the mean
    target. dict item -> row."""
    rows = []
    for item in order:
        rows.append(min(target[item], rows[-1] - 1) if rows else target[item])
    shift = fmean(target.values()) - fmean(rows)
    return {item: r + shift for item, r in zip(order, rows)}
