"""The one-hidden-layer sigmoid network of assignment 09, in z/a notation, and its pictures.

For a batch of N examples, one per row of x (N, D), with targets y (N, K):
z1 = x W1^T + b1, a1 = sigma(z1), z2 = a1 W2^T + b2, yhat = a2 = sigma(z2), and the loss
J = 1/2 ||y - yhat||^2 summed over every example and output. W1: (H, D), b1: (H,), W2: (K, H),
b2: (K,). This module holds the forward pass, a toy curve to fit and the pictures; no backward
rule (the notebook trains with the student's functions).
"""
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
import numpy as np

from .blitting import animate, frames
from .controls import slider
from .explorers import Explorer
from .figures import BLUE, GRADIENT_COLOR, NODE_FACE, ORANGE, VALUE_COLOR, Picture
from .functions import sigmoid

# The weights and input of the two-layer example of seeds/NOTES.md, with no biases, a 1 x 2 W2,
# and a target of 1 (the sigmoid output starts near 0.5, which would leave little to learn).
WORKED = {"W1": np.array([[1.0, -3.0], [0.2, 1.0]]), "b1": np.array([0.0, 0.0]),
          "W2": np.array([[1.0, -1.0]]), "b2": np.array([0.0]),
          "x": np.array([[1.0, 0.1]]), "y": np.array([[1.0]])}


def sigmoid_network_values(W1, b1, W2, b2, x):
    """Every value of the forward pass: a dict with z1 and a1, arrays (N, H), and z2 and a2
    (= yhat), arrays (N, K). Shapes of the arguments as in the module docstring."""
    values = {"z1": np.matmul(x, np.transpose(W1)) + b1}
    values["a1"] = sigmoid(values["z1"])
    values["z2"] = np.matmul(values["a1"], np.transpose(W2)) + b2
    values["a2"] = sigmoid(values["z2"])
    return values


def sigmoid_network_output(W1, b1, W2, b2, x):
    """yhat for every row of x: an array (N, K)."""
    return sigmoid_network_values(W1, b1, W2, b2, x)["a2"]


def half_squared_distance(y, yhat):
    """J = 1/2 ||y - yhat||^2, summed over all entries; arrays of one shape. Returns a float."""
    return 0.5 * float(np.sum((np.asarray(y) - np.asarray(yhat)) ** 2))


def sigmoid_network_loss(W1, b1, W2, b2, x, y):
    """The loss J of the network on the batch (x, y); a float."""
    return half_squared_distance(y, sigmoid_network_output(W1, b1, W2, b2, x))


def wave(n=30):
    """The curve to fit: n inputs evenly spaced from -3 to 3 and targets 0.5 + 0.35 sin(1.3 x).
    Returns (x, y), arrays of shape (n, 1)."""
    x = np.linspace(-3.0, 3.0, n)[:, None]
    return x, 0.5 + 0.35 * np.sin(1.3 * x)


def initial_parameters(hidden=5, seed=0):
    """Random starting parameters for 1 input and 1 output: (W1 (hidden, 1), b1 (hidden,),
    W2 (1, hidden), b2 (1,)); b2 starts at 0."""
    rng = np.random.default_rng(seed)
    return (rng.normal(0.0, 1.5, (hidden, 1)), rng.normal(0.0, 1.0, hidden),
            rng.normal(0.0, 1.0, (1, hidden)), np.zeros(1))


# ---------------------------------------------------------------- pictures

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
    from the one arriving from its right (delta_i stands for dJ/dz_i)."""
    fig = Picture(figsize=(9.0, 2.2))
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
    """A Picture of J against the training step; curves: dict label -> sequence of losses."""
    fig = Picture(figsize=(6.0, 2.8))
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


class SigmoidFitExplorer(Explorer):
    """Watch the network fit a curve during training. Slider: the training step, over the
    recorded snapshots. Left: the data, the network's output yhat and, faintly, the hidden
    units' activations a1 (each a sigmoid of x). Right: J against the step, the current step
    marked.

    history: list of (step, (W1, b1, W2, b2)) recorded during training, steps increasing, for a
    network with 1 input and 1 output; x, y: the data, arrays (N, 1).
    """

    number_format = ".4g"

    def __init__(self, history, x, y):
        self.history, self.x, self.y = list(history), x, y
        self.steps = [step for step, _ in self.history]
        self.losses = [sigmoid_network_loss(*params, x, y) for _, params in self.history]
        self.grid = np.linspace(x.min() - 0.5, x.max() + 0.5, 200)[:, None]
        hidden = len(self.history[0][1][1])
        self.figure = Picture(figsize=(7.5, 3.0))
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.89, wspace=0.25)
        fit, curve = self.figure.subplots(1, 2)
        self.units = [fit.plot([], [], lw=0.8, color="0.6", alpha=0.7)[0] for _ in range(hidden)]
        self.units[0].set_label("hidden units a1")
        data, = fit.plot(x[:, 0], y[:, 0], "o", ms=3.5, color=ORANGE, label="data y")
        self.output, = fit.plot([], [], lw=2, color=BLUE, label="network yhat")
        fit.set_xlim(self.grid[0, 0], self.grid[-1, 0])
        fit.set_ylim(-0.05, 1.3)
        fit.set_yticks([0, 0.25, 0.5, 0.75, 1])
        fit.set_xlabel("x", fontsize=9)
        fit.legend(fontsize=7, loc="upper center", ncol=3, handlelength=1.2, columnspacing=0.8)
        self.fit_title = fit.set_title("", fontsize=9, y=1)
        curve.semilogy(self.steps, self.losses, color="0.3", lw=1.2)
        decades = range(int(np.floor(np.log10(min(self.losses)))),
                        int(np.ceil(np.log10(max(self.losses)))) + 1)
        curve.set_yticks([10.0**k for k in decades], [f"{10.0**k:g}" for k in decades])
        curve.minorticks_off()
        self.mark, = curve.plot([], [], "o", color=GRADIENT_COLOR, ms=6)
        curve.set_xlabel("training step", fontsize=9)
        curve.set_title("J = ½ ||y − ŷ||²", fontsize=9, y=1)
        curve.grid(True, color="0.9")
        for ax in (fit, curve):
            ax.tick_params(labelsize=7)
        animate(*self.units, data, self.output, self.mark, self.fit_title, *frames(fit, curve))
        super().__init__({"step": slider("training step", self.steps[-1], options=self.steps)})

    def render(self, values):
        index = self.steps.index(values["step"])
        params = self.history[index][1]
        forward = sigmoid_network_values(*params, self.grid)
        for line, activation in zip(self.units, forward["a1"].T):
            line.set_data(self.grid[:, 0], activation)
        self.output.set_data(self.grid[:, 0], forward["a2"][:, 0])
        self.mark.set_data([self.steps[index]], [self.losses[index]])
        self.fit_title.set_text(f"after {self.steps[index]} steps")
        return self.figure, {"step": self.steps[index], "J": self.losses[index]}
