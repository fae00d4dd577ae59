"""Assignment 15: the backward pieces of a scalar autograd, as functions of plain numbers.

The notebook's Value class calls them: op_backward for each op's local backward, backward_order
and backward_pass for Value.backward(). Graphs are int arrays (n, 3) of rows (op, a, b), see the
forward module; each `call` hands the student's function op codes, graphs and node indices as ints
and values as floats, whatever form a case was written in.
"""
import numpy as np

from course.assignments.autograd.forward import (
    ADD,
    EXP,
    GATE_OPS,
    LEAF,
    MUL,
    POW,
    RELU,
    TANH,
    apply_op,
    graph_from_rows,
    measured_gradients,
    random_graph,
)
from course.checks import ContractBroken, Exercise, Mistake, describe, floats
from course.exercises.kit import forgot_upstream
from course.numgrad import input_gradients

# --- op_backward(op, a, b, out, dout) -> (da, db) -----------------------------------------------

def _op_case(op, a, b, dout):
    """A case of op_backward, its out computed from a and b."""
    return {"op": op, "a": a, "b": b, "out": apply_op(op, a, b), "dout": dout}


def _op_expect(op, a, b, out, dout):
    """(da, db) by centered differences of the op, times dout; db is 0.0 where b is no input
    (one-input ops) or a constant (the exponent of POW)."""
    op = int(op)
    wrt = ("a", "b") if op in (ADD, MUL) else ("a",)
    grads = input_gradients(lambda a, b: apply_op(op, a, b), {"a": a, "b": b}, wrt, dout)
    return (*grads, 0.0)[:2]


def _op_cases(rng):
    """One random case per op (b random where ignored), away from relu's kink."""
    cases = []
    for op in GATE_OPS:
        a, b = rng.uniform(0.3, 2.5) * rng.choice([-1.0, 1.0]), rng.uniform(-2.5, 2.5)
        if op == POW:
            a, b = abs(a), float(rng.choice([2.0, 3.0, -1.0, 0.5]))
        cases.append(_op_case(op, float(a), float(b), float(rng.uniform(-2, 2))))
    return cases


def _one_rule_wrong(code, rule):
    """A mistake's returns: the right gradients, but rule(a, b, out, dout) for op code."""
    return lambda op, a, b, out, dout: (rule(a, b, out, dout) if int(op) == code
                                        else _op_expect(op, a, b, out, dout))


op_backward = Exercise(
    name="op_backward", arguments=("op", "a", "b", "out", "dout"), outputs=("da", "db"),
    visible=(
        _op_case(ADD, 1.5, -0.5, 2.0),
        _op_case(MUL, 0.6, -1.5, -2.0),
        _op_case(POW, 1.2, 3.0, 0.5),
        _op_case(EXP, -0.4, 2.0, 1.5),   # one-input ops ignore b: not 0, so that db = b shows
        _op_case(TANH, 0.9, -1.0, -3.0),
        _op_case(RELU, -0.7, 1.5, 2.5),
        _op_case(RELU, 1.3, -2.0, -0.5),
    ),
    draw_hidden=_op_cases, expect=_op_expect,
    call=lambda functions, case: functions[0](int(case["op"]), *(float(case[k]) for k in
                                                                  ("a", "b", "out", "dout"))),
    hint="each input's gradient is its local slope times dout; read the slopes of exp and tanh "
         "off the output you already have, and remember that an exponent is a constant.",
    mistakes=(
        Mistake("tanh-slope-on-input", "tanh's slope used its input: the slope of tanh is "
                "1 - tanh(a)^2, one minus the square of the output out.",
                _one_rule_wrong(TANH, lambda a, b, out, dout: ((1 - a**2) * dout, 0.0))),
        Mistake("mul-not-swapped", "the multiply's gradients are not swapped: d(a b)/da is b, "
                "the other input, and d(a b)/db is a.",
                _one_rule_wrong(MUL, lambda a, b, out, dout: (a * dout, b * dout))),
        Mistake("pow-not-lowered", "the power rule lowers the exponent by one: d(a^k)/da is "
                "k a^(k - 1), not k a^k.",
                _one_rule_wrong(POW, lambda a, b, out, dout: (b * a**b * dout, 0.0))),
        forgot_upstream(_op_expect, "dout")))


# --- backward_order(graph, root) -> order ------------------------------------------------------

