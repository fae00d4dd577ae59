"""Assignment 12: a tiny reverse-mode engine over computation graphs given as plain numbers.

Graphs are int arrays of shape (n, 3), rows (op, first input, second input); see the
forward module. Each `call` hands the student's function op codes, graphs and node indices as
ints and values as floats, whatever form a case was written in.
"""
import numpy as np

from course.assignments.computation_graph.forward import (
    ADD,
    ADD_MUL,
    FLOW,
    GATE_OPS,
    INPUT,
    INV,
    MAX,
    MUL,
    NEURON,
    SIGMOID,
    STAGED,
    SUB,
    TANH,
    Example,
    ancestors,
    apply_op,
    node_gradients,
    random_graph,
    wires,
)
from course.checks import ContractBroken, Exercise, Mistake, describe, floats, kind_of
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


def _one_rule_wrong(code, rule):
    """A mistake's returns: the right local gradients, but rule(a, b) for the gate op code."""
    return lambda op, a, b: rule(a, b) if int(op) == code else _local_expect(op, a, b)


local_gradients = Exercise(
    name="local_gradients", arguments=("op", "a", "b"), outputs=("da", "db"),
    visible=(
        {"op": ADD, "a": -12.0, "b": 2.0},
        {"op": SUB, "a": 0.3, "b": 0.5},
        {"op": MUL, "a": 3.0, "b": -4.0},
        {"op": MAX, "a": 2.0, "b": -1.0},
        {"op": MAX, "a": -1.0, "b": 2.0},
        {"op": MAX, "a": 1.0, "b": 1.0},
        {"op": INV, "a": 2.0, "b": 3.0},     # one-input gates: b is ignored, and db is 0
        {"op": SIGMOID, "a": 1.0, "b": -1.5},
        {"op": TANH, "a": 0.7, "b": 0.5},
        {"op": MUL, "a": -0.5, "b": 1.5},
        {"op": INV, "a": -0.5, "b": 2.0},
    ),
    draw_hidden=_local_cases, expect=_local_expect,
    call=lambda functions, case: functions[0](int(case["op"]), case["a"], case["b"]),
    hint="a rule is the derivative of its gate's output with respect to each input, at the values "
         "the gate received, with no upstream gradient in it: the patterns of the first unit "
         "(add passes, multiply swaps, max routes, with a tie going to a) and the slopes of the "
         "one-input gates, which have nothing to give b.",
    mistakes=(
        Mistake("max-tie-to-b", "on a tie (a == b) the max gate sent its gradient to b: the "
                "course's rule sends it to the first input, a (compare with >=).",
                _one_rule_wrong(MAX, lambda a, b: (1.0, 0.0) if a > b else (0.0, 1.0))),
        Mistake("sub-like-add", "SUB's second input got +1: out = a - b falls as b grows, so "
                "d out/d b = -1.", _one_rule_wrong(SUB, lambda a, b: (1.0, 1.0))),
        Mistake("mul-not-swapped", "the multiply gate's gradients are not swapped: d(a b)/d a is "
                "b, the other input, and d(a b)/d b is a.", _one_rule_wrong(MUL, lambda a, b: (a, b))),
        Mistake("tanh-slope-on-input", "TANH's rule squared its input: the slope of tanh is "
                "1 - tanh(a)^2, one minus the square of the output.",
                _one_rule_wrong(TANH, lambda a, b: (1.0 - a**2, 0.0)))))


# --- topological_order(graph, output) -> order --------------------------------------------------

def order_report(graph, output, order):
    """What the checks judge of an order: (times_listed, inputs_first).

    times_listed: float array (n,), how many times order lists each node; inputs_first: float
    array with one entry per wire into a node the output depends on (in the order of
    forward.wires), 1.0 when order lists the wire's source before its reader
    (at their first listings), else 0.0. (None, None) when order is None. Raises ContractBroken
    when order is not a list of node indices.
    """
    graph = np.asarray(graph).astype(int)
    if order is None:
        return None, None
    listed = floats(order)
    if listed is None:
        raise ContractBroken("topological_order should return a list or 1-D array of node "
                             f"indices, not {kind_of(order)}.")
    listed = listed.ravel()
    if not np.all((listed == np.round(listed)) & (listed >= 0) & (listed < len(graph))):
        raise ContractBroken(f"topological_order returned {describe(listed)}: every entry should "
                             f"be a node index, an integer from 0 to {len(graph) - 1}.")
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


