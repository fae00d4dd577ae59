"""Forward functions and data that several assignments share: the sigmoid, the worked two-layer
tanh network of the slides (seeds/NOTES.md) and the two-moons data set. Backward passes are the
students' to write.
"""
from __future__ import annotations

import numpy as np


def sigmoid(x: float | np.ndarray) -> float | np.ndarray:
    """The logistic function 1 / (1 + e^-x), elementwise; x: float or array."""
    return 1.0 / (1.0 + np.exp(-x))


# ---------------------------------------------------------------- the worked two-layer tanh network

def squared_error(x3: float | np.ndarray, y: float | np.ndarray) -> float | np.ndarray:
    """The Euclidean loss 1/2 (x3 - y)^2; floats or arrays of one shape, elementwise."""
    return 0.5 * (x3 - y) ** 2


def two_layer_values(W0: np.ndarray, W1: np.ndarray, x0: np.ndarray,
                     y: float) -> dict[str, float | np.ndarray]:
    """Every value of the forward pass x1 = W0 x0, x2 = tanh(x1), x3 = W1 . x2,
    L = 1/2 (x3 - y)^2 for one example.

    W0: (H, D); W1: (H,); x0: (D,); y: float. Returns a dict with x1 and x2, arrays of shape
    (H,), and x3 and L, floats.
    """
    values = {"x1": np.dot(W0, x0)}
    values["x2"] = np.tanh(values["x1"])
    values["x3"] = float(np.dot(W1, values["x2"]))
    values["L"] = float(squared_error(values["x3"], y))
    return values


def two_layer_loss(W0: np.ndarray, W1: np.ndarray, x0: np.ndarray, y: float) -> float:
    """The loss L of one example (shapes as in two_layer_values); a float."""
    return two_layer_values(W0, W1, x0, y)["L"]


# ---------------------------------------------------------------- a data set

def two_moons(count: int = 100, noise: float = 0.12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles in the plane, count points each, with Gaussian noise.

    Returns (X, labels): X of shape (2 count, 2), the upper moon's points first; labels of shape
    (2 count,), 0 for the upper moon and 1 for the lower one.
    """
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, np.pi, size=(2, count))
    upper = np.stack([np.cos(angle[0]), np.sin(angle[0])], axis=1)
    lower = np.stack([1 - np.cos(angle[1]), 0.5 - np.sin(angle[1])], axis=1)
    X = np.concatenate([upper, lower]) - [0.5, 0.25] + rng.normal(0, noise, size=(2 * count, 2))
    return X, np.repeat([0.0, 1.0], count)