def needed(graph, root):
    """Bool array (n,): the nodes the root depends on, the root included."""
    graph = np.asarray(graph).astype(int)
    reached = np.zeros(len(graph), dtype=bool)
    todo = [int(root)]
    while todo:
        node = todo.pop()
        if not reached[node]:
            reached[node] = True
            todo.extend(int(s) for s in graph[node, 1:] if s >= 0)
    return reached


def order_report(graph, root, order):
    """What the check judges of an order: (times_listed, inputs_first).

    times_listed: floats (n,), how often order lists each node; inputs_first: floats, one per
    wire into a node the root depends on (row by row, slot a first), 1.0 when order first lists
    the wire's source before its reader, else 0.0. Raises ContractBroken when an entry of order
    is not a node index."""
    graph = np.asarray(graph).astype(int)
    listed = floats(order)
    if listed is None or listed.ndim != 1:
        raise ContractBroken("backward_order should return a list of node indices, not "
                             f"{describe(order)}")
    if not np.all((listed == np.round(listed)) & (listed >= 0) & (listed < len(graph))):
        raise ContractBroken(f"backward_order returned {describe(listed)}: every entry should be "
                             f"a node index, an integer from 0 to {len(graph) - 1}")
    listed = listed.astype(int).tolist()
    first = {node: listed.index(node) for node in set(listed)}
    reader, source = _wires(graph, root)
    inputs_first = [float(s in first and r in first and first[s] < first[r])
                    for r, s in zip(reader, source)]
    return np.bincount(listed, minlength=len(graph)).astype(float), np.array(inputs_first)


def _wires(graph, root):
    """(readers, sources): int arrays, the wires into the nodes the root depends on, row by row
    and slot a first."""
    rows, slots = np.nonzero((graph[:, 1:] >= 0) & needed(graph, root)[:, None])
    return rows, graph[rows, 1 + slots]


def _order_expect(graph, root):
    graph = np.asarray(graph).astype(int)
    return needed(graph, root).astype(float), np.ones(len(_wires(graph, root)[0]))


def _depth_first(graph, root, inputs_first=True, skip_placed=True, every_row=False):
    """An order by depth-first search from the root (from every row in turn, every_row): each
    node after its inputs (or, inputs_first False, before them), skipping nodes already placed
    (or not, skip_placed False)."""
    graph = np.asarray(graph).astype(int)
    listing = []

    def visit(v):
        fresh = v not in listing
        if fresh or not skip_placed:
            listing.extend([v] * (not inputs_first))
            for s in (s for s in graph[v, 1:] if s > -1):
                visit(int(s))
            listing.extend([v] * inputs_first)

    for start in range(len(graph)) if every_row else [int(root)]:
        visit(start)
    return listing


# A graph with a fork (x feeds s and m; t feeds both slots of r) and a node the root does not
# depend on (dead): there each ordering mistake gives its own report.
FORK = graph_from_rows([("r", "mul", "t", "t"), ("t", "tanh", "s"), ("s", "add", "x", "m"),
                        ("m", "mul", "x", "y"), ("dead", "exp", "y"), ("x", "leaf"),
                        ("y", "leaf")], {"x": 0.8, "y": -1.3})
NEURON = graph_from_rows([("o", "tanh", "n"), ("n", "add", "wx", "b"), ("wx", "add", "w1x1", "w2x2"),
                          ("w1x1", "mul", "w1", "x1"), ("w2x2", "mul", "w2", "x2"),
                          ("x1", "leaf"), ("x2", "leaf"), ("w1", "leaf"), ("w2", "leaf"),
                          ("b", "leaf")],
                         {"x1": 1.5, "x2": -0.5, "w1": 0.8, "w2": -1.2, "b": -1.0})
# h = relu(e / (e + 1)) with e = exp(x): the root is not node 0, and node 0 (inv) is read as a
# multiply's second input, so a test `b > 0` where `b >= 0` belongs loses its value and gradient.
QUOTIENT = graph_from_rows([("inv", "pow", "d", -1.0), ("h", "relu", "q"), ("q", "mul", "e", "inv"),
                            ("d", "add", "e", "one"), ("e", "exp", "x"), ("x", "leaf"),
                            ("one", "leaf")], {"x": 0.3, "one": 1.0})
_VISIBLE = ((FORK, "r"), (NEURON, "o"), (QUOTIENT, "h"))   # each graph with its root's name