def _path_counts(graph, output):
    """How often a depth-first search from the output that never skips a placed node reaches
    each node: the number of paths from the output down to it, one per wire. Floats (n,)."""
    graph = np.asarray(graph).astype(int)
    sources, readers = np.array(wires(graph, ancestors(graph, output)), dtype=int).reshape(-1, 2).T
    start = np.eye(len(graph))[int(output)]
    counts = start
    for _ in range(len(graph)):   # a path has fewer than n wires
        counts = start + np.bincount(sources, counts[readers], minlength=len(graph))
    return counts


def _graph_cases(rng, names, count=4):
    """count random graphs (forward.random_graph) as cases with these keys."""
    cases = []
    for _ in range(count):
        graph, values, output = random_graph(rng)
        cases.append({k: v for k, v in
                      {"graph": graph, "values": values, "output": output}.items() if k in names})
    return cases


# A graph with a fork (d feeds e and g) and a gate the output does not depend on (dead). It comes
# first among the visible graphs: there the ordering and adding mistakes show, each its own way.
FORK = Example.from_rows([
    ("g", "add", "e", "d"),
    ("dead", "tanh", "a"),
    ("d", "mul", "a", "b"),
    ("a", "input"),
    ("e", "max", "d", "b"),
    ("b", "input"),
], {"a": 1.5, "b": -0.5}, "g")

_VISIBLE_GRAPHS = (FORK, ADD_MUL, STAGED, FLOW, NEURON)


def _int_graph_call(functions, case, *names):
    """Call the student's function with the graph and output as ints, the rest as given (an int
    graph and float values are passed as they are, so a change made to them in place shows)."""
    convert = {"graph": lambda g: np.asarray(g, dtype=int), "output": int,
               "values": lambda v: np.asarray(v, dtype=float)}
    return functions[0](*(convert[name](case[name]) for name in names))


topological_order = Exercise(
    name="topological_order", arguments=("graph", "output"),
    outputs=("times_listed", "inputs_first"),
    visible=tuple({"graph": ex.graph, "output": ex.output} for ex in _VISIBLE_GRAPHS[:3]),
    draw_hidden=lambda rng: _graph_cases(rng, ("graph", "output")),
    expect=_order_expect,
    call=lambda functions, case: order_report(   # of the graph as given, even if it was changed
        np.array(case["graph"]), case["output"], _int_graph_call(functions, case, "graph", "output")),
    hint="list every node the output depends on exactly once (times_listed: 1 for those, 0 for "
         "the others), each after the nodes feeding it (inputs_first: 1 per wire). A node may be "
         "placed only when everything it reads is placed; a search from the output reaches "
         "exactly the nodes it depends on, and reaches a fork's node more than once.",
    mistakes=(
        Mistake("dead-listed", "a node the output does not depend on was listed: start the "
                "search at the output and list only what it reaches; the others need no gradient.",
                lambda graph, output: (np.ones(len(graph)), _order_expect(graph, output)[1])),
        Mistake("listed-twice", "a node reached along two paths was listed twice: at a fork the "
                "search reaches the same node again, so remember which nodes are placed and skip "
                "them.", lambda graph, output: (_path_counts(graph, output),
                                               _order_expect(graph, output)[1])),
        Mistake("row-order", "the nodes came in the order of the rows: rows can come in any "
                "order, and a node must come after the nodes feeding it. Place a node's inputs "
                "first, then the node.", lambda graph, output: order_report(
                    graph, output, np.flatnonzero(ancestors(np.asarray(graph).astype(int), output)))),
        Mistake("reversed", "the order is reversed, output first: a topological order lists each "
                "node after its inputs, so the output comes last (graph_backward walks it "
                "backwards).", lambda graph, output: (_order_expect(graph, output)[0],
                                                     0 * _order_expect(graph, output)[1]))))


