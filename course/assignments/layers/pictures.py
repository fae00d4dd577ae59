"""Pictures of assignment 07: a network drawn as a chain of layers, with its numbers."""
import numpy as np

from course import figures
from course.assignments.layers.forward import layer_values, network_loss, parameter_names
from course.figures import BLUE, ORANGE, RED, drawing
from course.numbers import fixed, short
from course.numgrad import input_gradients, numerical_gradient


def _layer_label(layer):
    kind, *names = layer
    return f"{kind}\n{', '.join(names)}" if names else kind


def layer_chain_picture(layers, title=None, params=None, x=None, y=None):
    """A network as a chain of boxes, one per layer, then the Euclidean loss.

    layers: list of layer tuples (see the forward module). Above the chain, black arrows carry
    the values x0, x1, ... forward; below it, red arrows carry the gradients dL/dx back, and each
    linear layer hands down the gradients on its parameters. Given params, a batch of one row x
    (1, n) and its target y (1, k), the wires and parameters are labelled with their numbers
    (values by the forward pass, gradients by centered differences; a wire shows its one row),
    best for 3 entries or fewer. Returns a Figure that shows itself; None where pictures are off
    (course.figures.pictures_off).
    """
    if not drawing():
        return None
    from matplotlib.patches import FancyBboxPatch

    count = len(layers) + 1
    numbers = params is not None
    if numbers:
        values, wire_grads, param_grads = network_numbers(layers, params, x, y)
    figure = figures.Picture(figsize=((1.8 if numbers else 1.4) * count + 1.0, 2.7 if numbers else 2.1))
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.9, 2 * count + 0.9)
    ax.set_ylim(-2.3 if numbers else -1.75, 1.3)
    ax.axis("off")
    labels = [_layer_label(layer) for layer in layers] + ["loss\n½‖x−y‖²"]
    for i, label in enumerate(labels):
        center = 2 * i + 1
        color = "0.35" if i == count - 1 else (ORANGE if layers[i][0] == "linear" else BLUE)
        ax.add_patch(FancyBboxPatch((center - 0.62, -0.3), 1.24, 0.6, facecolor=color,
                                    alpha=0.25, edgecolor=color,
                                    boxstyle="round,pad=0.02,rounding_size=0.12"))
        ax.text(center, 0, label, ha="center", va="center", fontsize=8)
        if i < count - 1 and layers[i][0] == "linear":
            names = layers[i][1:]
            text = ", ".join("d" + name for name in names)
            if numbers:
                text = "\n".join(f"d{name} = {_short(param_grads[name])}" for name in names)
            _arrow(ax, (center, -0.32), (center, -1.2), RED)
            ax.text(center, -1.3, text, ha="center", va="top", fontsize=7.5, color=RED,
                    multialignment="left")
    for i in range(count + 1):
        left, right = 2 * i - 0.62 + 0.02, 2 * i + 0.62 - 0.02
        if i == 0:
            left = -0.8
        if i == count:
            right = 2 * count + 0.8
        name = f"x{i}" if i < count else "L"
        above, below = name, f"dL/d{name}"
        if numbers:
            above = f"{name} = {_short(_row(values[i]))}"
            if i < count:
                below = f"{_short(_row(wire_grads[i]))}"
        _arrow(ax, (left, 0.15), (right, 0.15), "0.15")
        ax.text(2 * i, 0.36, above, ha="center", va="bottom", fontsize=7.5)
        if i < count:
            _arrow(ax, (right, -0.15), (left, -0.15), RED)
            ax.text(2 * i, -0.36, below, ha="center", va="top", fontsize=7.5, color=RED)
    if title:
        ax.text(count, 1.2, title, ha="center", va="top", fontsize=9)
    return figure


def network_numbers(layers, params, x, y):
    """The numbers on a network's picture: (values, wire gradients, parameter gradients).

    x: a batch (N, n); y: its targets (N, k). values: x0 = x, the output of every layer, then
    the loss (len(layers) + 2 entries); wire gradients: dL/dx_l for every x_l (len(layers) + 1
    entries, each shaped like x_l), by centered differences of the rest of the network from x_l
    up; parameter gradients: dict name -> dL/dname, by centered differences of the whole network.
    """
    values = layer_values(layers, params, x)
    values.append(network_loss(layers, params, x, y))
    wire_grads = [numerical_gradient(lambda v, k=k: network_loss(layers[k:], params, v, y),
                                     values[k])
                  for k in range(len(layers) + 1)]
    names = parameter_names(layers)
    grads = input_gradients(lambda **p: network_loss(layers, p, x, y), params, names)
    return values, wire_grads, dict(zip(names, grads))


def _row(value):
    """The one row of a batch of one (a wire's value or gradient), else the value itself."""
    return value[0] if np.ndim(value) == 2 and len(value) == 1 else value


def _short(value):
    """A number on the picture: a float with five decimals at most, a vector or matrix with three
    (a matrix one row per line)."""
    return short(value, 5) if np.ndim(value) == 0 else fixed(value, 3, row_break=True)


def _arrow(ax, start, end, color):
    ax.annotate("", xy=end, xytext=start,
                arrowprops=dict(arrowstyle="-|>", color=color, lw=1.1, shrinkA=0, shrinkB=0))
