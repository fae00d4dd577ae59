"""Explorers of assignment 11: which inputs each output of a 1-D convolution or max pooling
reads, and where its gradient goes back.

Inputs are drawn as a row of boxes at the bottom, outputs as a row at the top. Grey lines show
what an output reads in the forward pass, red ones where gradient flows in the backward pass.
Gradients are centered differences (see the forward module, course.numgrad); the lines follow the
forward definition.
"""
from itertools import zip_longest

import numpy as np

from course import figures
from course.assignments.conv_pool.forward import (
    conv1d,
    maxpool1d,
    padding,
    pool_input_gradient,
    window_starts,
)
from course.blitting import animate
from course.controls import slider
from course.explorers import Explorer
from course.figures import ORANGE, PALE_ORANGE, PALE_RED, RED
from course.numgrad import input_gradients

GREY = "0.55"  # the lines of the forward pass
IN_Y, OUT_Y, BOX = 0.0, 2.0, 0.8  # rows of the inputs and outputs; box width and height


def _box(ax, x, y, text, face="w", dashed=False, edge="0.2"):
    """A box centred at (x, y) with a text in it; returns (rectangle, text)."""
    from matplotlib.patches import Rectangle

    rectangle = ax.add_patch(Rectangle((x - BOX / 2, y - BOX / 2), BOX, BOX, facecolor=face,
                                       edgecolor=edge, ls="--" if dashed else "-", lw=0.8))
    return rectangle, ax.text(x, y, text, ha="center", va="center", fontsize=7.5)


def _fill(rectangle, face):
    """Give rectangle this face colour, leaving it unstale if it has it (see course.blitting)."""
    from matplotlib.colors import to_rgba

    if rectangle.get_facecolor() != to_rgba(face):
        rectangle.set_facecolor(face)


def _frame(ax, left, right, title):
    ax.set_xlim(left - 0.6, right + 0.6)
    ax.set_ylim(IN_Y - 0.9, OUT_Y + 0.6)
    ax.axis("off")
    return ax.set_title(title, fontsize=8.5, y=0.98, loc="left")


class ConvExplorer(Explorer):
    """Same-length 1-D convolution of a 7-long input with the first k entries of a fixed kernel.
    Sliders: k (1 to 5), an output i, an input m. Top panel (values): the k padded inputs output
    i reads, each through w[j]. Bottom panel (gradients): the outputs that read x[m], each sending
    dout[i] w[j] back to it; near the ends fewer outputs reach x[m], because some of the
    positions its kernel would need are padding. Readout: y[i], how many outputs read x[m], and
    dx[m] for dout = all ones (centered differences): the sum of the weights on the red lines.
    Every artist is animated and a panel's links are redrawn only when they change, so a move
    repaints only what it changes (see course.blitting).
    """

    X = np.array([2.0, -1.0, 3.0, 0.0, 1.0, -2.0, 4.0])
    KERNEL = np.array([1.0, -2.0, 0.5, 3.0, -1.0])

    def __init__(self, k=3, i=0, m=0):
        n = len(self.X)
        super().__init__({"k": slider("kernel length k", k, 1, 5, 1),
                          "i": slider("output i", i, 0, n - 1, 1),
                          "m": slider("input m", m, 0, n - 1, 1)})

    def build_figure(self):
        """The figure, once: two panels of boxes, links and titles, all animated, that render
        moves."""
        n = len(self.X)
        self.figure = figures.Picture(figsize=(7.0, 3.6))
        self.figure.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.93, hspace=0.12)
        self.axes = self.figure.subplots(2, 1)
        self.inputs, self.outputs, self.links, self.titles = [], [], [], []
        for ax, color, names in zip(self.axes, (GREY, RED), (False, True)):
            positions = range(-2, n + 2)  # kernels up to 5 long need at most 2 zeros a side
            self.inputs.append({p: _box(ax, p, IN_Y, ("dx[%d]" % p if names else f"{self.X[p]:g}")
                                        if 0 <= p < n else ("pad" if names else "0"),
                                        dashed=not 0 <= p < n) for p in positions})
            self.outputs.append([_box(ax, i, OUT_Y, f"dout[{i}]" if names else "")
                                 for i in range(n)])
            lines = [ax.plot([], [], color=color, lw=1.5 if names else 1.0)[0] for _ in range(5)]
            labels = [ax.text(0, 0, "", fontsize=6.5, color=color, ha="center", va="center",
                              bbox={"facecolor": "w", "edgecolor": "none", "pad": 0.3})
                      for _ in range(5)]
            self.links.append((lines, labels))
            self.titles.append(_frame(ax, -2, n + 1, ""))
            animate(*ax.patches, *ax.texts, *ax.lines, self.titles[-1])
        self.shown = [None, None]  # the (output, input, label) triples each panel shows

    def _draw_links(self, panel, pairs, face_in, face_out, at):
        """Light the boxes and draw a labelled line for each (output, input, label) in pairs,
        unless the panel shows these pairs already."""
        if pairs == self.shown[panel]:
            return
        self.shown[panel] = pairs
        for p, (rectangle, _) in self.inputs[panel].items():
            _fill(rectangle, face_in if p in {q for _, q, _ in pairs} else "w")
        for o, (rectangle, _) in enumerate(self.outputs[panel]):
            _fill(rectangle, face_out if o in {q for q, _, _ in pairs} else "w")
        lines, labels = self.links[panel]
        for n, (line, label) in enumerate(zip(lines, labels)):
            line.set_visible(n < len(pairs))
            label.set_visible(n < len(pairs))
            if n < len(pairs):
                top, bottom, text = pairs[n]
                line.set_data([top, bottom], [OUT_Y - BOX / 2, IN_Y + BOX / 2])
                label.set(x=bottom + at * (top - bottom), text=text,
                          y=IN_Y + BOX / 2 + at * (OUT_Y - IN_Y - BOX))

    def render(self, values):
        k, i, m = (int(round(values[name])) for name in ("k", "i", "m"))
        n, w = len(self.X), self.KERNEL[:k]
        before, after = padding(k)
        out = conv1d(self.X, w)
        for boxes in self.inputs:
            for p, (rectangle, text) in boxes.items():
                rectangle.set_visible(-before <= p < n + after)
                text.set_visible(-before <= p < n + after)
        for (_, text), value in zip(self.outputs[0], out):
            text.set_text(f"{value:g}")
        # forward: output i reads padded positions i - before + j, j = 0 .. k - 1
        read = [i - before + j for j in range(k)]
        self._draw_links(0, [(i, p, f"w[{j}]") for j, p in enumerate(read)],
                         PALE_ORANGE, PALE_ORANGE, 0.3)
        self.titles[0].set_text(f"forward: y[{i}] = " + " + ".join(
            f"w[{j}]·" + (f"x[{p}]" if 0 <= p < n else "0") for j, p in enumerate(read)))
        # backward: x[m] sits at padded position m, read by output o through w[m - o + before]
        readers = [o for o in range(n) if 0 <= m - o + before < k]
        self._draw_links(1, [(o, m, f"w[{m - o + before}]") for o in readers],
                         PALE_RED, PALE_RED, 0.7)
        self.titles[1].set_text(f"backward: dx[{m}] = " + " + ".join(
            f"w[{m - o + before}]·dout[{o}]" for o in readers))
        dx = input_gradients(lambda x: conv1d(x, w), {"x": self.X}, ("x",), np.ones(n))[0]
        return self.figure, {"k": k, "zeros before": before, "zeros after": after,
                             f"y[{i}]": float(out[i]), f"outputs reading x[{m}]": len(readers),
                             f"dx[{m}] (dout = 1)": float(dx[m])}


