"""Pictures and explorers of assignment 10: the toy network's plane, adversarial steps, gradient
ascent on the input, and the embedding lookup.

Every gradient drawn here comes from centered differences (course.toy_net, course.numgrad).
Figures are made without pyplot; explorers move artists of a figure drawn once.
"""
from matplotlib.colors import ListedColormap
from matplotlib.patches import Circle, FancyArrowPatch
import numpy as np

from .blitting import animate, frames
from .controls import slider
from .explorers import Explorer
from .figures import BLUE, ORANGE, RED, Picture
from .functions import two_moons
from .numgrad import input_gradients
from .toy_net import (
    adversarial,
    lookup,
    numerical_path,
    objective,
    one_hot,
    probability,
    score,
    score_gradient,
    unit_weights,
)

EXTENT = (-2.5, 2.5, -2.0, 2.0)  # the plane every picture shows: x[0] from, to; x[1] from, to
_XS = np.linspace(EXTENT[0], EXTENT[1], 161)
_YS = np.linspace(EXTENT[2], EXTENT[3], 129)
GRID = np.stack(np.meshgrid(_XS, _YS), axis=-1)  # shape (129, 161, 2)
CLASSES = ListedColormap([BLUE, RED])


def _plane(ax, field, cmap="RdBu_r", limit=None, boundary=True, data=True):
    """Draw a field over GRID (shape (129, 161)) as an image, the trained net's decision boundary
    (score 0) and the moons; return the image."""
    limit = limit or float(np.max(np.abs(field)))
    image = ax.imshow(field, extent=EXTENT, origin="lower", cmap=cmap, vmin=-limit, vmax=limit,
                      aspect="auto", interpolation="bilinear", alpha=0.8)
    if boundary:
        ax.contour(_XS, _YS, score(GRID), [0.0], colors="k", linewidths=1.2)
    if data:
        X, y = two_moons()
        ax.scatter(X[:, 0], X[:, 1], c=y, cmap=CLASSES, s=7, lw=0.3, edgecolors="w", alpha=0.7)
    ax.set_xlim(EXTENT[:2])
    ax.set_ylim(EXTENT[2:])
    ax.set_xticks([-2, -1, 0, 1, 2])  # few labels: they are most of a redraw's cost
    ax.set_yticks([-2, -1, 0, 1, 2])
    ax.tick_params(labelsize=7)
    return image


def moons_picture(points=()):
    """The moons, the trained net's P(class 1) as colour and its decision boundary (black), with
    the given points (each shape (2,)) marked in orange."""
    figure = Picture(figsize=(5.2, 3.6))
    ax = figure.add_axes((0.1, 0.12, 0.72, 0.8))
    image = _plane(ax, probability(GRID) - 0.5, limit=0.5)
    for point in points:
        ax.plot(*point, "o", color=ORANGE, mec="k", ms=7)
    colorbar = figure.colorbar(image, cax=figure.add_axes((0.85, 0.12, 0.03, 0.8)),
                               ticks=[-0.5, 0, 0.5])
    colorbar.ax.set_yticklabels(["0", "0.5", "1"], fontsize=7)
    colorbar.set_label("P(class 1)", fontsize=8)
    ax.set_xlabel("x[0]", fontsize=8)
    ax.set_ylabel("x[1]", fontsize=8)
    return figure


