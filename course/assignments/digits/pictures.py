"""Pictures of assignment 17: digits with titles, loss curves of training runs, and a trained
network's run with the validation digits it gets wrong.

A run is what the notebook's `train` returns, a dict: "losses", the training loss after each step
(floats); "steps_per_epoch"; "parameters", the network's (see forward.network_logits); and, when
validation examples were given, "validation", the validation accuracy after each epoch.
"""
import numpy as np

from course import figures
from course.assignments.digits.forward import as_rows, network_logits
from course.figures import BLUE, GREEN, ORANGE, RED, drawing

_COLORS = (BLUE, ORANGE, GREEN, RED, "0.35")


def _show_digits(axes, images, titles):
    """Each image (8, 8) in one of axes, white paper and dark ink, with its title."""
    for ax in axes:
        ax.set_axis_off()
    for ax, image, title in zip(axes, images, titles):
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=16, interpolation="nearest")
        ax.set_title(title, fontsize=8, pad=2)


def digit_grid(images, titles, columns=10):
    """Picture of digits: images (N, 8, 8) of pixels 0..16, titles (N strings), in rows of
    columns. Returns a Picture, or None where pictures are off."""
    if not drawing():
        return None
    rows = -(-len(images) // columns)
    fig = figures.Picture(figsize=(0.8 * columns, 0.95 * rows))
    _show_digits(fig.subplots(rows, columns, squeeze=False).ravel(), images, titles)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.9, hspace=0.5)
    return fig


def _plot_losses(ax, runs):
    for color, (label, run) in zip(_COLORS * 3, runs.items()):
        losses = np.asarray(run["losses"], dtype=float)
        epochs = np.arange(1, len(losses) + 1) / run["steps_per_epoch"]
        ax.plot(epochs, losses, color=color, lw=1.0, alpha=0.85, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epochs (passes over the training examples)", fontsize=9)
    ax.set_ylabel("training loss after each step", fontsize=9)
    ax.axhline(np.log(10), color="0.6", lw=0.8, ls="--")
    ax.grid(True, color="0.92")
    ax.tick_params(labelsize=7)


def loss_curves(runs, title):
    """Picture of training runs' losses against epochs, on a log scale, with log 10 dashed.
    runs: dict label -> run (see the module's docstring). Returns a Picture, or None."""
    if not drawing():
        return None
    fig = figures.Picture(figsize=(7.0, 3.4))
    ax = fig.subplots()
    _plot_losses(ax, runs)
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(title, fontsize=10)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.9)
    return fig


def trained_picture(run, images, labels, shown=10):
    """Picture of the run that trains the network: its training loss and its validation accuracy
    per epoch (top), and up to shown validation digits it gets wrong, titled with their label and
    the network's answer. images (N, 8, 8) and labels (N,): the validation examples. Returns a
    Picture, or None."""
    if not drawing():
        return None
    predicted = network_logits(as_rows(images), run["parameters"]).argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)[:shown]
    fig = figures.Picture(figsize=(8.0, 4.6))
    top, bottom = fig.subfigures(2, 1, height_ratios=[2.4, 1.0])
    curve, score = top.subplots(1, 2)
    _plot_losses(curve, {"": run})
    accuracies = np.asarray(run["validation"])
    score.plot(np.arange(1, len(accuracies) + 1), accuracies, "o-", color=GREEN, ms=3)
    score.set_xlabel("epochs", fontsize=9)
    score.set_ylabel("validation accuracy", fontsize=9)
    score.set_ylim(min(0.8, accuracies.min()) - 0.02, 1.0)
    score.grid(True, color="0.92")
    score.tick_params(labelsize=7)
    score.set_title(f"{accuracies[-1]:.1%} after {len(accuracies)} epochs", fontsize=9)
    top.subplots_adjust(left=0.09, right=0.98, bottom=0.2, top=0.9, wspace=0.3)
    _show_digits(bottom.subplots(1, shown), images[wrong],
                 [f"{label}, said {guess}" for label, guess in zip(labels[wrong], predicted[wrong])])
    bottom.suptitle(f"{np.sum(predicted != labels)} of {len(labels)} validation digits wrong; "
                    "the first few (label, said)", fontsize=9)
    return fig
