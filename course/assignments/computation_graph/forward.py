"""Computation graphs of assignment 12 as plain numbers: the format, forward evaluation, worked
examples, random graphs for tests.

A graph of n nodes is an int array of shape (n, 3). Row i describes node i as (op, a, b): its op
code and the indices of the nodes feeding its first and second input, -1 where the op takes fewer
inputs. A leaf (op INPUT) has no inputs: its value is given. Rows may come in any order.

Forward evaluation lives here; gradients are the students' to compute. The only gradients this
module knows come from centered differences (course.numgrad), by forcing a node's value and
re-evaluating the graph.
"""
from dataclasses import dataclass

import numpy as np

from course.circuits import OPS
from course.numgrad import centered_difference

OP_NAMES = ("input", "add", "sub", "mul", "max", "inv", "sigmoid", "tanh")
"""The op of each op code: INPUT is 0, ADD 1, ... The gates' ops are course.circuits.OPS."""
INPUT, ADD, SUB, MUL, MAX, INV, SIGMOID, TANH = range(len(OP_NAMES))
GATE_OPS = tuple(range(1, len(OP_NAMES)))
OP_CODES = {name: code for code, name in enumerate(OP_NAMES)}


def arity(op):
    """How many inputs a node with this op code reads: 0 for a leaf (INPUT), else 1 or 2."""
    return OPS[OP_NAMES[int(op)]].arity if int(op) != INPUT else 0


def apply_op(op, a, b=0.0):
    """Forward value of gate op on the values a (first input) and b (second input; ignored by
    a one-input op). op: an op code other than INPUT; a, b: floats. Returns a float."""
    if int(op) == INPUT:
        raise ValueError("a leaf (INPUT) has no forward op: its value is given")
    forward = OPS[OP_NAMES[int(op)]].forward
    return float(forward(a, b) if arity(op) == 2 else forward(a))


def make_graph(rows):
    """A graph from readable rows.

    rows: list of (name, op name, input names...), e.g. ("q", "add", "x", "y") or ("x", "input").
    Returns (graph, names): graph an int array of shape (n, 3), in the order of rows; names a
    tuple of n strings.
    """
    names = tuple(row[0] for row in rows)
    index = {name: i for i, name in enumerate(names)}
    if len(index) != len(names):
        raise ValueError("two rows have the same name")
    graph = np.full((len(rows), 3), -1, dtype=int)
    for i, (name, op, *sources) in enumerate(rows):
        code = OP_CODES[op]
        if len(sources) != arity(code):
            raise ValueError(f"{name}: {op} takes {arity(code)} inputs, got {len(sources)}")
        graph[i, 0] = code
        graph[i, 1:1 + len(sources)] = [index[s] for s in sources]
    return graph, names


def evaluate(graph, values, replace=None):
    """Value of every node.

    graph: int array (n, 3); values: float array (n,) whose entries at the leaves are the leaf
    values (the other entries are not read); replace: dict node index -> float forced onto that
    node (its inputs are then ignored). Returns a new float array of shape (n,).

    Works by sweeps: each sweep computes every gate whose inputs are all known, until none is
    left; a graph with a cycle or a bad input index raises ValueError.
    """
    graph = np.asarray(graph).astype(int)
    n = len(graph)
    slots = graph[:, 1:]
    if np.any(slots >= n) or np.any(slots < -1):
        raise ValueError("an input index is not a node of the graph")
    found = np.asarray(values, dtype=float).copy()
    known = graph[:, 0] == INPUT
    for node, value in (replace or {}).items():
        found[node], known[node] = value, True
    while not known.all():
        ready = ~known & np.where(slots >= 0, known[slots], True).all(axis=1)
        if not ready.any():
            raise ValueError("some nodes can never be computed: the graph has a cycle")
        for node in np.flatnonzero(ready):
            code, a, b = graph[node]
            found[node] = apply_op(code, found[a], found[b] if b >= 0 else 0.0)
        known |= ready
    return found


def node_gradients(graph, values, output):
    """d output / d node for every node, by centered differences: each node's value is forced a
    little up and down and the graph re-evaluated. A node the output does not depend on gets 0.

    graph: int array (n, 3); values: float array (n,) of leaf values (as for evaluate); output:
    the index of the output node. Returns a float array of shape (n,).
    """
    at = evaluate(graph, values)

    def output_with(node):
        return lambda v: evaluate(graph, at, {node: v})[output]

    return np.array([centered_difference(output_with(node), at[node]) for node in range(len(at))])