class AdversarialExplorer(Explorer):
    """A point x of the plane moved a distance epsilon along the score's gradient, towards the
    other class: x' = x - epsilon sign(score(x)) g / ||g||, g = d score / dx (centered
    differences). Sliders: epsilon and the two coordinates of x. Picture: the net's P(class 1),
    its decision boundary, the circle of radius epsilon around x and the arrow from x to x'.
    Readout: both scores, whether the prediction flipped (1) or not (0), and the first-order
    estimate |score(x)| / ||g|| of the distance to the boundary.
    """

    def __init__(self, x=(1.0, -0.3), epsilon=0.0):
        self.figure = Picture(figsize=(5.2, 3.6))
        ax = self.figure.add_axes((0.1, 0.12, 0.86, 0.78))
        _plane(ax, probability(GRID) - 0.5, limit=0.5)
        self.circle = ax.add_patch(Circle((0, 0), 0.1, fill=False, ls="--", color="0.2", lw=0.8,
                                          zorder=2.1))  # above the decision boundary
        self.arrow = ax.add_patch(FancyArrowPatch((0, 0), (0, 0), arrowstyle="-|>",
                                                  mutation_scale=12, color=ORANGE, lw=2,
                                                  zorder=2.1))
        self.start, = ax.plot([], [], "o", color="w", mec="k", ms=7)
        self.end, = ax.plot([], [], "o", color=ORANGE, mec="k", ms=7)
        ax.set_xlabel("x[0]", fontsize=8)
        ax.set_ylabel("x[1]", fontsize=8)
        self.title = ax.set_title("", fontsize=9, y=1)  # a given y skips costly auto-placement
        animate(self.circle, self.arrow, self.start, self.end, self.title, *frames(ax))
        super().__init__({"epsilon": slider("epsilon", epsilon, 0.0, 1.0, 0.005),
                          "x0": slider("x[0]", x[0], -2.0, 2.0, 0.05),
                          "x1": slider("x[1]", x[1], -1.5, 1.5, 0.05)})

    def render(self, values):
        x = np.array([values["x0"], values["x1"]])
        gradient = score_gradient(x)
        moved = adversarial(x, values["epsilon"], gradient)
        before, after = score(x), score(moved)
        flipped = float(np.sign(before) != np.sign(after))
        self.circle.set(center=x, radius=max(values["epsilon"], 1e-3))
        self.arrow.set_positions(tuple(x), tuple(moved))
        self.start.set_data([x[0]], [x[1]])
        self.end.set_data([moved[0]], [moved[1]])
        verdict = "the prediction FLIPS" if flipped else "same prediction"
        self.title.set_text(f"score {before:.2f} → {after:.2f}: {verdict}")
        return self.figure, {"epsilon": values["epsilon"], "score(x)": before,
                             "score(x')": after, "P(class 1 | x')": float(probability(moved)),
                             "flipped": flipped,
                             "|score| / ||g||": abs(before) / float(np.linalg.norm(gradient))}


def _unit_title(unit):
    return "the output score" if unit is None else f"hidden unit {unit}"


class AscentExplorer(Explorer):
    """Gradient ascent on the input of one unit of the trained net, with an L2 regularizer:
    x <- x + lr (d unit / dx - lam x), steps times from a start point, gradients by centered
    differences. Sliders: lam and the start point. Picture: the objective unit(x) - lam/2 ||x||^2
    as colour, the path of x (black dots, one per step) from the start (open circle) to the end
    (orange).

    unit: None for the output score, j for hidden unit j; lr, steps: the ascent's step size and
    number of steps.
    """

    def __init__(self, unit=None, start=(0.0, 0.0), lam=0.5, lr=0.03, steps=200):
        self.unit, self.lr, self.steps = unit, lr, steps
        self.weights = dict(zip(("W1", "b1", "w2", "b2"), unit_weights(unit)))
        self.unit_field = score(GRID, **self.weights)
        self.figure = Picture(figsize=(5.2, 3.6))
        ax = self.figure.add_axes((0.1, 0.12, 0.86, 0.78))
        self.image = _plane(ax, self.unit_field, boundary=unit is None, data=False)
        self.path, = ax.plot([], [], ".-", color="k", lw=1, ms=3)
        self.start, = ax.plot([], [], "o", color="w", mec="k", ms=7)
        self.end, = ax.plot([], [], "o", color=ORANGE, mec="k", ms=7)
        ax.set_xlabel("x[0]", fontsize=8)
        ax.set_ylabel("x[1]", fontsize=8)
        self.title = ax.set_title("", fontsize=9, y=1)
        animate(*ax.images, *ax.collections, *ax.lines, self.title, *frames(ax))  # all of it
        super().__init__({"lam": slider("λ (L2 strength)", lam, 0.0, 2.0, 0.05),
                          "x0": slider("start x[0]", start[0], -2.0, 2.0, 0.05),
                          "x1": slider("start x[1]", start[1], -2.0, 2.0, 0.05)})

    def render(self, values):
        lam = values["lam"]
        field = self.unit_field - 0.5 * lam * np.sum(GRID**2, axis=-1)
        limit = float(np.max(np.abs(field)))
        self.image.set_data(field)
        self.image.set_clim(-limit, limit)
        path = numerical_path([values["x0"], values["x1"]], self.steps, self.lr, lam, self.unit)
        self.path.set_data(path[:, 0], path[:, 1])
        self.start.set_data(path[:1, 0], path[:1, 1])
        self.end.set_data(path[-1:, 0], path[-1:, 1])
        end = path[-1]
        self.title.set_text(f"ascent on {_unit_title(self.unit)} − {lam:.2f}/2 ||x||², "
                            f"{self.steps} steps of {self.lr:g}")
        return self.figure, {"λ": lam, "end x[0]": float(end[0]), "end x[1]": float(end[1]),
                             "unit at end": score(end, **self.weights),
                             "objective at end": float(objective(end, **self.weights, lam=lam))}


