"""The explorer of assignment 13: logits and a temperature in, probabilities and the gradient on
the logits out, computed with the student's own softmax and cross_entropy (the course package
holds no softmax of its own)."""
import numpy as np

from course import figures
from course.blitting import animate, frames
from course.controls import menu, slider
from course.explorers import Explorer
from course.figures import BLUE, GREEN, ORANGE
from course.numgrad import numerical_gradient

CLASSES = 3
LOWEST_T = 0.5   # the gradient (p - y) / T then stays within -2 .. 2


class SoftmaxExplorer(Explorer):
    """One example of three classes. Controls: its logits z0, z1, z2 (-10 to 10), a temperature
    T (0.5 to 5) that divides them, and its label. Picture: the probabilities softmax(z / T) as
    bars, the label's in green; below, the gradient of the example's loss -log p_label on each
    logit, by centered differences of cross_entropy. Readout: p0, p1, p2, the loss and
    dL/dz0, dL/dz1, dL/dz2.

    softmax: (N, C) logits -> (N, C) probabilities; cross_entropy: ((N, C) logits, (N,) labels)
    -> the mean loss: the notebook's functions, called on one row."""

    def __init__(self, softmax, cross_entropy, z=(3.0, 1.0, -2.0), temperature=1.0, label=0):
        self.softmax, self.cross_entropy = softmax, cross_entropy
        controls = {f"z{k}": slider(f"z{k}", value, -10.0, 10.0, 0.5) for k, value in enumerate(z)}
        controls["T"] = slider("temperature T", temperature, LOWEST_T, 5.0, 0.25)
        controls["label"] = menu("label", list(range(CLASSES)), label)
        super().__init__(controls)

    def build_figure(self):
        """The figure, once: two rows of bars whose heights, colours and numbers render moves."""
        self.figure = figures.Picture(figsize=(6.0, 3.6))
        self.figure.subplots_adjust(left=0.12, right=0.97, bottom=0.08, top=0.92, hspace=0.35)
        top, bottom = self.figure.subplots(2, 1, sharex=True)
        names = [f"class {k}" for k in range(CLASSES)]
        self.p_bars = top.bar(names, np.zeros(CLASSES), color=BLUE)
        self.g_bars = bottom.bar(names, np.zeros(CLASSES), color=ORANGE)
        top.set_ylim(0, 1.05)
        top.set_ylabel("p = softmax(z / T)", fontsize=8)
        bottom.set_ylim(-2.1, 2.1)
        bottom.axhline(0.0, color="0.5", lw=0.8, zorder=0.5)  # under the bars
        bottom.set_ylabel("dL/dz", fontsize=8)
        self.title = top.set_title("", fontsize=9, y=1)
        for ax in (top, bottom):
            ax.tick_params(labelsize=7)
        animate(*self.p_bars, *self.g_bars, self.title, *frames(top, bottom))

    def render(self, values):
        from matplotlib.colors import to_rgba

        z = np.array([values[f"z{k}"] for k in range(CLASSES)])
        T, label = values["T"], values["label"]
        p = self.softmax(z[None, :] / T)[0]
        loss = float(self.cross_entropy(z[None, :] / T, np.array([label])))
        dz = numerical_gradient(lambda logits: self.cross_entropy(logits[None, :] / T,
                                                                  np.array([label])), z)
        for k in range(CLASSES):   # the numbers are in the readout: redrawing text is slow
            self.p_bars[k].set_height(p[k])
            self.g_bars[k].set_height(dz[k])
            colour = GREEN if k == label else BLUE
            if self.p_bars[k].get_facecolor() != to_rgba(colour):
                self.p_bars[k].set_color(colour)
        # the sliders in the title, short (text is the slow part of a redraw): each move changes
        # the picture, however little the bars move
        self.title.set_text(f"z = ({', '.join(f'{v:.1f}' for v in z)}), T = {T:.2f}")
        numbers = {f"p{k}": float(p[k]) for k in range(CLASSES)}
        numbers["loss"] = loss
        numbers.update({f"dL/dz{k}": float(dz[k]) for k in range(CLASSES)})
        return self.figure, numbers
