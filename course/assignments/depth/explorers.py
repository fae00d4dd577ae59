"""The explorer of assignment 18: a deep stack's depth, its weights' initial scale and its
activation in, the norm of the gradient reaching each layer out (course.assignments.depth.forward
draws the weights and runs the backward pass)."""
import numpy as np

from course import figures
from course.assignments.depth.forward import (
    ACTIVATIONS,
    WIDTH,
    stack_gradient_norms,
    stack_inputs,
    stack_weights,
)
from course.blitting import animate, frames
from course.controls import menu, slider
from course.explorers import Explorer
from course.figures import BLUE

MAX_DEPTH = 40
LOWEST, HIGHEST = 1e-30, 1e6   # the picture's norms; the readout gives any


class DepthExplorer(Explorer):
    """A stack of WIDTH-wide layers h_l = f(h_(l-1) W_l). Controls: its depth (2 to 40), the
    weights' initial scale s (0.1 to 3; the entries are normal with standard deviation
    s / sqrt(WIDTH), so s = 1 is Xavier's variance and s = 1.41 He's) and the activation f.
    Picture: the norm of the gradient on each layer's input, log scale, layer 1 at the left.
    Readout: that norm at the top layer and at layer 1, and their ratio."""

    number_format = ".4g"

    def __init__(self, depth=20, scale=1.0, activation="tanh"):
        self.inputs = stack_inputs()
        super().__init__({"depth": slider("depth", depth, 2, MAX_DEPTH),
                          "scale": slider(f"scale × 1/√{WIDTH}", scale, 0.1, 3.0, 0.05),
                          "activation": menu("activation", list(ACTIVATIONS), activation)})

    def build_figure(self):
        """The figure, once: a line whose points and a title that render moves."""
        self.figure = figures.Picture(figsize=(6.4, 3.0))
        ax = self.figure.add_axes((0.12, 0.16, 0.84, 0.74))
        self.line, = ax.plot([], [], "o-", color=BLUE, ms=3, lw=1.4)
        ax.set_yscale("log")
        ax.set_xlim(0.5, MAX_DEPTH + 0.5)
        ax.set_ylim(LOWEST, HIGHEST)
        ax.set_xlabel("layer (1 = next to the input)", fontsize=8)
        ax.set_ylabel("norm of the gradient\non the layer's input", fontsize=8)
        ax.grid(True, color="0.9")
        ax.tick_params(labelsize=7)
        self.title = ax.set_title("", fontsize=9)
        animate(self.line, self.title, *frames(ax))

    def render(self, values):
        depth, scale, activation = int(values["depth"]), float(values["scale"]), values["activation"]
        norms = stack_gradient_norms(activation, stack_weights(depth, scale), *self.inputs)
        self.line.set_data(np.arange(1, depth + 1), np.clip(norms, LOWEST, HIGHEST))
        self.title.set_text(f"{depth} {activation} layers, scale {scale:.2f}")
        return self.figure, {"norm at the top": float(norms[-1]), "norm at layer 1": float(norms[0]),
                             "layer 1 / top": float(norms[0] / norms[-1])}
