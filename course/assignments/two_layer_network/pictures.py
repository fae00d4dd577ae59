"""Pictures of assignment 08: loss curves, decision boundaries, and the worked network with every
value and gradient on it."""
from contourpy import contour_generator
import numpy as np

from course import figures
from course.assignments.two_layer_network.forward import measured_gradients, network_outputs
from course.figures import (
    BLUE,
    GRADIENT_COLOR,
    NODE_EDGE,
    NODE_FACE,
    ORANGE,
    PALE_BLUE,
    PALE_ORANGE,
    VALUE_COLOR,
    drawing,
)
from course.functions import two_layer_values

CLASS_COLORS = {1.0: BLUE, -1.0: ORANGE}




def loss_axes(ax, epochs):
    """Set up ax for mean loss against epoch: a log scale from 0.01 to 3 with plain tick labels."""
    ax.set_yscale("log")
    ax.set_ylim(0.01, 3.0)
    ax.set_yticks([0.01, 0.03, 0.1, 0.3, 1, 3], ["0.01", "0.03", "0.1", "0.3", "1", "3"])
    ax.minorticks_off()
    ax.set_xlim(0, max(epochs, 1))
    ax.set_xlabel("epoch (one pass over the data)", fontsize=9)
    ax.set_ylabel("mean loss", fontsize=9)
    ax.grid(True, color="0.9")
    ax.tick_params(labelsize=7)


def shown_losses(losses):
    """The losses as a float array, with those of a run that blew up (inf, nan, above 1e6) as
    nan, which matplotlib leaves out of a line."""
    losses = np.asarray(losses, dtype=float)
    return np.where(np.isfinite(losses) & (losses < 1e6), losses, np.nan)


def draw_losses(ax, curves):
    """Loss curves on ax; curves: dict label -> sequence of losses, one before training and one
    after every epoch."""
    for label, losses in curves.items():
        ax.plot(np.arange(len(losses)), shown_losses(losses), lw=1.5, label=label)
    loss_axes(ax, max(len(losses) for losses in curves.values()) - 1)
    if len(curves) > 1:
        ax.legend(fontsize=8)


class BoundaryPanel:
    """The data set as dots coloured by class, over the plane shaded by the sign of the network's
    output, with the decision boundary (output 0) as a line. X (N, 3) with the constant 1 last,
    Y (N,) of +1 and -1. Built once on an Axes; show(W0, W1, title) redraws the shading and the
    boundary, changing artists but adding none (so an explorer can blit them)."""

    def __init__(self, ax, X, Y, resolution=100):
        from matplotlib.collections import LineCollection
        from matplotlib.colors import ListedColormap

        lows, highs = X[:, :2].min(axis=0) - 0.4, X[:, :2].max(axis=0) + 0.4
        self.extent = (lows[0], highs[0], lows[1], highs[1])
        gx, gy = np.meshgrid(np.linspace(lows[0], highs[0], resolution),
                             np.linspace(lows[1], highs[1], resolution))
        self.gx, self.gy = gx, gy
        self.grid = np.column_stack([gx.ravel(), gy.ravel(), np.ones(gx.size)])
        self.ax = ax
        self.shade = ax.imshow(np.zeros(gx.shape), origin="lower", extent=self.extent,
                               cmap=ListedColormap([PALE_ORANGE, PALE_BLUE]), vmin=0, vmax=1,
                               interpolation="nearest", aspect="equal")
        self.dots = [ax.plot(*X[Y == label, :2].T, "o", ms=3.5, color=color, mec="white",
                             mew=0.4)[0] for label, color in CLASS_COLORS.items()]
        self.line = ax.add_collection(LineCollection([], colors="0.3", linewidths=1.2, zorder=2))
        ax.set_xlim(lows[0], highs[0])
        ax.set_ylim(lows[1], highs[1])
        ax.set_xticks([])
        ax.set_yticks([])
        self.title = ax.set_title("", fontsize=9, y=1)  # a given y skips costly auto-placement

    def show(self, W0, W1, title=""):
        """Shade the plane for the network (W0 (H, 3), W1 (H,)); a network whose outputs are
        not finite leaves the plane blank."""
        with np.errstate(all="ignore"):
            out = network_outputs(W0, W1, self.grid).reshape(self.gx.shape)
        finite = bool(np.all(np.isfinite(out)))
        self.shade.set_data(out > 0 if finite else np.full(out.shape, np.nan))
        lines = contour_generator(self.gx, self.gy, out).lines(0.0) if finite else []
        self.line.set_segments(lines)
        self.title.set_text(title)


def draw_boundary(ax, W0, W1, X, Y, title=""):
    """Draw the decision boundary of one network on ax (see BoundaryPanel)."""
    BoundaryPanel(ax, X, Y).show(W0, W1, title)


def training_picture(curves, networks, X, Y, title=""):
    """A Picture of training runs: their loss curves on top (curves: dict label -> losses per
    epoch), and below one decision-boundary panel per network (networks: dict title ->
    (W0, W1)) on the data set X, Y (see labelled_moons). None where pictures are off
    (course.figures.pictures_off)."""
    if not drawing():
        return None
    fig = figures.Picture(figsize=(3.1 * len(networks), 4.8))
    grid = fig.add_gridspec(2, len(networks), height_ratios=[1, 1.05], left=0.07, right=0.98,
                            bottom=0.02, top=0.94, hspace=0.3, wspace=0.08)
    losses = fig.add_subplot(grid[0, :])
    draw_losses(losses, curves)
    losses.set_title(title, fontsize=9, y=1)
    for column, (name, (W0, W1)) in enumerate(networks.items()):
        draw_boundary(fig.add_subplot(grid[1, column]), W0, W1, X, Y, name)
    return fig


