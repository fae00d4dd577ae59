"""Explorers of assignment 10: an adversarial step across the toy network's decision boundary,
and gradient ascent on the input. Gradients by centered differences (course.numgrad); figures
drawn once, their moving artists animated."""
import numpy as np

from course import figures
from course.assignments.input_gradients.forward import (
    adversarial,
    numerical_path,
    objective,
    probability,
    score,
    score_gradient,
    unit_weights,
)
from course.assignments.input_gradients.pictures import GRID, plane, unit_title
from course.blitting import animate, frames
from course.controls import slider
from course.explorers import Explorer
from course.figures import ORANGE


class AdversarialExplorer(Explorer):
    """A point x of the plane moved a distance epsilon along the score's gradient, towards the
    other class: x' = x - epsilon sign(score(x)) g / ||g||, g = d score / dx (centered
    differences). Sliders: epsilon and the two coordinates of x. Picture: the net's P(class 1),
    its decision boundary, the circle of radius epsilon around x and the arrow from x to x'.
    Readout: both scores, whether the prediction flipped (1) or not (0), and the first-order
    estimate |score(x)| / ||g|| of the distance to the boundary.
    """

    def __init__(self, x=(1.0, -0.3), epsilon=0.0):
        super().__init__({"epsilon": slider("epsilon", epsilon, 0.0, 1.0, 0.005),
                          "x0": slider("x[0]", x[0], -2.0, 2.0, 0.05),
                          "x1": slider("x[1]", x[1], -1.5, 1.5, 0.05)})

    def build_figure(self):
        """The figure, once: the plane; render moves the circle, the arrow, the points and the
        title."""
        from matplotlib.patches import Circle, FancyArrowPatch

        self.figure = figures.Picture(figsize=(5.2, 3.6))
        ax = self.figure.add_axes((0.1, 0.12, 0.86, 0.78))
        plane(ax, probability(GRID) - 0.5, limit=0.5)
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
        super().__init__({"lam": slider("λ (L2 strength)", lam, 0.0, 2.0, 0.05),
                          "x0": slider("start x[0]", start[0], -2.0, 2.0, 0.05),
                          "x1": slider("start x[1]", start[1], -2.0, 2.0, 0.05)})

    def build_figure(self):
        """The figure, once: every artist animated, as a move of λ recolours the whole plane."""
        self.figure = figures.Picture(figsize=(5.2, 3.6))
        ax = self.figure.add_axes((0.1, 0.12, 0.86, 0.78))
        self.image = plane(ax, self.unit_field, boundary=self.unit is None, data=False)
        self.path, = ax.plot([], [], ".-", color="k", lw=1, ms=3)
        self.start, = ax.plot([], [], "o", color="w", mec="k", ms=7)
        self.end, = ax.plot([], [], "o", color=ORANGE, mec="k", ms=7)
        ax.set_xlabel("x[0]", fontsize=8)
        ax.set_ylabel("x[1]", fontsize=8)
        self.title = ax.set_title("", fontsize=9, y=1)
        animate(*ax.images, *ax.collections, *ax.lines, self.title, *frames(ax))  # all of it

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
        self.title.set_text(f"ascent on {unit_title(self.unit)} − {lam:.2f}/2 ||x||², "
                            f"{self.steps} steps of {self.lr:g}")
        return self.figure, {"λ": lam, "end x[0]": float(end[0]), "end x[1]": float(end[1]),
                             "unit at end": score(end, **self.weights),
                             "objective at end": float(objective(end, **self.weights, lam=lam))}
