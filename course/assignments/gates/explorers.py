"""The explorer of assignment 03: weight gradients grow with the input's scale."""
import numpy as np

from course import figures
from course.blitting import animate, frames
from course.controls import slider
from course.explorers import Explorer
from course.figures import BLUE, RED
from course.numgrad import input_gradients


class InputScaleExplorer(Explorer):
    """f = w · x for 3-vectors, with the input multiplied by a scale s (slider log10(s) from -1
    to 3). Picture: df/dw, which is the scaled input and so grows with s, beside df/dx, which is
    w and does not; both panels share one axis. Gradients by centered differences.

    w, x: 3 floats each. The axis ends at a round number (1, 1.5, 2, 3, 5 or 7 times a power of
    10) at least 1.3 times the largest bar, so it stays put over most moves.
    """

    number_format = ".4g"
    ROUND = (1, 1.5, 2, 3, 5, 7)

    def __init__(self, w=(2.0, -3.0, 0.5), x=(-1.0, -2.0, 4.0)):
        self.w, self.x = np.array(w, dtype=float), np.array(x, dtype=float)
        super().__init__({"log10_scale": slider("log10(input scale)", 0.0, -1.0, 3.0, 0.05)})

    def build_figure(self):
        """The figure, once: two panels of bars whose heights, labels and axis render moves."""
        self.figure = figures.Picture(figsize=(7.5, 3.0))
        self.figure.subplots_adjust(left=0.1, right=0.98, bottom=0.1, top=0.86, wspace=0.1)
        self.axes = self.figure.subplots(1, 2, sharey=True)
        self.bars, self.labels, zeros = [], [], []
        positions = range(len(self.x))
        for ax, name, color in zip(self.axes, "wx", (RED, BLUE)):
            self.bars.append(ax.bar(positions, 0, color=color, width=0.6))
            self.labels.append([ax.text(i, 0, "", ha="center", fontsize=7) for i in positions])
            ax.set_xticks(positions, [f"{name}{i}" for i in positions])
            zeros.append(ax.axhline(0, color="0.3", lw=0.8))
            ax.set_title(f"df/d{name}", fontsize=9, y=1)  # a given y skips costly auto-placement
            ax.tick_params(labelsize=7)
        self.title = self.axes[0].text(0.5, 0.98, "", ha="center", va="top", fontsize=9,
                                       transform=self.figure.transFigure)  # a suptitle, drawn
        # with the axes: a figure's own animated artists are left out of saved pictures
        animate(*(bar for bars in self.bars for bar in bars), *sum(self.labels, []), *zeros,
                self.title, *frames(*self.axes))

    def axis_end(self, height):
        """The smallest round number (see ROUND) at least height (a float > 0)."""
        power = 10.0 ** np.floor(np.log10(height))
        return next(power * r for r in (*self.ROUND, 10) if power * r >= height)

    def render(self, values):
        scale = 10 ** values["log10_scale"]
        inputs = {"w": self.w, "x": scale * self.x}
        f = float(self.w @ inputs["x"])
        grads = input_gradients(lambda w, x: float(w @ x), inputs, ("w", "x"))
        top = self.axis_end(1.3 * max(np.abs(np.concatenate(grads))))
        for bars, labels, grad in zip(self.bars, self.labels, grads):
            for bar, label, g in zip(bars, labels, grad):
                bar.set_height(g)
                label.set(y=g + 0.03 * top * np.sign(g), text=f"{g:.4g}",
                          va="bottom" if g >= 0 else "top")
        if self.axes[0].get_ylim() != (-top, top):  # else keep the background
            self.axes[0].set_ylim(-top, top)
        self.title.set_text(f"f = w · (s x) = {f:.4g} with input scale s = {scale:.4g}")
        numbers = {"scale": scale, "f": f}
        for name, grad in zip("wx", grads):
            numbers.update({f"df/d{name}{i}": float(g) for i, g in enumerate(grad)})
        return self.figure, numbers