def _int_call(functions, case, *names):
    """Call the student's function with the graph and root as ints, data as floats (an int graph
    and float data are passed as they are, so a change made to them in place shows)."""
    convert = {"graph": lambda g: np.asarray(g, dtype=int), "root": int,
               "data": lambda v: np.asarray(v, dtype=float)}
    return functions[0](*(convert[name](case[name]) for name in names))


def _report_of(reverse=False, **options):
    """A mistake's returns: the report of a depth-first order made with these options (see
    _depth_first), reversed if reverse."""
    return lambda graph, root: order_report(
        graph, root, _depth_first(graph, root, **options)[::-1 if reverse else 1])


backward_order = Exercise(
    name="backward_order", arguments=("graph", "root"), outputs=("times_listed", "inputs_first"),
    visible=tuple({"graph": graph, "root": names.index(root)}
                  for (graph, names, _), root in _VISIBLE),
    draw_hidden=lambda rng: [dict(zip(("graph", "root"), random_graph(rng)[::2]))
                             for _ in range(4)],
    expect=_order_expect,
    call=lambda functions, case: order_report(np.array(case["graph"]), case["root"],   # as given
                                              _int_call(functions, case, "graph", "root")),
    hint="a node may only be listed once everything it reads is listed: search from the root, "
         "and remember which nodes you have placed.",
    mistakes=(
        Mistake("dead-listed", "a node the root does not depend on was listed: search from the "
                "root and list only what it reaches; nothing else gets a gradient.",
                _report_of(every_row=True)),
        Mistake("listed-twice", "a node reached along two paths was listed twice: at a fork the "
                "search meets the same node again, so keep the placed nodes and skip them.",
                _report_of(skip_placed=False)),
        Mistake("reversed", "the order is reversed, root first: list each node after its "
                "inputs, so the root comes last (backward_pass walks it from the end).",
                _report_of(reverse=True)),
        Mistake("node-before-inputs", "a node was listed before its inputs: append a node only "
                "after the search has placed everything it reads.",
                _report_of(inputs_first=False))))


# --- backward_pass(graph, data, root) -> grads --------------------------------------------------

def _mistaken_pass(graph, data, root, assign=False, forwards=False, chain=True):
    """grads as a mistaken backward pass computes them from right local gradients: assigning
    (=) where it should add, walking the order forwards, or passing dout = 1 instead of the
    node's gradient (chain False). Walks the depth-first order, slot a before b. A 1-tuple."""
    graph = np.asarray(graph).astype(int)
    got = np.eye(len(graph))[int(root)]
    walk = _depth_first(graph, root)
    for gate in walk if forwards else walk[::-1]:
        code, first, second = graph[gate]
        if code == LEAF:
            continue
        shares = _op_expect(code, data[first], data[second] if second > -1 else 0.0, data[gate],
                            got[gate] if chain else 1.0)
        for source, share in ((s, g) for s, g in zip((first, second), shares) if s > -1):
            got[source] = share if assign else got[source] + share
    return (got,)


backward_pass = Exercise(
    name="backward_pass", arguments=("graph", "data", "root"), outputs=("grads",),
    visible=tuple({"graph": graph, "data": data, "root": names.index(root)}
                  for (graph, names, data), root in _VISIBLE),
    draw_hidden=lambda rng: [dict(zip(("graph", "data", "root"), random_graph(rng)))
                             for _ in range(5)],
    expect=lambda graph, data, root: (measured_gradients(np.asarray(graph).astype(int), data,
                                                         int(root)),),
    call=lambda functions, case: _int_call(functions, case, "graph", "data", "root"),
    hint="the root's gradient is 1; a node's gradient is complete only when every node reading "
         "it has sent its share, and the shares of several readers add up.",
    mistakes=(
        Mistake("overwrote-at-forks", "a node read twice (or by two nodes) kept only the last "
                "share: the shares from all its readers add up (the multivariable chain rule), so "
                "use += into grads, never =.", lambda **case: _mistaken_pass(**case, assign=True)),
        Mistake("walked-forwards", "the order was walked forwards: a node passed its gradient on "
                "before its readers had sent theirs. Walk backward_order from the end.",
                lambda **case: _mistaken_pass(**case, forwards=True)),
        Mistake("local-only", "each share was the local gradient alone: op_backward needs the "
                "node's own gradient as dout, which carries everything from the root down to the "
                "node (the chain rule).", lambda **case: _mistaken_pass(**case, chain=False))))

EXERCISES = (op_backward, backward_order, backward_pass)
