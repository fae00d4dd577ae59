"""Pictures of assignment 09: the network as a chain of z and a steps with the gradients each
produces, and loss curves."""
import numpy as np

from course import figures
from course.figures import BLUE, GRADIENT_COLOR, NODE_FACE, ORANGE, VALUE_COLOR, drawing

_STEPS = [  # (box text, what the step's backward pass produces)
    ("$x$", None),
    ("$z_1 = W_1 x + b_1$", "$\\partial J/\\partial W_1 = \\delta_1\\, x^{\\mathsf{T}}$\n"
                            "$\\partial J/\\partial b_1 = \\delta_1$"),
    ("$a_1 = \\sigma(z_1)$", "$\\delta_1 = \\partial J/\\partial a_1 \\circ a_1 (1 - a_1)$"),
    ("$z_2 = W_2 a_1 + b_2$", "$\\partial J/\\partial W_2 = \\delta_2\\, a_1^{\\mathsf{T}}$\n"
                              "$\\partial J/\\partial b_2 = \\delta_2$\n"
                              "$\\partial J/\\partial a_1 = W_2^{\\mathsf{T}} \\delta_2$"),
    ("$\\hat y = \\sigma(z_2)$",
     "$\\delta_2 = \\partial J/\\partial \\hat y \\circ \\hat y (1 - \\hat y)$"),
    ("$J = \\frac{1}{2}\\|y - \\hat y\\|^2$", "$\\partial J/\\partial \\hat y = \\hat y - y$"),
]


def za_picture():
    """A Picture of the network as a chain of z (affine) and a (sigmoid) steps: forward along
    the top in green, and under each step, in red, the gradients its backward pass produces
    from the one arriving from its right (delta_i stands for dJ/dz_i). None where pictures are
    off (course.figures.pictures_off)."""
    if not drawing():
        return None
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig = figures.Picture(figsize=(9.0, 2.2))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 9.0)
    ax.set_ylim(0.5, 2.7)
    ax.axis("off")
    centres = [0.35, 1.65, 3.2, 4.75, 6.3, 7.9]
    kinds = [None, "affine", "pointwise", "affine", "pointwise", "loss"]
    for i, ((text, rule), x, kind) in enumerate(zip(_STEPS, centres, kinds)):
        face = {"affine": NODE_FACE, "pointwise": "#fdf2e0", "loss": "#f3f3f3"}.get(kind, "white")
        width = 0.4 if kind is None else 1.3
        ax.add_patch(FancyBboxPatch((x - width / 2, 1.95), width, 0.5, facecolor=face,
                                    edgecolor="0.35" if kind else "none",
                                    boxstyle="round,pad=0.04"))
        ax.text(x, 2.2, text, ha="center", va="center", fontsize=10)
        if kind:
            ax.text(x, 1.82, kind, ha="center", va="top", fontsize=7, color="0.4", style="italic")
        if i:
            left = centres[i - 1] + (0.2 if i == 1 else 0.65)
            ax.add_patch(FancyArrowPatch((left + 0.02, 2.2), (x - 0.67, 2.2),
                                         arrowstyle="-|>", mutation_scale=9, color=VALUE_COLOR))
            ax.add_patch(FancyArrowPatch((x - 0.67, 1.55), (left + 0.02, 1.55),
                                         arrowstyle="-|>", mutation_scale=9,
                                         color=GRADIENT_COLOR))
            ax.text(x, 1.42, rule, ha="center", va="top", fontsize=9, color=GRADIENT_COLOR,
                    linespacing=1.6)
    ax.text(0.1, 0.75, "forward", color=VALUE_COLOR, ha="left", fontsize=8)
    ax.text(0.1, 0.58, "backward", color=GRADIENT_COLOR, ha="left", fontsize=8)
    return fig


def loss_curves_picture(curves, title=""):
    """A Picture of J against the training step; curves: dict label -> sequence of losses.
    None where pictures are off."""
    if not drawing():
        return None
    fig = figures.Picture(figsize=(6.0, 2.8))
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.17, top=0.9)
    ax = fig.add_subplot()
    for (label, losses), color in zip(curves.items(), (BLUE, GRADIENT_COLOR, ORANGE)):
        ax.plot(np.arange(len(losses)), losses, lw=1.5, color=color, label=label)
    ax.set_xlabel("training step", fontsize=9)
    ax.set_ylabel("J", fontsize=9)
    ax.set_title(title, fontsize=9, y=1)
    ax.grid(True, color="0.9")
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=8)
    return fig
