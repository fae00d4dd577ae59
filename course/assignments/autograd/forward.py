"""Expression graphs of assignment 15 as plain numbers, the ops a Value knows, and the data it
trains on.

A graph of n nodes is an int array of shape (n, 3). Row i describes node i as (op, a, b): its op
code and the indices of the nodes feeding its first and second input, -1 where the op takes
fewer. A leaf (op LEAF) has no inputs: its value is given. The exponent of a power node is a leaf
too, its second input, and counts as a constant: it gets no gradient, as in micrograd, where the
exponent is a plain number. Rows may come in any order.

This module computes forward values only. The gradients it knows come from centered differences,
by forcing one node's value and evaluating the graph again.
"""
import numpy as np

from course.functions import two_moons
from course.numgrad import centered_difference

OP_NAMES = ("leaf", "add", "mul", "pow", "exp", "tanh", "relu")
LEAF, ADD, MUL, POW, EXP, TANH, RELU = range(len(OP_NAMES))
GATE_OPS = tuple(range(1, len(OP_NAMES)))
TWO_INPUTS = (ADD, MUL, POW)


def apply_op(op, a, b=0.0):
    """Forward value of op (a code other than LEAF) on its first input a and second input b
    (the exponent of POW; ignored by one-input ops). Floats in, a float out."""
    forward = {ADD: lambda: a + b, MUL: lambda: a * b, POW: lambda: a ** b,
               EXP: lambda: np.exp(a), TANH: lambda: np.tanh(a), RELU: lambda: max(a, 0.0)}
    if int(op) not in forward:
        raise ValueError(f"op code {op} is not one of the gates {GATE_OPS}")
    return float(forward[int(op)]())


def evaluate(graph, leaves, forced=None):
    """Value of every node: graph an int array (n, 3); leaves a float array (n,) whose entries at
    the leaves are their values (the others are not read); forced: dict node -> value that node
    takes whatever its inputs. Returns a float array (n,)."""
    graph = np.asarray(graph).astype(int)
    forced = forced or {}
    values = {}

    def value(node):
        if node not in values:
            code, first, second = graph[node]
            values[node] = float(forced[node] if node in forced else leaves[node] if code == LEAF
                                 else apply_op(code, value(first),
                                               value(second) if second > -1 else 0.0))
        return values[node]

    return np.array([value(node) for node in range(len(graph))])


def exponents(graph):
    """Bool array (n,): which nodes are a power's exponent (its second input), the constants."""
    graph = np.asarray(graph).astype(int)
    constant = np.zeros(len(graph), dtype=bool)
    constant[graph[graph[:, 0] == POW, 2]] = True
    return constant


def measured_gradients(graph, data, root):
    """d root / d node for every node by centered differences, forcing one node's value at a time;
    0 on the exponents (constants) and on nodes the root does not depend on.
    graph: int array (n, 3); data: float array (n,), the forward values; root: int. Floats (n,)."""
    def root_with(node):
        return lambda v: evaluate(graph, data, {node: v})[root]

    constant = exponents(graph)
    return np.array([0.0 if constant[node] else centered_difference(root_with(node), data[node])
                     for node in range(len(graph))])


def random_graph(rng, gates=None):
    """A random expression graph with forks, its rows shuffled: (graph, data, root).

    Two or three leaves, then gates each reading earlier nodes (powers read a fresh exponent
    leaf of 2, 3 or -1); inputs are picked so that no value sits at relu's kink, overflows exp or
    is inverted near 0. data: the forward values (n,); root: the last gate's index."""
    data = list(rng.uniform(-1.5, 1.5, size=int(rng.integers(2, 4))))
    rows = [(LEAF, -1, -1)] * len(data)
    readable = list(range(len(data)))             # every node but the exponents
    for _ in range(gates or int(rng.integers(3, 7))):
        while True:
            op = int(rng.choice(GATE_OPS))
            a = int(rng.choice(readable))
            b = int(rng.choice(readable)) if op in (ADD, MUL) else -1
            k = float(rng.choice([2.0, 3.0, -1.0])) if op == POW else 0.0
            if _tame(op, data[a], k):
                break
        if op == POW:
            rows.append((LEAF, -1, -1))
            data.append(k)
            b = len(rows) - 1
        readable.append(len(rows))
        rows.append((op, a, b))
        data.append(apply_op(op, data[a], data[b] if b >= 0 else 0.0))
    shuffle = rng.permutation(len(rows))          # new index of each old node
    graph = np.full((len(rows), 3), -1, dtype=int)
    for old, (op, a, b) in enumerate(rows):
        graph[shuffle[old]] = (op, *(shuffle[i] if i >= 0 else -1 for i in (a, b)))
    values = np.empty(len(rows))
    values[shuffle] = data
    return graph, values, int(shuffle[-1])


def _tame(op, a, k):
    """Whether op on input a (exponent k) stays away from kinks, overflow and huge slopes."""
    return {RELU: abs(a) > 0.05, EXP: abs(a) < 3, POW: abs(a) < 3 and (k > 0 or abs(a) > 0.5),
            TANH: abs(a) < 3}.get(op, abs(a) < 10)


# ---------------------------------------------------------------- the data it trains on

def moons(n=40, noise=0.1, seed=1):
    """The two moons (course.functions.two_moons), n points in all, as the MLP learns them:
    X of shape (n, 2); Y of shape (n,), +1 for the upper moon and -1 for the lower one."""
    X, labels = two_moons(n // 2, noise, seed)
    return X, np.where(labels == 0, 1.0, -1.0)


def mlp_scores(layers, X):
    """The MLP's output for every row of X (N, 2): layers a list of (W, b), W of shape
    (outputs, inputs) and b of shape (outputs,); tanh after every layer but the last, which is
    linear. Returns an array (N,)."""
    out = X
    for i, (W, b) in enumerate(layers):
        out = out @ np.asarray(W).T + b
        if i < len(layers) - 1:
            out = np.tanh(out)
    return out[:, 0]


def graph_from_rows(rows, leaves):
    """A graph from readable rows, with its forward values: (graph, names, data).

    rows: (name, op name, input names...) in any order, e.g. ("q", "add", "x", "y"); a power's
    exponent is a number, ("s", "pow", "q", 2.0), and becomes a leaf of its own named "**2".
    leaves: dict name -> value of every leaf. graph: int array (n, 3) in the order of rows, the
    exponent leaves last; names: n strings; data: float array (n,) of forward values."""
    rows = list(rows)
    names = [row[0] for row in rows]
    for _, op, *inputs in list(rows):
        if op == "pow":
            names.append(f"**{inputs[1]:g}")
            rows.append((names[-1], "leaf"))
            leaves = {**leaves, names[-1]: float(inputs[1])}
    index = {name: i for i, name in enumerate(names)}
    graph = np.full((len(rows), 3), -1, dtype=int)
    for i, (_, op, *inputs) in enumerate(rows):
        sources = [f"**{s:g}" if op == "pow" and slot == 1 else s for slot, s in enumerate(inputs)]
        graph[i, :1 + len(sources)] = [OP_NAMES.index(op), *(index[s] for s in sources)]
    start = np.array([leaves.get(name, 0.0) for name in names])
    return graph, tuple(names), evaluate(graph, start)
