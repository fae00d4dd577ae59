"""Pictures of assignment 15: an expression graph drawn as a circuit, and a training run (loss
curve and decision boundary)."""
import numpy as np

from course import figures
from course.assignments.autograd.forward import LEAF, OP_NAMES, POW, exponents, mlp_scores
from course.circuits import Circuit, Gate
from course.figures import BLUE, ORANGE, PALE_BLUE, PALE_ORANGE, drawing

_POWERS = {2.0: "square", -1.0: "inv"}   # the powers a circuit can draw


def as_circuit(graph, names):
    """The graph (int array (n, 3)) with node names as a course.circuits.Circuit: its exponent
    leaves folded into their power gates (x² or 1/x only). Raises ValueError for an op a circuit
    cannot draw."""
    graph = np.asarray(graph).astype(int)
    constant = exponents(graph)
    leaves = tuple(names[i] for i in range(len(graph)) if graph[i, 0] == LEAF and not constant[i])
    placed, gates = set(leaves), []
    while len(placed) < len(graph) - constant.sum():
        for i, (op, a, b) in enumerate(graph):
            sources = [names[a]] if op == POW or b < 0 else [names[a], names[b]]
            if names[i] in placed or any(s not in placed for s in sources) or op == LEAF:
                continue
            kind = _POWERS.get(float(names[b].lstrip("*")), None) if op == POW else OP_NAMES[op]
            if kind is None or kind == "relu":
                raise ValueError(f"a circuit cannot draw node {names[i]} ({OP_NAMES[op]})")
            gates.append(Gate(names[i], kind, tuple(sources)))
            placed.add(names[i])
    return Circuit(leaves, tuple(gates))


def draw_expression(graph, names, data, title=None):
    """Picture of an expression graph: each wire's value in green above it and d root / d wire in
    red below it (centered differences). data: float array (n,), the nodes' values (the leaves'
    are read). Returns a Picture, or None where pictures are off."""
    circuit = as_circuit(graph, names)
    leaf_values = {name: float(data[names.index(name)]) for name in circuit.inputs}
    return circuit.draw(leaf_values, title=title) if drawing() else None


def training_picture(losses, layers, X, Y, resolution=120):
    """Picture of a training run: the loss after every step (left) and the plane shaded by the
    sign of the trained MLP's output, with the data (right). losses: floats; layers: the MLP's
    [(W, b), ...] (see forward.mlp_scores); X (N, 2), Y (N,) of +1 and -1."""
    if not drawing():
        return None
    from matplotlib.colors import ListedColormap

    fig = figures.Picture(figsize=(8.0, 3.4))
    curve, plane = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
    curve.plot(np.arange(len(losses)), losses, color=BLUE, lw=1.5)
    curve.set_xlabel("training step", fontsize=9)
    curve.set_ylabel("loss", fontsize=9)
    curve.grid(True, color="0.9")
    curve.tick_params(labelsize=7)
    lows, highs = X.min(axis=0) - 0.4, X.max(axis=0) + 0.4
    gx, gy = np.meshgrid(np.linspace(lows[0], highs[0], resolution),
                         np.linspace(lows[1], highs[1], resolution))
    scores = mlp_scores(layers, np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    plane.contourf(gx, gy, scores > 0, levels=[-0.5, 0.5, 1.5],
                   cmap=ListedColormap([PALE_ORANGE, PALE_BLUE]))
    plane.contour(gx, gy, scores, levels=[0.0], colors="0.3", linewidths=1.2)
    for label, color in ((1.0, BLUE), (-1.0, ORANGE)):
        plane.plot(*X[Y == label].T, "o", ms=3.5, color=color, mec="white", mew=0.4)
    plane.set_xticks([])
    plane.set_yticks([])
    plane.set_title(f"accuracy {np.mean(np.sign(mlp_scores(layers, X)) == Y):.0%}", fontsize=9)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.9, wspace=0.15)
    return fig
