"""Pictures of assignment 18: the norm of the gradient reaching each layer of a deep stack, on a
log scale, one line per activation and initialisation, and the same with residual blocks."""
import numpy as np

from course import figures
from course.assignments.depth.forward import (
    ACTIVATIONS,
    SCALES,
    residual_gradient_norms,
    stack_gradient_norms,
    stack_inputs,
    stack_weights,
)
from course.figures import BLUE, GREEN, ORANGE, RED, drawing

_COLOURS = {"sigmoid": ORANGE, "tanh": BLUE, "relu": GREEN}
_STYLES = {"std 0.01": ":", "Xavier": "--", "He": "-"}


def norms_by_layer(curves, title):
    """A Picture of gradient norms against the layer (1 at the bottom, by the input), log scale:
    curves is a list of (label, norms (depth,), colour, line style). Returns None where pictures
    are off."""
    if not drawing():
        return None
    fig = figures.Picture(figsize=(7.6, 3.4))   # 684 px wide
    ax = fig.add_axes((0.09, 0.14, 0.6, 0.76))
    for label, norms, colour, style in curves:
        ax.plot(np.arange(1, len(norms) + 1), norms, style, color=colour, lw=1.6, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("layer (1 = next to the input; the gradient arrives at the top)", fontsize=8)
    ax.set_ylabel("norm of the gradient on the layer's input", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.grid(True, color="0.9")
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return fig


def activations_and_inits(depth=30):
    """norms_by_layer for a stack of depth layers, every activation under every initialisation
    of SCALES."""
    if not drawing():
        return None
    x, g = stack_inputs()
    curves = [(f"{activation}, {init}", stack_gradient_norms(activation, stack_weights(depth, scale),
                                                             x, g), _COLOURS[activation], _STYLES[init])
              for activation in ACTIVATIONS for init, scale in SCALES.items()]
    return norms_by_layer(curves, f"{depth} layers of width 64")


def with_and_without_skips(residual_backward, depth=30):
    """norms_by_layer for a tanh stack of depth layers and the residual stack of the same weights
    (its backward pass through residual_backward(x, W, dout) -> (dx, dW)), at a standard deviation
    of 0.01 and at Xavier's."""
    if not drawing():
        return None
    x, g = stack_inputs()
    curves = []
    for init in ("std 0.01", "Xavier"):
        weights = stack_weights(depth, SCALES[init])
        curves += [(f"plain tanh, {init}", stack_gradient_norms("tanh", weights, x, g), BLUE,
                    _STYLES[init]),
                   (f"residual, {init}", residual_gradient_norms(residual_backward, weights, x, g),
                    RED, _STYLES[init])]
    return norms_by_layer(curves, f"{depth} tanh layers, with and without skips")
