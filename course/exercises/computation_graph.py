"""Assignment 12: a tiny reverse-mode engine over computation graphs given as plain numbers.

Graphs are int arrays of shape (n, 3), rows (op, first input, second input); see
course.computation_graph. Values crossing the grading sandbox arrive as floats, so each `call`
turns op codes, graphs and node indices back into ints before calling the student's function.
"""
import numpy as np

from course.checks import Exercise, describe
from course.computation_graph import (ADD, ADD_MUL, FLOW, GATE_OPS, INV, MAX, MUL, NEURON,
                                      SIGMOID, STAGED, SUB, TANH, Example, ancestors, apply_op,
                                      node_gradients, random_graph, wires)
from course.exercises.kit import random_cases
from course.numgrad import input_gradients


# --- local_gradients(op, a, b) -> (da, db) ------------------------------------------------------

def _local_expect(op, a, b):
    """Local gradients of gate op at (a, b) by centered differences; a max tie goes to a."""
    op = int(op)
    if op == MAX and a == b:
        return 1.0, 0.0
    return input_gradients(lambda a, b: apply_op(op, a, b), {"a": a, "b": b}, ("a", "b"))


def _local_cases(rng):
    """One random case per gate op (b random even where the gate ignores it), plus a max tie."""
    cases = []
    for op, case in zip(GATE_OPS, random_cases(rng, {"a": (), "b": ()}, count=len(GATE_OPS))):
        if op == INV:
            case["a"] = float(np.copysign(0.5 + abs(case["a"]), case["a"]))
        cases.append({"op": op, **case})
    tie = float(rng.integers(-3, 4))
    return cases + [{"op": MAX, "a": tie, "b": tie}]


local_gradients = Exercise(
    name="local_gradients", arguments=("op", "a", "b"), outputs=("da", "db"),
    visible=(
        {"op": ADD, "a": -12.0, "b": 2.0},
        {"op": SUB, "a": 0.3, "b": 0.5},
        {"op": MUL, "a": 3.0, "b": -4.0},
        {"op": MAX, "a": 2.0, "b": -1.0},
        {"op": MAX, "a": -1.0, "b": 2.0},
        {"op": MAX, "a": 1.0, "b": 1.0},
        {"op": INV, "a": 2.0, "b": 0.0},
        {"op": SIGMOID, "a": 1.0, "b": 0.0},
        {"op": TANH, "a": 0.7, "b": 0.0},
    ),
    draw_hidden=_local_cases, expect=_local_expect,
    call=lambda functions, case: functions[0](int(case["op"]), case["a"], case["b"]),
    hint="return d out/d a and d out/d b of one gate (ADD 1, SUB 2, MUL 3, MAX 4, INV 5, "
         "SIGMOID 6, TANH 7): sub gives (1, -1), mul swaps, max routes 1 to the larger input "
         "(to a on a tie), and a one-input gate returns 0.0 for b.")


# --- topological_order(graph, output) -> order --------------------------------------------------

def order_report(graph, output, order):
    """What the checks judge of an order: (times_listed, inputs_first).

    times_listed: float array (n,), how many times order lists each node; inputs_first: float
    array with one entry per wire into a node the output depends on (in the order of
    course.computation_graph.wires), 1.0 when order lists the wire's source before its reader
    (at their first listings), else 0.0. (None, None) when order is None. Raises ValueError
    when an entry of order is not a node index.
    """
    graph = np.asarray(graph).astype(int)
    if order is None:
        return None, None
    try:
        listed = np.asarray(order, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError("topological_order should return a list or 1-D array of node indices, "
                         f"not a {type(order).__name__}") from None
    if not np.all((listed == np.round(listed)) & (listed >= 0) & (listed < len(graph))):
        raise ValueError(f"topological_order returned {describe(listed)}: every entry should be "
                         f"a node index, an integer from 0 to {len(graph) - 1}")
    listed = listed.astype(int)
    first_at = {}
    for place, node in enumerate(listed.tolist()):
        first_at.setdefault(node, place)
    times_listed = np.bincount(listed, minlength=len(graph)).astype(float)
    inputs_first = [float(source in first_at and reader in first_at
                          and first_at[source] < first_at[reader])
                    for source, reader in wires(graph, ancestors(graph, output))]
    return times_listed, np.array(inputs_first)


def _order_expect(graph, output):
    """Each node the output depends on listed once, the others never; every wire respected."""
    needed = ancestors(graph, output)
    return needed.astype(float), np.ones(len(wires(graph, needed)))


def _graph_cases(rng, names, count=4):
    """count random graphs (course.computation_graph.random_graph) as cases with these keys."""
    cases = []
    for _ in range(count):
        graph, values, output = random_graph(rng)
        cases.append({k: v for k, v in
                      {"graph": graph, "values": values, "output": output}.items() if k in names})
    return cases


# A graph with a fork (d feeds e and g) and a gate the output does not depend on (dead).
FORK = Example.from_rows([
    ("g", "add", "e", "d"),
    ("dead", "tanh", "a"),
    ("d", "mul", "a", "b"),
    ("a", "input"),
    ("e", "max", "d", "b"),
    ("b", "input"),
], {"a": 1.5, "b": -0.5}, "g")

_VISIBLE_GRAPHS = (ADD_MUL, STAGED, FORK, FLOW, NEURON)


def _int_graph_call(functions, case, *names):
    """Call the student's function with the graph and output as ints, the rest as given."""
    convert = {"graph": lambda g: np.asarray(g).astype(int), "output": int,
               "values": lambda v: np.asarray(v, dtype=float)}
    return functions[0](*(convert[name](case[name]) for name in names))


topological_order = Exercise(
    name="topological_order", arguments=("graph", "output"),
    outputs=("times_listed", "inputs_first"),
    visible=tuple({"graph": ex.graph, "output": ex.output} for ex in _VISIBLE_GRAPHS[:3]),
    draw_hidden=lambda rng: _graph_cases(rng, ("graph", "output")),
    expect=_order_expect,
    call=lambda functions, case: order_report(
        case["graph"], case["output"], _int_graph_call(functions, case, "graph", "output")),
    hint="list every node the output depends on exactly once (times_listed: 1 for those, 0 for "
         "the others), each after the nodes feeding it (inputs_first: 1 per wire): visit a "
         "node's inputs first, then append the node, skipping nodes already visited.")


# --- graph_backward(graph, values, output) -> grads ---------------------------------------------

graph_backward = Exercise(
    name="graph_backward", arguments=("graph", "values", "output"), outputs=("grads",),
    visible=tuple({"graph": ex.graph, "values": ex.values(), "output": ex.output}
                  for ex in _VISIBLE_GRAPHS),
    draw_hidden=lambda rng: _graph_cases(rng, ("graph", "values", "output")),
    expect=lambda graph, values, output: (
        node_gradients(np.asarray(graph).astype(int), values, int(output)),),
    call=lambda functions, case: _int_graph_call(functions, case, "graph", "values", "output"),
    hint="start from grads[output] = 1 and all others 0; walk the topological order backwards "
         "and for each gate add (+=) local gradient times the gate's gradient into each input's "
         "entry, so a node read twice or by several gates sums its shares.")

EXERCISES = (local_gradients, topological_order, graph_backward)