# --- graph_backward(graph, values, output) -> grads ---------------------------------------------

def _local_shares(graph, values, output, readers=None):
    """grads of a pass that adds each gate's local gradients into its inputs without multiplying
    them by the gate's gradient, with 1 at the output; only the gates in readers (all gates the
    output depends on when None) send anything. A 1-tuple."""
    graph = np.asarray(graph).astype(int)
    grads = np.eye(len(graph))[int(output)]
    for gate in np.flatnonzero(ancestors(graph, output)):
        op, a, b = graph[gate]
        if op != INPUT and (readers is None or gate in readers):
            local = _local_expect(op, values[a], values[b] if b >= 0 else 0.0)
            for source, share in zip((a, b), local):
                grads[source] += share if source >= 0 else 0.0
    return (grads,)


def _last_share_only(graph, values, output):
    """grads of a pass that assigns (=) each share where it should add (+=), as a 1-tuple: the
    measured gradients of the graph in which every wire but the one written last reads a frozen
    copy of its source. Walking backwards, a node's last share comes from its reader that comes
    first in the order (its slot b, if it reads the node twice). That reader is the same in every
    topological order only when all the node's other readers depend on it: raises ValueError on
    a graph where they do not."""
    graph = np.asarray(graph).astype(int)
    gates = np.flatnonzero(ancestors(graph, output))
    reads = {}
    for gate in gates:
        for slot in (1, 2):
            if graph[gate, slot] >= 0:
                reads.setdefault(int(graph[gate, slot]), []).append((int(gate), slot))
    modified, frozen = graph.copy(), []
    for source, links in reads.items():
        readers = {gate for gate, _ in links}
        first = [r for r in readers if all(ancestors(graph, other)[r] for other in readers - {r})]
        if not first:
            raise ValueError("which share is written last depends on the order")
        kept = max(link for link in links if link[0] == first[0])
        for gate, slot in links:
            if (gate, slot) != kept:
                modified[gate, slot] = len(graph) + len(frozen)
                frozen.append(values[source])
    modified = np.vstack([modified, np.tile([INPUT, -1, -1], (len(frozen), 1))])
    at = np.concatenate([values, frozen])
    return (node_gradients(modified, at, int(output))[:len(graph)],)


graph_backward = Exercise(
    name="graph_backward", arguments=("graph", "values", "output"), outputs=("grads",),
    visible=tuple({"graph": ex.graph, "values": ex.values(), "output": ex.output}
                  for ex in _VISIBLE_GRAPHS),
    draw_hidden=lambda rng: _graph_cases(rng, ("graph", "values", "output"), count=6),
    expect=lambda graph, values, output: (
        node_gradients(np.asarray(graph).astype(int), values, int(output)),),
    call=lambda functions, case: _int_graph_call(functions, case, "graph", "values", "output"),
    hint="the output's gradient on itself is 1, and a node's gradient is complete only once "
         "every gate reading it has sent its share, which the topological order read backwards "
         "guarantees; each share is the chain rule at one gate, and a node read several times "
         "collects all its shares (the multivariable chain rule).",
    mistakes=(
        Mistake("overwrote-at-forks", "a node read by several gates (or twice by one) kept only "
                "one share: the shares from all its readers add up (the multivariable chain "
                "rule), so use += into grads, never =.", _last_share_only),
        Mistake("walked-forwards", "only the output's own inputs got a gradient: walking the order "
                "forwards, every gate passed its gradient on before its readers had sent theirs "
                "(it was still 0). Walk the topological order backwards.",
                lambda graph, values, output: _local_shares(graph, values, output, {int(output)})),
        Mistake("local-only", "each share was the local gradient alone: it must be multiplied by "
                "the gate's own gradient, which carries everything from the output down to the "
                "gate (the chain rule).", _local_shares)))

EXERCISES = (local_gradients, topological_order, graph_backward)