def ancestors(graph, output):
    """Which nodes the output depends on (itself included): a boolean array of shape (n,).

    Grows the set from the output by whole-graph steps: a node joins when a member reads it."""
    graph = np.asarray(graph).astype(int)
    feeds = np.zeros((len(graph), len(graph)), dtype=bool)  # feeds[i, j]: node j is read by node i
    for slot in (1, 2):
        readers = np.flatnonzero(graph[:, slot] >= 0)
        feeds[readers, graph[readers, slot]] = True
    member = np.zeros(len(graph), dtype=bool)
    member[int(output)] = True
    while True:
        grown = member | feeds[member].any(axis=0)
        if (grown == member).all():
            return member
        member = grown


def wires(graph, among=None):
    """Every (source, reader) pair of the graph, one per used input slot, readers in index order
    and slots in order; among: a boolean mask to keep only readers in it. A list of int pairs."""
    graph = np.asarray(graph).astype(int)
    return [(int(graph[i, slot]), i) for i in range(len(graph))
            if among is None or among[i] for slot in (1, 2) if graph[i, slot] >= 0]


@dataclass(frozen=True, eq=False)
class Example:
    """A worked example: graph (int array (n, 3)), names (n strings), output (index of the output
    node) and leaves (dict leaf name -> value)."""

    graph: np.ndarray
    names: tuple
    output: int
    leaves: dict

    @classmethod
    def from_rows(cls, rows, leaves, output):
        graph, names = make_graph(rows)
        return cls(graph, names, names.index(output), dict(leaves))

    def index(self, name):
        """Index of the node called name."""
        return self.names.index(name)

    def values(self):
        """The value of every node: a float array of shape (n,)."""
        start = np.zeros(len(self.names))
        for name, value in self.leaves.items():
            start[self.index(name)] = value
        return evaluate(self.graph, start)


# The worked examples of seeds/NOTES.md as graphs. Rows run from the output down to the leaves,
# the way one reads a formula from the outside in, so they are not in an order that can be
# evaluated top to bottom.
ADD_MUL = Example.from_rows([
    ("f", "mul", "q", "z"),
    ("q", "add", "x", "y"),
    ("x", "input"), ("y", "input"), ("z", "input"),
], {"x": -2.0, "y": 5.0, "z": -4.0}, "f")
"""f = (x + y) z. At x=-2, y=5, z=-4: q=3, f=-12; df/dx=-4, df/dy=-4, df/dz=3."""

