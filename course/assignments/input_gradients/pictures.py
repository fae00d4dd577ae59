"""Pictures of assignment 10: the toy network's plane, gradient ascent on the input, and the
embedding lookup. Every gradient drawn comes from centered differences (course.numgrad)."""
import numpy as np

from course import figures
from course.assignments.input_gradients.forward import (
    lookup,
    objective,
    one_hot,
    probability,
    score,
    unit_weights,
)
from course.figures import BLUE, ORANGE, RED, drawing
from course.functions import two_moons
from course.numgrad import input_gradients

EXTENT = (-2.5, 2.5, -2.0, 2.0)  # the plane every picture shows: x[0] from, to; x[1] from, to
_XS = np.linspace(EXTENT[0], EXTENT[1], 161)
_YS = np.linspace(EXTENT[2], EXTENT[3], 129)
GRID = np.stack(np.meshgrid(_XS, _YS), axis=-1)  # shape (129, 161, 2)


def plane(ax, field, cmap="RdBu_r", limit=None, boundary=True, data=True):
    """Draw a field over GRID (shape (129, 161)) as an image, the trained net's decision boundary
    (score 0) and the moons; return the image."""
    from matplotlib.colors import ListedColormap

    limit = limit or float(np.max(np.abs(field)))
    image = ax.imshow(field, extent=EXTENT, origin="lower", cmap=cmap, vmin=-limit, vmax=limit,
                      aspect="auto", interpolation="bilinear", alpha=0.8)
    if boundary:
        ax.contour(_XS, _YS, score(GRID), [0.0], colors="k", linewidths=1.2)
    if data:
        X, y = two_moons()
        ax.scatter(X[:, 0], X[:, 1], c=y, cmap=ListedColormap([BLUE, RED]), s=7, lw=0.3,
                   edgecolors="w", alpha=0.7)
    ax.set_xlim(EXTENT[:2])
    ax.set_ylim(EXTENT[2:])
    ax.set_xticks([-2, -1, 0, 1, 2])  # few labels: they are most of a redraw's cost
    ax.set_yticks([-2, -1, 0, 1, 2])
    ax.tick_params(labelsize=7)
    return image


def moons_picture(points=()):
    """The moons, the trained net's P(class 1) as colour and its decision boundary (black), with
    the given points (each shape (2,)) marked in orange. A Picture; None where pictures are off
    (course.figures.pictures_off)."""
    if not drawing():
        return None
    figure = figures.Picture(figsize=(5.2, 3.6))
    ax = figure.add_axes((0.1, 0.12, 0.72, 0.8))
    image = plane(ax, probability(GRID) - 0.5, limit=0.5)
    for point in points:
        ax.plot(*point, "o", color=ORANGE, mec="k", ms=7)
    colorbar = figure.colorbar(image, cax=figure.add_axes((0.85, 0.12, 0.03, 0.8)),
                               ticks=[-0.5, 0, 0.5])
    colorbar.ax.set_yticklabels(["0", "0.5", "1"], fontsize=7)
    colorbar.set_label("P(class 1)", fontsize=8)
    ax.set_xlabel("x[0]", fontsize=8)
    ax.set_ylabel("x[1]", fontsize=8)
    return figure


def unit_title(unit):
    return "the output score" if unit is None else f"hidden unit {unit}"


def paths_picture(paths, units, lam):
    """One panel per unit of the trained net: the objective unit(x) - lam/2 ||x||^2 as colour and
    the path the input took (paths[i]: shape (steps + 1, 2), for units[i]: None for the output
    score, j for hidden unit j). A Picture; None where pictures are off."""
    if not drawing():
        return None
    figure = figures.Picture(figsize=(2.6 * len(units), 2.6))
    figure.subplots_adjust(left=0.06, right=0.99, bottom=0.1, top=0.86, wspace=0.2)
    for ax, path, unit in zip(np.atleast_1d(figure.subplots(1, len(units))), paths, units):
        W1, b1, w2, b2 = unit_weights(unit)
        field = objective(GRID, W1, b1, w2, b2, lam)
        plane(ax, field, boundary=unit is None, data=False)
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], ".-", color="k", lw=1, ms=3)
        ax.plot(*path[0], "o", color="w", mec="k", ms=6)
        ax.plot(*path[-1], "o", color=ORANGE, mec="k", ms=6)
        ax.set_title(unit_title(unit), fontsize=8, y=1)
    return figure


def embedding_picture(ids, E, dout, words):
    """The lookup E[ids] as one-hot rows times E, and the gradient on E (centered differences)
    for the upstream gradient dout. ids: ints (T,); E: (V, d); dout: (T, d); words: V labels.
    A Picture; None where pictures are off."""
    if not drawing():
        return None
    ids, E, dout = np.asarray(ids, dtype=int), np.asarray(E, float), np.asarray(dout, float)
    onehot = one_hot(ids, len(E))
    dE = input_gradients(lambda E: lookup(ids, E), {"E": E}, ("E",), dout)[0]
    figure = figures.Picture(figsize=(8.6, 3.0))
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
