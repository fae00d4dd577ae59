"""The explorers of assignment 09: the gradient the output sigmoid passes back as its
prediction goes wrong, and the network fitting a curve, step by step of training."""
import numpy as np

from course import figures
from course.assignments.sigmoid_network.forward import (
    half_squared_distance,
    sigmoid_network_loss,
    sigmoid_network_values,
)
from course.blitting import animate, frames
from course.controls import slider
from course.explorers import Explorer
from course.figures import BLUE, GRADIENT_COLOR, ORANGE, RED
from course.functions import sigmoid
from course.numgrad import centered_difference


def _loss_at(z2, y):
    """J = 1/2 (y - sigma(z2))^2 for one output, as a function of its weighted sum z2."""
    return half_squared_distance(y, sigmoid(z2))


def _output_gradients(z2, y):
    """(dJ/dyhat, dJ/dz2) at z2, by centered differences of J in yhat and in z2."""
    return (centered_difference(lambda v: half_squared_distance(y, v), float(sigmoid(z2))),
            centered_difference(lambda v: _loss_at(v, y), z2))


class OutputSlopeExplorer(Explorer):
    """One output unit yhat = sigma(z2) with target y and J = 1/2 (y - yhat)^2. Slider: z2 from
    -6 to 6. Top: yhat against z2, the target dashed. Bottom: dJ/dyhat (grey) and dJ/dz2 (red),
    the gradient the output sigmoid passes back into the network, both by centered differences.
    Readout: z2, yhat, J, dJ/dyhat and dJ/dz2.
    """

    def __init__(self, z2=2.0, y=1.0):
        self.y = float(y)
        super().__init__({"z2": slider("z2", z2, -6.0, 6.0, 0.1)})

    def build_figure(self):
        """The figure, once: the curves, and the points and title render moves."""
        zs = np.linspace(-6.0, 6.0, 241)
        self.figure = figures.Picture(figsize=(6.5, 3.8))
        self.figure.subplots_adjust(left=0.11, right=0.97, bottom=0.11, top=0.93, hspace=0.15)
        top, bottom = self.figure.subplots(2, 1, sharex=True)
        top.plot(zs, sigmoid(zs), color="0.2", lw=1.5)
        top.axhline(self.y, color=ORANGE, ls="--", lw=1, label=f"target y = {self.y:g}")
        top.set_ylim(-0.1, 1.15)
        top.set_yticks([0, 0.5, 1])
        top.set_ylabel("ŷ = σ(z2)", fontsize=9)
        top.legend(fontsize=7, loc="center left")
        outer, inner = np.array([_output_gradients(float(z), self.y) for z in zs]).T
        bottom.plot(zs, outer, color="0.55", lw=1.2, ls="--", label="dJ/dŷ")
        bottom.plot(zs, inner, color=RED, lw=1.5, label="dJ/dz2")
        bottom.axhline(0, color="0.7", lw=0.6, zorder=1)
        bottom.set_ylim(-1.1, 0.2)
        bottom.set_yticks([-1, -0.5, 0])
        bottom.set_ylabel("gradient", fontsize=9)
        bottom.set_xlabel("z2, the output's weighted sum", fontsize=9)
        bottom.legend(fontsize=7, loc="lower right")
        self.point, = top.plot([], [], "o", color=ORANGE, ms=5)
        self.outer, = bottom.plot([], [], "o", color="0.4", ms=4)
        self.inner, = bottom.plot([], [], "o", color=ORANGE, ms=5)
        for ax in (top, bottom):
            ax.tick_params(labelsize=7)
        self.title = top.set_title("", fontsize=9, y=1)  # a given y skips costly auto-placement
        animate(self.point, self.outer, self.inner, self.title, *frames(top, bottom))

    def render(self, values):
        z2 = float(values["z2"])
        yhat = float(sigmoid(z2))
        loss = _loss_at(z2, self.y)
        outer, inner = _output_gradients(z2, self.y)
        self.point.set_data([z2], [yhat])
        self.outer.set_data([z2], [outer])
        self.inner.set_data([z2], [inner])
        self.title.set_text(f"z2 = {z2:.1f}: ŷ = {yhat:.4f}, J = {loss:.4f}")
        return self.figure, {"z2": z2, "ŷ": yhat, "J": loss, "dJ/dŷ": float(outer),
                             "dJ/dz2": float(inner)}


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
        super().__init__({"step": slider("training step", self.steps[-1], options=self.steps)})

    def build_figure(self):
        """The figure, once: the data and the loss curve; render moves the network's curves,
        the mark and the title."""
        hidden = len(self.history[0][1][1])
        self.figure = figures.Picture(figsize=(7.5, 3.0))
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.89, wspace=0.25)
        fit, curve = self.figure.subplots(1, 2)
        self.units = [fit.plot([], [], lw=0.8, color="0.6", alpha=0.7)[0] for _ in range(hidden)]
        self.units[0].set_label("hidden units a1")
        data, = fit.plot(self.x[:, 0], self.y[:, 0], "o", ms=3.5, color=ORANGE, label="data y")
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