FLOW = Example.from_rows([
    ("f", "mul", "two", "s"),
    ("s", "add", "xy", "m"),
    ("xy", "mul", "x", "y"),
    ("m", "max", "z", "w"),
    ("two", "input"),
    ("x", "input"), ("y", "input"), ("z", "input"), ("w", "input"),
], {"two": 2.0, "x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0}, "f")
"""f = 2 (x y + max(z, w)), the constant 2 a leaf. At x=3, y=-4, z=2, w=-1: f=-20, df/dx=-8,
df/dy=6."""

STAGED = Example.from_rows([
    ("f", "mul", "num", "invden"),
    ("num", "add", "x", "sigy"),
    ("invden", "inv", "den"),
    ("den", "add", "sigx", "xpysqr"),
    ("xpysqr", "mul", "xpy", "xpy"),
    ("xpy", "add", "x", "y"),
    ("sigx", "sigmoid", "x"),
    ("sigy", "sigmoid", "y"),
    ("x", "input"), ("y", "input"),
], {"x": 3.0, "y": -4.0}, "f")
"""f = (x + sigma(y)) / (sigma(x) + (x + y)^2), the square as xpy times itself. At x=3, y=-4:
f=1.5456, df/dx=2.0596, df/dy=1.5922."""

NEURON = Example.from_rows([
    ("f", "sigmoid", "dot"),
    ("dot", "add", "s", "w2"),
    ("s", "add", "w0x0", "w1x1"),
    ("w0x0", "mul", "w0", "x0"),
    ("w1x1", "mul", "w1", "x1"),
    ("w0", "input"), ("x0", "input"), ("w1", "input"), ("x1", "input"), ("w2", "input"),
], {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}, "f")
"""The 2-D sigmoid neuron. At w=[2,-3,-3], x=[-1,-2]: f=0.7311, dx=[0.3932,-0.5898],
dw=[-0.1966,-0.3932,0.1966]."""

_I = "₀₁"  # subscripts: W0₁₀ is W0[1, 0], x2₁ is x2[1]
TWO_LAYER = Example.from_rows([
    ("L", "mul", "half", "e²"),
    ("e²", "mul", "e", "e"),
    ("e", "sub", "x3", "y"),
    ("x3", "add", "u₀", "u₁"),
    *[(f"u{i}", "mul", f"W1{i}", f"x2{i}") for i in _I],
    *[(f"x2{i}", "tanh", f"x1{i}") for i in _I],
    *[(f"x1{i}", "add", f"p{i}₀", f"p{i}₁") for i in _I],
    *[(f"p{i}{j}", "mul", f"W0{i}{j}", f"x0{j}") for i in _I for j in _I],
    *[(f"W0{i}{j}", "input") for i in _I for j in _I],
    *[(f"x0{j}", "input") for j in _I], *[(f"W1{i}", "input") for i in _I],
    ("y", "input"), ("half", "input"),
], {"W0₀₀": 1.0, "W0₀₁": -3.0, "W0₁₀": 0.2, "W0₁₁": 1.0, "x0₀": 1.0, "x0₁": 0.1,
    "W1₀": 1.0, "W1₁": -1.0, "y": 0.5, "half": 0.5}, "L")
"""The two-layer tanh network x1 = W0 x0, x2 = tanh(x1), x3 = W1 x2, L = 1/2 (x3 - y)^2, one
scalar per node: W0₁₀ is W0[1, 0], x2₁ is x2[1], and so on. At W0=[[1,-3],[0.2,1]],
W1=[1,-1], x0=[1.0,0.1], y=0.5: L=0.01747, dL/dW0=[[-0.11866,-0.01187],[0.17108,0.01711]],
dL/dW1=[-0.11298,-0.05446]."""

EXAMPLES = {"add_mul": ADD_MUL, "flow": FLOW, "staged": STAGED, "neuron": NEURON,
            "two_layer": TWO_LAYER}


def random_graph(rng, leaves=(2, 5), gates=(3, 9), dead=0.5):
    """A random graph for tests: leaves and gates counts drawn from the given [low, high) ranges.
    Each gate reads the gate made just before it in its first slot (the first gate a leaf), so the
    output depends on every gate, and in its second slot any earlier node, recent ones more
    often (an add, multiply or max sometimes reads one node in both slots). With probability
    dead, one more gate that the output does not depend on. Then the node numbers are shuffled,
    so rows come in no particular order, except that node 0 is the second input of a gate the
    output depends on whenever there is one, a multiply gate (whose gradient on its first input is
    that value) where there is one: code that takes index 0 for "no input" then fails.

    Values stay moderate: leaves in [-2, 2]; a 1/x gate only on inputs at least 0.3 from 0, a max
    gate only on inputs at least 0.05 apart, and no value beyond 30 in size.
    Returns (graph, values, output): int array (n, 3), float array (n,) of every node's value,
    and the output's index.
    """
    rows, found = [], []
    for _ in range(int(rng.integers(*leaves))):
        rows.append((INPUT, -1, -1))
        found.append(float(rng.uniform(-2, 2)))
    count = int(rng.integers(*gates))
    output = len(rows) + count - 1
    for k in range(count + (rng.random() < dead)):
        first = len(found) - 1 if 0 < k < count else None
        rows.append(_random_gate(rng, found, first))
        found.append(apply_op(rows[-1][0], *(found[j] for j in rows[-1][1:] if j >= 0)))
    shuffle = rng.permutation(len(rows))  # node k is called shuffle[k]
    seconds = ([b for code, _, b in rows[:output + 1] if b >= 0 and code == MUL]
               or [b for _, _, b in rows[:output + 1] if b >= 0])
    if seconds:
        zero, chosen = int(np.argmin(shuffle)), int(rng.choice(seconds))
        shuffle[zero], shuffle[chosen] = shuffle[chosen], shuffle[zero]
    graph = np.full((len(rows), 3), -1, dtype=int)
    values = np.zeros(len(rows))
    for k, (code, a, b) in enumerate(rows):
        graph[shuffle[k]] = (code, shuffle[a] if a >= 0 else -1, shuffle[b] if b >= 0 else -1)
        values[shuffle[k]] = found[k]
    return graph, values, int(shuffle[output])


def _random_gate(rng, found, first=None):
    """(op, a, b) of a new gate reading nodes already in found, within the limits above; a is
    first if given, else drawn like b."""
    n = len(found)
    weights = np.arange(1, n + 1, dtype=float) ** 2
    weights /= weights.sum()
    for _ in range(100):
        code = int(rng.choice(GATE_OPS))
        a = first if first is not None else int(rng.choice(n, p=weights))
        b = int(rng.choice(n, p=weights)) if arity(code) == 2 else -1
        if code in (ADD, MUL, MAX) and rng.random() < 0.15:
            b = a  # one node in both slots (x - x would always be 0)
        va, vb = found[a], found[b] if b >= 0 else 0.0
        near_tie = a != b and abs(va - vb) < 0.05
        if code == INV and abs(va) < 0.3 or code == MAX and near_tie or code == SUB and a == b:
            continue
        if abs(apply_op(code, va, vb)) <= 30:
            return code, a, b
    return ADD, n - 1, n - 1
