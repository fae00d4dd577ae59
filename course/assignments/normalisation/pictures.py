"""Pictures of assignment 16: the staged graph of batch normalisation, with its forks and its
broadcasts marked, each feature's values before and after normalisation, and the time two
backward passes take. Nothing here computes a gradient."""
import functools
import timeit

import numpy as np

from course import figures
from course.figures import BLUE, GREEN, NODE_EDGE, NODE_FACE, ORANGE, RED, drawing

# the stages: name -> (column, row, what it is), x in the middle row
_NODES = {"x": (0, 1, "x (N, D)"), "mu": (1.2, 2, "μ = mean of x\n(D,)"),
          "xc": (2.3, 1, "xc = x − μ\n(N, D)"), "var": (3.5, 2, "v = mean of xc²\n(D,)"),
          "istd": (5.0, 2, "s = 1/√(v + ε)\n(D,)"), "xhat": (6.0, 1, "x̂ = xc · s\n(N, D)"),
          "out": (7.3, 1, "out = γ x̂ + β\n(N, D)"), "gamma": (6.0, 0, "γ, β (D,)")}
# (from, to, kind): "plain", "broadcast" (a (D,) value used by every row)
_EDGES = [("x", "mu", "plain"), ("x", "xc", "plain"), ("mu", "xc", "broadcast"),
          ("xc", "var", "plain"), ("var", "istd", "plain"), ("xc", "xhat", "plain"),
          ("istd", "xhat", "broadcast"), ("xhat", "out", "plain"), ("gamma", "out", "broadcast")]
_FORKS = ("x", "xc")


def staged_graph():
    """A Picture of batch normalisation's graph, stage by stage, left to right: the forks (a value
    used by two stages, whose gradients add) ringed in red, the broadcasts (a (D,) value used by
    every row, whose gradient is a sum over the rows) dashed in orange. Returns None where pictures
    are off."""
    if not drawing():
        return None
    fig = figures.Picture(figsize=(9.4, 2.9))   # 846 px wide
    ax = fig.add_axes((0.01, 0.02, 0.98, 0.96))
    ax.set_xlim(-0.5, 8.1)
    ax.set_ylim(-0.75, 2.55)
    ax.axis("off")
    for start, end, kind in _EDGES:
        (x0, y0, _), (x1, y1, _) = _NODES[start], _NODES[end]
        broadcast = kind == "broadcast"
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", lw=1.6 if broadcast else 1.2, shrinkA=22,
                                    shrinkB=26, color=ORANGE if broadcast else NODE_EDGE,
                                    ls="--" if broadcast else "-"))
    for name, (x, y, text) in _NODES.items():
        fork = name in _FORKS
        ax.text(x, y, text, ha="center", va="center", fontsize=8,
                bbox=dict(boxstyle="round,pad=0.35", fc=NODE_FACE, ec=RED if fork else NODE_EDGE,
                          lw=2.0 if fork else 1.0))
    ax.text(0.0, -0.55, "red: a fork, the gradients of both uses add (+=)", color=RED, fontsize=8)
    ax.text(3.6, -0.55, "dashed: a broadcast over the rows, its gradient is a sum over the rows",
            color=ORANGE, fontsize=8)
    return fig


def before_and_after(before, after):
    """A Picture of each feature's values in a batch: before (N, D) on the left, after (N, D) on
    the right, one row of dots per feature, with each feature's mean marked. Returns None where
    pictures are off."""
    if not drawing():
        return None
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    colours = [BLUE, ORANGE, GREEN, RED]
    fig = figures.Picture(figsize=(7.6, 0.9 + 0.45 * before.shape[1]))
    for column, (title, values) in enumerate((("before", before), ("after", after))):
        ax = fig.add_axes((0.1 + 0.47 * column, 0.22, 0.4, 0.62))
        for j in range(values.shape[1]):
            colour = colours[j % len(colours)]
            ax.plot(values[:, j], np.full(len(values), j), "o", ms=4, alpha=0.6, color=colour)
            ax.plot([values[:, j].mean()] * 2, [j - 0.3, j + 0.3], color=colour, lw=2)
        ax.set_yticks(range(values.shape[1]), [f"feature {j}" for j in range(values.shape[1])])
        ax.set_ylim(-0.6, values.shape[1] - 0.4)
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(True, axis="x", color="0.9")
    return fig


def best_times(passes, sizes, repeat=5, seed=16):
    """The best time of each backward pass on a random batch of each size, in milliseconds.

    passes: dict name -> function (x, gamma, dout, eps) -> anything; sizes: list of (N, D).
    Returns a dict name -> list of floats, one per size: the least of repeat runs of 5 calls each,
    divided by 5 (the least is the run least disturbed by other work on the machine)."""
    rng = np.random.default_rng(seed)
    times = {name: [] for name in passes}
    for n, d in sizes:
        args = (rng.normal(size=(n, d)), rng.normal(size=d), rng.normal(size=(n, d)), 1e-5)
        for name, backward in passes.items():
            runs = timeit.repeat(functools.partial(backward, *args), number=5, repeat=repeat)
            times[name].append(min(runs) / 5 * 1000)
    return times


def timing(passes, sizes):
    """A Picture of best_times(passes, sizes): one group of bars per batch size, one bar per
    pass, each labelled with its milliseconds, and how many times as long the first pass takes as
    the second above each group. It times nothing where pictures are off (grading), and then returns None."""
    if not drawing():
        return None
    times = best_times(passes, sizes)
    fig = figures.Picture(figsize=(7.0, 2.6))
    ax = fig.add_axes((0.09, 0.2, 0.88, 0.62))
    width = 0.8 / len(passes)
    places = np.arange(len(sizes))
    for k, (name, ms) in enumerate(times.items()):
        bars = ax.bar(places + (k - (len(passes) - 1) / 2) * width, ms, width, label=name,
                      color=(BLUE, ORANGE, GREEN)[k % 3])
        ax.bar_label(bars, labels=[f"{v:.2f} ms" for v in ms], fontsize=7, padding=1)
    first, second = list(times.values())[:2]
    for place, a, b in zip(places, first, second):
        ax.text(place, 4 * max(a, b), f"{a / b:.1f}× as long", ha="center", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylim(0.5 * min(min(ms) for ms in times.values()), 12 * max(max(ms) for ms in times.values()))
    ax.set_xticks(places, [f"N × D = {n} × {d}" for n, d in sizes])
    ax.set_ylabel("time per call (ms)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="upper left")
    return fig
