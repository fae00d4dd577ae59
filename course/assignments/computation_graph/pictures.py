"""Pictures of assignment 12: a computation graph drawn as a circuit (course.circuits), with the
position of each node in a topological order."""
import numpy as np

from course.assignments.computation_graph.forward import INPUT, OP_NAMES
from course.circuit_pictures import GATE_RADIUS
from course.circuits import Circuit, Gate
from course.figures import NODE_EDGE, drawing


def as_circuit(graph, names, order):
    """The nodes listed in order as a course.circuits.Circuit, to draw. order: node indices, every
    node after its inputs, the output last (a topological order). Raises ValueError if the
    order lists a gate before one of its inputs or leaves an input out."""
    graph = np.asarray(graph).astype(int)
    order = [int(i) for i in order]
    leaves, gates, seen = [], [], set()
    for i in order:
        code, a, b = graph[i]
        sources = tuple(names[j] for j in (a, b) if j >= 0)
        missing = [s for s in sources if s not in seen]
        if missing:
            raise ValueError(f"the order lists {names[i]} before its input {missing[0]}")
        if code == INPUT:
            leaves.append(names[i])
        else:
            gates.append(Gate(names[i], OP_NAMES[code], sources))
        seen.add(names[i])
    return Circuit(tuple(leaves), tuple(gates))


def draw_graph(graph, names, values, order, show_gradients=True, title=None, figsize=None):
    """Picture of a graph with every node's position in order (1 = first) in a dark badge at
    its top left, each wire's value above it in green and, with show_gradients, d output / d wire
    below it in red (centered differences).

    graph: int array (n, 3); names: n strings; values: float array (n,) holding at least the
    leaf values; order: a topological order of the nodes to draw, the output last. Returns a
    matplotlib Figure (a course.figures.Picture), or None where pictures are off (see
    course.figures.pictures_off).
    """
    circuit = as_circuit(graph, names, order)
    if not drawing():
        return None
    leaf_values = {name: float(values[names.index(name)]) for name in circuit.inputs}
    fig = circuit.draw(leaf_values, show_gradients=show_gradients, title=title, figsize=figsize)
    nodes, _ = circuit.layout()
    ax = fig.axes[0]
    for position, i in enumerate(order, start=1):
        is_leaf = names[i] in circuit.inputs
        ax.annotate(str(position), xy=nodes[names[i]], textcoords="offset points",
                    xytext=(0, 4) if is_leaf else (-0.75 * GATE_RADIUS, 0.75 * GATE_RADIUS),
                    ha="center", va="bottom" if is_leaf else "center", fontsize=7,
                    color="white", fontweight="bold", zorder=6,
                    bbox=dict(boxstyle="circle,pad=0.15", fc=NODE_EDGE, ec="none"))
    fig.text(0.99, 0.85, "order", color=NODE_EDGE, ha="right", va="top", fontsize=8)
    return fig
