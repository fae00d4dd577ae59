"""Assignment 06: gradients of matrix products, found by dimension analysis."""
import numpy as np

from course.assignments.vectorized.forward import affine, matmul, matmul_rows
from course.checks import Mistake
from course.exercises.kit import (
    BIAS_SUMS,
    gradient_exercise,
    gradients_of,
    number_question,
    random_cases,
    transposed,
)


def _sizes(rng):
    """Random sizes m (outputs), n (inputs), p (batch) from 1 to 6."""
    return (int(size) for size in rng.integers(1, 7, size=3))


def _columns_cases(rng):
    """D = W X with random sizes: W (m, n), X (n, p), dD (m, p)."""
    cases = []
    for _ in range(3):
        m, n, p = _sizes(rng)
        cases += random_cases(rng, {"W": (m, n), "X": (n, p), "dD": (m, p)}, count=1)
    return cases


def _rows_cases(rng, bias=False):
    """D = X W (+ b) with random sizes: X (p, n), W (n, m), b (m,), dD (p, m)."""
    cases = []
    for _ in range(3):
        m, n, p = _sizes(rng)
        shapes = {"X": (p, n), "W": (n, m), "b": (m,), "dD": (p, m)}
        if not bias:
            del shapes["b"]
        cases += random_cases(rng, shapes, count=1)
    return cases


def _seeded(seed, **shapes):
    """A fixed case of arrays with one decimal, so that a failure message stays readable."""
    rng = np.random.default_rng(seed)
    return {name: np.round(rng.uniform(-2, 2, size=shape), 1) for name, shape in shapes.items()}


_AFFINE_GRADIENTS = gradients_of(affine, ("X", "W", "b"), "dD")

# Each layout of a matrix product: its forward function and formula, its arguments (the two to
# differentiate first), their shapes as text, and for each gradient the product of shapes that
# fits it.
_LAYOUTS = {
    "columns": (matmul, "D = W X", ("W", "X", "dD"), "W (m, n), X (n, p), dD (m, p)",
                (("dW", "(m, p) times (p, n)"), ("dX", "(n, m) times (m, p)"))),
    "rows": (matmul_rows, "D = X W", ("X", "W", "dD"), "X (p, n), W (n, m), dD (p, m)",
             (("dX", "(p, m) times (m, n)"), ("dW", "(n, p) times (p, m)"))),
}
_GRADIENTS = {layout: gradients_of(forward, arguments[:2], "dD")
              for layout, (forward, _, arguments, *_) in _LAYOUTS.items()}

# Square first: every product then runs, and only the values can tell a transposed or reordered
# gradient from the right one.
_SQUARE = {"W": np.array([[1.0, 2.0], [0.0, -1.0]]), "X": np.array([[2.0, 0.0], [1.0, 3.0]]),
           "dD": np.array([[1.0, -1.0], [2.0, 0.0]])}


def _product_exercise(name, layout, visible, draw_hidden, hint):
    """The backward pass of a matrix product in this layout ("columns" or "rows"), with its
    catalogue: the formulas of the other layout (which run only when every size is equal), then
    each gradient transposed."""
    forward, _, arguments, here, fits = _LAYOUTS[layout]
    other, mine = ("rows", "column") if layout == "columns" else ("columns", "row")
    expect, other_expect = _GRADIENTS[layout], _GRADIENTS[other]
    other_formulas = Mistake(
        f"{other}-layout", f"these are the formulas of the {other[:-1]} layout {_LAYOUTS[other][1]} "
        f"(they only run when every size is equal). Here X holds one example per {mine}: redo "
        f"the dimension analysis with the shapes {here}.",
        lambda **case: other_expect(**case)[::-1])
    transposes = (Mistake(f"{gradient}-transposed", f"{gradient} came out transposed. A gradient "
                          "has the shape of its variable, and dimension analysis with sizes that "
                          f"differ finds the one product that fits: {product} (with square "
                          "matrices, shapes alone cannot tell).", transposed(expect, i))
                  for i, (gradient, product) in enumerate(fits))
    return gradient_exercise(name, forward, arguments, arguments[:2], upstream="dD", expect=expect,
                             mistakes=(other_formulas, *transposes), visible=visible,
                             draw_hidden=draw_hidden, hint=hint)


