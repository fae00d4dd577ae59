"""Assignment 06: gradients of matrix products, found by dimension analysis."""
import numpy as np

from course.exercises.kit import gradient_exercise, random_cases
from course.vectorized import affine, matmul, matmul_rows


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


matmul_backward = gradient_exercise(
    "matmul_backward", matmul, ("W", "X", "dD"), ("W", "X"), upstream="dD",
    visible=[{"W": np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 1.0]]),
              "X": np.array([[1.0, -1.0], [0.0, 2.0], [3.0, 1.0]]),
              "dD": np.array([[1.0, 0.0], [0.0, -1.0]])},
             _seeded(6, W=(5, 10), X=(10, 3), dD=(5, 3))],
    draw_hidden=_columns_cases,
    hint="dW has the shape of W and is a product of dD and X; dX has the shape of X and is a "
         "product of W and dD: only one arrangement of each (transposes included) fits.")

matmul_rows_backward = gradient_exercise(
    "matmul_rows_backward", matmul_rows, ("X", "W", "dD"), ("X", "W"), upstream="dD",
    visible=[{"X": np.array([[1.0, 2.0], [0.0, -1.0], [2.0, 1.0]]),
              "W": np.array([[1.0, 0.0, -2.0], [3.0, 1.0, 1.0]]),
              "dD": np.array([[1.0, 0.0, 1.0], [-1.0, 2.0, 0.0], [0.0, 1.0, 1.0]])},
             _seeded(7, X=(3, 10), W=(10, 5), dD=(3, 5))],
    draw_hidden=_rows_cases,
    hint="write down the shapes of X, W and dD, then find the one product of dD with W (for dX) "
         "and of X with dD (for dW) that has the shape of the variable.")

affine_backward = gradient_exercise(
    "affine_backward", affine, ("X", "W", "b", "dD"), ("X", "W", "b"), upstream="dD",
    visible=[{"X": np.array([[1.0, 2.0], [0.0, -1.0], [2.0, 1.0]]),
              "W": np.array([[1.0, 0.0, -2.0], [3.0, 1.0, 1.0]]),
              "b": np.array([0.5, -1.0, 2.0]),
              "dD": np.array([[1.0, 0.0, 1.0], [-1.0, 2.0, 0.0], [0.0, 1.0, 1.0]])}],
    draw_hidden=lambda rng: _rows_cases(rng, bias=True),
    hint="X W is the product of the previous exercise; b is added to every row of the batch, so "
         "each example's gradient reaches b and they add up: db has the shape of b.")

EXERCISES = (matmul_backward, matmul_rows_backward, affine_backward)
