"""Explorers of assignment 08: the worked two-layer network under your hands, and training it.

TwoLayerExplorer moves the weights of the worked example and shows every value and gradient
(gradients by centered differences). TrainingExplorer trains with a function the notebook
passes in (the student's backward pass and step), so this module holds no backward or update rule.
"""
import numpy as np

from course import figures
from course.assignments.two_layer_network.forward import WORKED, accuracy, measured_gradients
from course.assignments.two_layer_network.pictures import (
    BoundaryPanel,
    NetworkDrawing,
    loss_axes,
    shown_losses,
)
from course.blitting import animate, frames
from course.controls import slider
from course.explorers import Explorer
from course.figures import BLUE, RED
from course.functions import two_layer_values


class TwoLayerExplorer(Explorer):
    """The worked two-layer network (2 inputs, 2 tanh units, 1 output) with one slider per
    weight, W0[i,j] and W1[i], each from -4 to 4. Picture: every value and gradient on the
    network; readout: x3, L and dL/d weight for each weight.

    W0: (2, 2), W1: (2,), x0: (2,), y: float; the worked example by default.
    """

    def __init__(self, W0=WORKED["W0"], W1=WORKED["W1"], x0=WORKED["x0"], y=WORKED["y"]):
        self.x0, self.y = np.array(x0, dtype=float), float(y)
        controls = {f"W0[{i},{j}]": slider(f"W0[{i},{j}]", W0[i][j], -4.0, 4.0, 0.05)
                    for i in range(2) for j in range(2)}
        controls |= {f"W1[{i}]": slider(f"W1[{i}]", W1[i], -4.0, 4.0, 0.05) for i in range(2)}
        super().__init__(controls)

    def build_figure(self):
        """The network's picture, once (self.drawing); render writes the numbers on it."""
        self.drawing = NetworkDrawing()
        animate(*(text for pair in self.drawing.texts.values() for text in pair),
                self.drawing.target)

    def weights(self, values):
        """(W0, W1) from slider values: dict slider name -> float."""
        W0 = np.array([[values[f"W0[{i},{j}]"] for j in range(2)] for i in range(2)])
        return W0, np.array([values["W1[0]"], values["W1[1]"]])

    def render(self, values):
        W0, W1 = self.weights(values)
        forward = two_layer_values(W0, W1, self.x0, self.y)
        grads = measured_gradients(W0, W1, self.x0, self.y)
        numbers = {"x3": forward["x3"], "L": forward["L"]}
        numbers |= {f"dL/dW0[{i},{j}]": grads["W0"][i, j] for i in range(2) for j in range(2)}
        numbers |= {f"dL/dW1[{i}]": grads["W1"][i] for i in range(2)}
        return self.drawing.show(W0, W1, self.x0, self.y), numbers


LEARNING_RATES = (0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)


def batch_size_options(n):
    """Batch sizes to offer for n examples: the powers of 2 below n, then n (the full batch)."""
    return [2**k for k in range(int(np.log2(n)) + 1) if 2**k < n] + [n]


class TrainingExplorer(Explorer):
    """Train the two-layer network with a chosen learning rate and batch size and see the loss
    curve and the decision boundary it ends with.

    train: (learning_rate, batch_size) -> (W0, W1, losses), the notebook's training run from
    fixed starting weights (losses: the mean loss before training and after every epoch);
    X (N, 3), Y (N,): the data set (see forward.labelled_moons). Sliders: learning rate
    (LEARNING_RATES, 0.01 to 1) and batch size (powers of 2, then N). Runs are cached by slider
    values, so going back to a setting is instant; a run that blows up (inf or nan) is shown
    as diverged.
    """

    number_format = ".4g"

    def __init__(self, train, X, Y, learning_rate=0.1, batch_size=8):
        self.train, self.X, self.Y = train, X, Y
        self.runs = {}
        controls = {"learning_rate": slider("learning rate", learning_rate, options=LEARNING_RATES),
                    "batch_size": slider("batch size", batch_size,
                                         options=batch_size_options(len(X)))}
        super().__init__(controls)

    def build_figure(self):
        """The figure, once: the loss panel and the boundary panel, whose curve, shading, line,
        titles and warning render moves."""
        self.figure = figures.Picture(figsize=(7.5, 3.0))
        self.figure.subplots_adjust(left=0.09, right=0.99, bottom=0.15, top=0.88, wspace=0.12)
        losses, boundary = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
        self.curve, = losses.plot([], [], lw=1.5, color=BLUE)
        loss_axes(losses, 1)
        self.losses_axes = losses
        self.steps_title = losses.set_title("", fontsize=9, y=1)
        self.boundary = BoundaryPanel(boundary, self.X, self.Y)
        self.warning = boundary.text(0.5, 0.5, "", ha="center", va="center", fontsize=10,
                                     color=RED, transform=boundary.transAxes,
                                     bbox=dict(fc="white", ec=RED, boxstyle="round"))
        animate(self.curve, self.steps_title, self.boundary.shade, *self.boundary.dots,
                self.boundary.line, self.boundary.title, self.warning, *frames(losses, boundary))

    def run(self, learning_rate, batch_size):
        """The cached training run (W0, W1, losses) for these settings."""
        key = (round(float(learning_rate), 10), int(batch_size))
        if key not in self.runs:
            with np.errstate(all="ignore"):
                self.runs[key] = self.train(*key)
        return self.runs[key]

    def render(self, values):
        learning_rate, batch_size = values["learning_rate"], int(values["batch_size"])
        W0, W1, losses = self.run(learning_rate, batch_size)
        final = float(losses[-1])
        diverged = not (np.isfinite(final) and final < 1e6)
        steps = -(-len(self.X) // batch_size)
        self.curve.set_data(np.arange(len(losses)), shown_losses(losses))
        if self.losses_axes.get_xlim() != (0, max(len(losses) - 1, 1)):  # else keep the background
            self.losses_axes.set_xlim(0, max(len(losses) - 1, 1))
        self.steps_title.set_text(f"{steps} step{'s' * (steps > 1)} per epoch")
        with np.errstate(all="ignore"):
            correct = accuracy(W0, W1, self.X, self.Y)
        self.boundary.show(W0, W1, "diverged" if diverged else
                           f"after training: {100 * correct:.0f}% right")
        self.warning.set_text("the loss blew up" if diverged else "")
        self.warning.set_visible(diverged)
        numbers = {"learning rate": learning_rate, "batch size": batch_size,
                   "steps per epoch": steps, "final loss": final,
                   "accuracy": float("nan") if diverged else correct}
        return self.figure, numbers
