"""Pictures of assignment 13: a row of logits beside its softmax probabilities, and the loss of one
example as its label's logit moves. They draw numbers the notebook computed with the student's
own functions; nothing here computes a softmax or a loss."""
import numpy as np

from course import figures
from course.figures import BLUE, GREEN, ORANGE, RED, drawing


def probability_bars(logits, probabilities, label=None, names=None):
    """A Picture of one example: its logits as bars on the left, and on the right one row of bars
    of probabilities per entry of probabilities (a dict title -> array (C,), e.g. one per
    temperature), the label's bar in green. logits: (C,); label: a class index or None; names:
    C class names (default 0 .. C-1). Returns None where pictures are off."""
    if not drawing():
        return None
    logits = np.asarray(logits, dtype=float)
    names = names or [str(k) for k in range(len(logits))]
    colours = [GREEN if k == label else BLUE for k in range(len(logits))]
    fig = figures.Picture(figsize=(2.2 + 1.9 * len(probabilities), 2.4))   # 3 panels: 710 px wide
    grid = fig.add_gridspec(1, 1 + len(probabilities), left=0.06, right=0.98, bottom=0.14,
                            top=0.84, wspace=0.35)
    ax = fig.add_subplot(grid[0, 0])
    ax.bar(names, logits, color=ORANGE)
    ax.axhline(0.0, color="0.4", lw=0.8)
    ax.set_title("logits z", fontsize=9)
    for column, (title, p) in enumerate(probabilities.items(), start=1):
        ax = fig.add_subplot(grid[0, column])
        bars = ax.bar(names, p, color=colours)
        ax.bar_label(bars, labels=[f"{v:.3f}" for v in p], fontsize=7, padding=1)
        ax.set_ylim(0, 1.12)
        ax.set_title(title, fontsize=9)
    for ax in fig.axes:
        ax.tick_params(labelsize=7)
    return fig


def loss_against_logit(logits, curves, label_logit_name="z of the label"):
    """A Picture of the loss of one example against the logit of its label: curves is a dict
    name -> losses (same length as logits), the first drawn as a solid line and the others as
    dots; values that are inf or nan (a computation that broke) are marked in red along the top.
    logits: (K,) the values of the label's logit. Returns None where pictures are off."""
    if not drawing():
        return None
    logits = np.asarray(logits, dtype=float)
    fig = figures.Picture(figsize=(6.0, 2.8))
    ax = fig.add_axes((0.1, 0.17, 0.86, 0.72))
    finite_top = max(float(np.max(np.where(np.isfinite(c), c, -np.inf))) for c in curves.values())
    for k, (name, losses) in enumerate(curves.items()):
        losses = np.asarray(losses, dtype=float)
        broken = ~np.isfinite(losses)
        style = dict(lw=1.8, color=BLUE) if k == 0 else dict(ls="none", marker="o", ms=3, color=ORANGE)
        ax.plot(logits[~broken], losses[~broken], label=name, **style)
        if broken.any():
            ax.plot(logits[broken], np.full(broken.sum(), 1.05 * finite_top), "x", color=RED,
                    ms=5, label=f"{name}: inf or nan")
    ax.set_xlabel(label_logit_name, fontsize=9)
    ax.set_ylabel("loss of the example", fontsize=9)
    ax.grid(True, color="0.9")
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=8)
    return fig