matmul_backward = _product_exercise(
    "matmul_backward", "columns",
    visible=[_SQUARE,
             {"W": np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 1.0]]),
              "X": np.array([[1.0, -1.0], [0.0, 2.0], [3.0, 1.0]]),
              "dD": np.array([[1.0, 0.0], [0.0, -1.0]])},
             _seeded(6, W=(5, 10), X=(10, 3), dD=(5, 3))],
    draw_hidden=_columns_cases,
    hint="a gradient has the shape of its variable: with sizes that differ, dimension analysis "
         "leaves one way to combine the two matrices each gradient comes from.")

matmul_rows_backward = _product_exercise(
    "matmul_rows_backward", "rows",
    visible=[{"X": _SQUARE["X"], "W": _SQUARE["W"], "dD": _SQUARE["dD"]},
             {"X": np.array([[1.0, 2.0], [0.0, -1.0], [2.0, 1.0]]),
              "W": np.array([[1.0, 0.0, -2.0], [3.0, 1.0, 1.0]]),
              "dD": np.array([[1.0, 0.0, 1.0], [-1.0, 2.0, 0.0], [0.0, 1.0, 1.0]])},
             _seeded(7, X=(3, 10), W=(10, 5), dD=(3, 5))],
    draw_hidden=_rows_cases,
    hint="the formulas of the column layout do not carry over: write down the shapes in this "
         "layout and redo the dimension analysis.")


def _bias_gradient(db):
    """A mistake's returns: the expected dX and dW with db computed from dD (p, m) by db(dD)."""
    return lambda **case: (*_AFFINE_GRADIENTS(**case)[:2], db(case["dD"]))


affine_backward = gradient_exercise(
    "affine_backward", affine, ("X", "W", "b", "dD"), ("X", "W", "b"), upstream="dD",
    expect=_AFFINE_GRADIENTS,
    mistakes=(
        Mistake("bias-not-summed", f"db is dD itself, one row per example: {BIAS_SUMS}, and db has "
                "the shape of b.", _bias_gradient(lambda dD: dD)),
        Mistake("bias-summed-over-outputs", f"db sums each row of dD, over the outputs: {BIAS_SUMS}, "
                "one entry per output.", _bias_gradient(lambda dD: np.sum(dD, axis=1))),
        Mistake("bias-averaged", f"db is the mean of the rows of dD, not their sum: {BIAS_SUMS}, "
                "and the loss adds the examples up.", _bias_gradient(lambda dD: np.mean(dD, axis=0)))),
    visible=[{"X": np.array([[1.0, 2.0], [0.0, -1.0], [2.0, 1.0]]),
              "W": np.array([[1.0, 0.0, -2.0], [3.0, 1.0, 1.0]]),
              "b": np.array([0.5, -1.0, 2.0]),
              "dD": np.array([[1.0, 0.0, 1.0], [-1.0, 2.0, 0.0], [0.0, 1.0, 1.0]])},
             {"X": np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]]),
              "W": np.array([[1.0, -1.0], [0.5, 2.0], [0.0, 1.0]]), "b": np.array([-0.5, 1.0]),
              "dD": np.array([[2.0, -1.0], [0.5, 1.0]])}],
    draw_hidden=lambda rng: _rows_cases(rng, bias=True),
    hint="X W is the product of the previous exercise; b is copied into every row of the batch: "
         "what does a copy in the forward pass become in the backward pass?")

vectorized_question_1 = number_question(
    "vectorized_question_1", 2.0, 0.1,
    hint="in the explorer's column layout, make two of the sizes equal and count the green rows "
         "under dW.",
    wrong=(("still-unique", 1.0, "one product fits only while the three sizes all differ: make "
            "two of them equal in the explorer and count again the products that fit dW."),
           ("every-product", 8.0, "all eight fit only when all three sizes are equal: with two "
            "equal, count the products the explorer marks as fitting dW."),
           ("defined-not-fitting", 4.0, "a product that runs need not have the shape of dW: count "
            "only the products the explorer marks as fitting dW, not every one without a "
            "cross.")))

EXERCISES = (matmul_backward, vectorized_question_1, matmul_rows_backward, affine_backward)
