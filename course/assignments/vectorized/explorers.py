"""The shape explorer of assignment 06: pick the sizes of a matrix product and see which products
of its matrices are defined, what shape each gives, and which could be a gradient.

It answers only for the column layout D = W X, whose gradients the notebook derives (and whose
exercise comes before it). For the row layout D = X W, the next graded exercise, it shows the
shapes alone: which products and transposes fit is for the student to find.
"""
import ipywidgets as widgets

from course import figures
from course.assignments.vectorized.forward import candidates, shape_text
from course.controls import menu, slider
from course.explorers import Explorer
from course.figures import BLUE, GREEN, ORANGE

LARGEST = 10  # the largest size a slider offers


def shapes(layout, m, n, p):
    """The shapes of W, X and D (and so dD) for m outputs, n inputs and a batch of p examples.

    layout "columns": D = W X with W (m, n), X (n, p), D (m, p); layout "rows": D = X W with
    X (p, n), W (n, m), D (p, m). Returns a dict name -> (rows, columns).
    """
    if layout == "columns":
        return {"W": (m, n), "X": (n, p), "D": (m, p)}
    return {"X": (p, n), "W": (n, m), "D": (p, m)}


def gradient_candidates(layout, m, n, p):
    """For dW and dX: the shape each must have and the 8 products that could build it.

    dW is built from dD and X, dX from W and dD (each appears once, like the single-number
    multiply gate's dw = dD x and dx = w dD). Returns a dict "dW" | "dX" -> (target shape,
    [(expression, shape or None), ...]).
    """
    s = shapes(layout, m, n, p)
    return {"dW": (s["W"], candidates(("dD", s["D"]), ("X", s["X"]))),
            "dX": (s["X"], candidates(("W", s["W"]), ("dD", s["D"])))}


class ShapeExplorer(Explorer):
    """Dimension analysis for D = W X (columns) or D = X W (rows). Controls: the layout, and the
    sizes m (outputs), n (inputs) and p (batch), 1 to 10 each. Picture: the forward product as
    blocks drawn to scale. Below it (self.products, HTML): in the column layout, for dW and for
    dX, the 8 products of the two matrices it must come from, each with its shape, or a cross
    where inner sizes differ, green where the shape is the one the gradient needs; in the row
    layout, only the shape each gradient must have and the matrices it is built from. Readout:
    the sizes and, in the column layout, how many products fit each gradient.
    """

    number_format = "g"
    COLORS = {"W": ORANGE, "X": BLUE, "D": "0.45"}

    def __init__(self, layout="columns", m=5, n=10, p=3):
        self.products = widgets.HTML()
        layouts = [("columns: D = W X", "columns"), ("rows: D = X W", "rows")]
        super().__init__({"layout": menu("layout", layouts, layout),
                          "m": slider("m (outputs)", m, 1, LARGEST),
                          "n": slider("n (inputs)", n, 1, LARGEST),
                          "p": slider("p (batch)", p, 1, LARGEST)})
        self.children = (*self.controls.values(), self.picture, self.products, self.readout)

    def build_figure(self):
        """The figure, once; render moves the blocks, the signs and the labels."""
        from matplotlib.patches import Rectangle

        self.figure = figures.Picture(figsize=(8.4, 2.5))
        ax = self.figure.add_axes((0.01, 0.01, 0.98, 0.98))
        ax.set_xlim(-0.5, 3 * LARGEST + 8.5)
        ax.set_ylim(-1.6, LARGEST + 0.3)
        ax.set_aspect("equal", adjustable="box")
        ax.axis("off")
        self.blocks = {name: ax.add_patch(Rectangle((0, 0), 1, 1, facecolor=color, alpha=0.35,
                                                    edgecolor=color, lw=1.2))
                       for name, color in self.COLORS.items()}
        self.block_labels = {name: ax.text(0, 0, "", ha="center", va="top", fontsize=9)
                             for name in self.COLORS}
        self.signs = [ax.text(0, 0, sign, ha="center", va="center", fontsize=13)
                      for sign in ("×", "=")]

    def render(self, values):
        layout = values["layout"]
        m, n, p = values["m"], values["n"], values["p"]
        s = shapes(layout, m, n, p)
        order = ("W", "X", "D") if layout == "columns" else ("X", "W", "D")
        left, gap, middle = 0.0, 2.6, LARGEST - 0.5
        for k, name in enumerate(order):
            rows, cols = s[name]
            self.blocks[name].set_bounds(left, LARGEST - rows, cols, rows)
            self.block_labels[name].set(x=left + cols / 2, y=LARGEST - rows - 0.3,
                                        text=f"{'D and dD' if name == 'D' else name}  "
                                             f"{shape_text(s[name])}")
            left += cols + gap
            if k < 2:
                self.signs[k].set(x=left - gap / 2, y=middle)

        numbers = {"m": m, "n": n, "p": p}
        columns = []
        for name, (target, products) in gradient_candidates(layout, m, n, p).items():
            if layout == "columns":
                numbers[f"products that fit {name}"] = sum(shape == target for _, shape in products)
                columns.append(_product_table(name, target, products))
            else:
                columns.append(_shapes_only(name, target, s))
        if layout != "columns":
            columns.append("<p style='max-width:22em'>Which product of the two, with which "
                           "transposes, has that shape? That is yours to find, in the exercise "
                           "below.</p>")
        self.products.value = ("<div style='display:flex; gap:40px'>" + "".join(columns)
                               + "</div>")
        return self.figure, numbers


def _shapes_only(name, target, s):
    """HTML: the shape the gradient name needs and the shapes of the two matrices it comes from,
    with no product and no verdict."""
    sources = ("dD", "X") if name == "dW" else ("W", "dD")
    rows = [f"<tr><td colspan=2><b>{name} must be {shape_text(target)}, like {name[1:]}: "
            f"built from {' and '.join(sources)}</b></td></tr>"]
    for source in sources:
        rows.append(f"<tr><td style='padding:0 16px 0 6px'><code>{source}</code></td>"
                    f"<td>{shape_text(s['D' if source == 'dD' else source])}</td></tr>")
    return "<table>" + "".join(rows) + "</table>"


def _product_table(name, target, products):
    """HTML: a title saying what shape the gradient name needs, then one row per product."""
    sources = "dD and X" if name == "dW" else "W and dD"
    rows = [f"<tr><td colspan=2><b>{name} must be {shape_text(target)}, like {name[1:]}: "
            f"built from {sources}</b></td></tr>"]
    for expression, shape in products:
        if shape is None:
            color, verdict = "0.6", "✗ inner sizes differ"
        elif shape == target:
            color, verdict = GREEN, f"{shape_text(shape)} ✓ fits {name}"
        else:
            color, verdict = "#222", f"{shape_text(shape)}, wrong shape"
        rows.append(f"<tr style='color:{color}'><td style='padding:0 16px 0 6px'>"
                    f"<code style='color:{color}'>{expression}</code></td>"
                    f"<td>{verdict}</td></tr>")
    return "<table>" + "".join(rows) + "</table>"