class NetworkDrawing:
    """A picture of the two-layer network with two inputs and two hidden units: every node with
    its value (green, above) and its gradient dL/d node (red, below), every weight on its edge
    with dL/d weight under it. Gradients come from measured_gradients (centered differences).

    Built once; show(W0, W1, x0, y) rewrites the numbers and returns the Figure.
    """

    COLUMNS = {"x0": 0.0, "x1": 2.2, "x2": 3.7, "x3": 5.2, "L": 6.5}
    ROWS = (0.75, -0.75)
    HEADERS = {"x0": "input x0", "x1": "x1 = W0 x0", "x2": "x2 = tanh(x1)",
               "x3": "x3 = W1 · x2", "L": "L = ½ (x3 − y)²"}

    def __init__(self, figure=None):
        self.figure = figure or figures.Picture(figsize=(7.5, 3.3))
        ax = self.figure.add_axes((0.01, 0.01, 0.98, 0.98))
        ax.set_xlim(-0.8, 7.3)
        ax.set_ylim(-1.75, 1.75)
        ax.axis("off")
        self.ax = ax
        nodes = self._nodes()
        edges = {("W0", i, j): (nodes[("x0", j)], nodes[("x1", i)])
                 for i in range(2) for j in range(2)}
        edges.update({("W1", i, 0): (nodes[("x2", i)], nodes[("x3", 0)]) for i in range(2)})
        for i in range(2):
            ax.plot(*zip(nodes[("x1", i)], nodes[("x2", i)]), color="0.55", lw=1, zorder=1)
        ax.plot(*zip(nodes[("x3", 0)], nodes[("L", 0)]), color="0.55", lw=1, zorder=1)
        for (a, b) in edges.values():
            ax.plot(*zip(a, b), color="0.35", lw=1.1, zorder=1)
        self.texts = {}
        for key, (x, y) in nodes.items():
            ax.plot(x, y, "o", ms=15, mfc=NODE_FACE, mec=NODE_EDGE, mew=1.2, zorder=2)
            self.texts[key] = (ax.text(x, y + 0.2, "", ha="center", va="bottom", fontsize=8,
                                       color=VALUE_COLOR, zorder=3),
                               ax.text(x, y - 0.2, "", ha="center", va="top", fontsize=8,
                                       color=GRADIENT_COLOR, zorder=3))
        box = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85)
        for key, (a, b) in edges.items():
            t = 0.25 if key[0] == "W0" else 0.5
            x, y = np.add(a, t * np.subtract(b, a))
            self.texts[key] = (ax.text(x, y + 0.03, "", ha="center", va="bottom", fontsize=7,
                                       bbox=box, zorder=4),
                               ax.text(x, y - 0.03, "", ha="center", va="top", fontsize=7,
                                       color=GRADIENT_COLOR, bbox=box, zorder=4))
        for column, header in self.HEADERS.items():
            ax.text(self.COLUMNS[column], 1.55, header, ha="center", va="center", fontsize=8.5)
        self.target = ax.text(self.COLUMNS["L"], -0.55, "", ha="center", va="top", fontsize=8)
        ax.text(7.25, -1.55, "value", color=VALUE_COLOR, ha="right", fontsize=8)
        ax.text(7.25, -1.72, "gradient of L", color=GRADIENT_COLOR, ha="right", fontsize=8)

    def _nodes(self):
        nodes = {(name, i): (self.COLUMNS[name], self.ROWS[i])
                 for name in ("x0", "x1", "x2") for i in range(2)}
        nodes.update({("x3", 0): (self.COLUMNS["x3"], 0.0), ("L", 0): (self.COLUMNS["L"], 0.0)})
        return nodes

    def show(self, W0, W1, x0, y):
        """Write the values and gradients for these weights (W0 (2, 2), W1 (2,)), input x0 (2,)
        and target y; return the Figure."""
        values = {"x0": x0, **two_layer_values(W0, W1, x0, y)}
        grads = measured_gradients(W0, W1, x0, y)
        for key, (value_text, grad_text) in self.texts.items():
            name, i, *j = key
            if name in ("W0", "W1"):
                weight = W0[i, j[0]] if name == "W0" else W1[i]
                gradient = grads[name][i, j[0]] if name == "W0" else grads[name][i]
                value_text.set_text(f"{weight:.4g}")
                grad_text.set_text(f"{gradient:.4f}")
                continue
            value = np.atleast_1d(values[name])[i]
            value_text.set_text(f"{value:.4f}")
            grad_text.set_text("" if name == "x0" else
                               f"{1.0 if name == 'L' else np.atleast_1d(grads[name])[i]:.4f}")
        self.target.set_text(f"y = {y:g}")
        return self.figure


def two_layer_picture(W0, W1, x0, y):
    """A Picture of the network at these weights, input and target (see NetworkDrawing); None
    where pictures are off."""
    if not drawing():
        return None
    return NetworkDrawing().show(W0, W1, x0, y)