class PoolExplorer(Explorer):
    """1-D max pooling of a fixed input with ties. Sliders: window size and stride (1 to 4).
    Picture: each output above its window, grey lines to the inputs it reads, a red line to the
    one input its gradient goes to (the first maximum); under each input, its gradient for
    dout = all ones (centered differences), which counts the windows it wins. Inputs that no
    window reads are hatched. Readout: the number of outputs, of inputs read by no window, and
    of inputs that get a gradient.
    """

    X = np.array([1.0, 3.0, 3.0, 0.0, 2.0, 5.0, 5.0, 1.0, 4.0])

    def __init__(self, size=2, stride=2):
        super().__init__({"size": slider("window size", size, 1, 4, 1),
                          "stride": slider("stride", stride, 1, 4, 1)})

    def build_figure(self):
        """The figure, once: boxes, hatches, texts and links, all animated, that render moves."""
        from matplotlib.patches import Rectangle

        n = len(self.X)
        self.figure = figures.Picture(figsize=(7.0, 2.5))
        self.figure.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.9)
        ax = self.figure.subplots()
        self.inputs = [_box(ax, p, IN_Y, f"{value:g}") for p, value in enumerate(self.X)]
        self.unread = [ax.add_patch(Rectangle((p - BOX / 2, IN_Y - BOX / 2), BOX, BOX,
                                              fill=False, hatch="///", edgecolor="0.6", lw=0))
                       for p in range(n)]
        self.gradients = [ax.text(p, IN_Y - 0.68, "", ha="center", fontsize=7.5)
                          for p in range(n)]
        self.outputs = [_box(ax, 0, OUT_Y, "", face=PALE_ORANGE, edge=ORANGE) for _ in range(n)]
        self.links = [ax.plot([], [])[0] for _ in range(4 * n)]  # more than any window size needs
        self.title = _frame(ax, 0, n - 1, "")
        animate(*ax.patches, *ax.texts, *ax.lines, self.title)

    def render(self, values):
        size, stride = int(round(values["size"])), int(round(values["stride"]))
        x = self.X
        starts = list(window_starts(len(x), size, stride))
        out = maxpool1d(x, size, stride)
        dx = pool_input_gradient(x, np.ones(len(out)), size, stride)
        read = {p for s in starts for p in range(s, s + size)}
        for p, ((box, _), hatch, text) in enumerate(zip(self.inputs, self.unread, self.gradients)):
            _fill(box, PALE_RED if dx[p] else "w")
            hatch.set_visible(p not in read)
            text.set(text=f"{dx[p]:g}", color=RED if dx[p] else "0.5")
        links = []  # (output's centre, input, colour, line width)
        for o, ((box, text), s) in enumerate(zip(self.outputs, starts)):
            centre = s + (size - 1) / 2
            box.set_x(centre - BOX / 2)
            text.set(x=centre, text=f"{out[o]:g}")
            winner = int(np.argmax(pool_input_gradient(x, np.eye(len(out))[o], size, stride)))
            links += [(centre, p, GREY, 1.0) for p in range(s, s + size) if p != winner]
            links.append((centre, winner, RED, 1.8))
        for o, (box, text) in enumerate(self.outputs):
            box.set_visible(o < len(out))
            text.set_visible(o < len(out))
        for line, link in zip_longest(self.links, links):
            line.set_visible(link is not None)
            if link:
                top, bottom, color, width = link
                line.set(data=([top, bottom], [OUT_Y - BOX / 2, IN_Y + BOX / 2]), color=color,
                         linewidth=width)
        self.title.set_text(f"size {size}, stride {stride}: {len(out)} outputs.  Red: where "
                            "each output's gradient goes.  Below: dx when every dout is 1")
        return self.figure, {"outputs": len(out), "inputs read by no window": len(x) - len(read),
                             "inputs with a gradient": int(np.count_nonzero(dx))}