def paths_picture(paths, units, lam):
    """One panel per unit of the trained net: the objective unit(x) - lam/2 ||x||^2 as colour and
    the path the input took (paths[i]: shape (steps + 1, 2), for units[i]: None for the output
    score, j for hidden unit j)."""
    figure = Picture(figsize=(2.6 * len(units), 2.6))
    figure.subplots_adjust(left=0.06, right=0.99, bottom=0.1, top=0.86, wspace=0.2)
    for ax, path, unit in zip(np.atleast_1d(figure.subplots(1, len(units))), paths, units):
        W1, b1, w2, b2 = unit_weights(unit)
        field = objective(GRID, W1, b1, w2, b2, lam)
        _plane(ax, field, boundary=unit is None, data=False)
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], ".-", color="k", lw=1, ms=3)
        ax.plot(*path[0], "o", color="w", mec="k", ms=6)
        ax.plot(*path[-1], "o", color=ORANGE, mec="k", ms=6)
        ax.set_title(_unit_title(unit), fontsize=8, y=1)
    return figure


def embedding_picture(ids, E, dout, words):
    """The lookup E[ids] as one-hot rows times E, and the gradient on E (centered differences)
    for the upstream gradient dout. ids: ints (T,); E: (V, d); dout: (T, d); words: V labels."""
    ids, E, dout = np.asarray(ids, dtype=int), np.asarray(E, float), np.asarray(dout, float)
    onehot = one_hot(ids, len(E))
    dE = input_gradients(lambda E: lookup(ids, E), {"E": E}, ("E",), dout)[0]
    figure = Picture(figsize=(8.6, 3.0))
    figure.subplots_adjust(left=0.05, right=0.99, bottom=0.1, top=0.86, wspace=0.45)
    panels = figure.subplots(1, 4, gridspec_kw={"width_ratios": [len(E), E.shape[1],
                                                                  E.shape[1], E.shape[1]]})
    said = [words[i] for i in ids]
    shown = ((onehot, "one-hot rows O", said, words), (E, "table E", words, None),
             (onehot @ E, "O @ E = E[ids]", said, None), (dE, "gradient dE", words, None))
    for ax, (matrix, title, rows, columns) in zip(panels, shown):
        limit = 2.5 * max(float(np.max(np.abs(matrix))), 1e-12)  # pale colours, readable text
        ax.imshow(matrix, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (i, j), value in np.ndenumerate(matrix):
            ax.text(j, i, f"{value:.2g}", ha="center", va="center", fontsize=6.5)
        ax.set_yticks(range(len(rows)), rows, fontsize=7)
        ax.set_xticks(range(matrix.shape[1]), columns if columns else range(matrix.shape[1]),
                      fontsize=6, rotation=90 if columns else 0)
        ax.xaxis.tick_top()
        ax.set_xlabel(title, fontsize=8)
    return figure
