"""Assignment 17: the 8 x 8 handwritten digits (see LICENCE.md), and the forward passes of a
network whose batches are rows, X (N, D), one example per row.

The images are read when this module is imported, so that a notebook never opens a file.
"""
from importlib import resources

import numpy as np

CLASSES = 10
PIXEL_MAX = 16   # a pixel counts the inked dots of a 4 x 4 block: 0 to 16


def _read():
    with resources.files(__package__).joinpath("digits.npz").open("rb") as stored:
        data = np.load(stored)
        return data["images"], data["labels"].astype(int)


IMAGES, LABELS = _read()   # (1797, 8, 8) uint8 pixels 0..16; (1797,) ints 0..9


def as_rows(images):
    """Images (N, 8, 8) of pixels 0..16 as rows of features (N, 64), floats between 0 and 1."""
    return np.asarray(images).reshape(len(images), -1) / PIXEL_MAX


def split(count, validation, seed=0):
    """Indices of count examples, shuffled with seed and cut in two: (training, validation), int
    arrays of count - validation and of validation indices, with no index in both."""
    order = np.random.default_rng(seed).permutation(count)
    return order[validation:], order[:validation]


def affine_rows(X, W, b):
    """An affine layer on a batch in rows: X (N, D), W (D, H), b (H,) -> X W + b, (N, H)."""
    return X @ W + b


def relu_rows(X):
    """ReLU of every entry: X (N, H) -> max(X, 0), (N, H)."""
    return np.maximum(X, 0.0)


def mean_cross_entropy(logits, labels):
    """The mean over the rows of -log softmax(logits)[i, labels[i]]: logits (N, C) floats, labels
    (N,) ints 0..C-1 -> a float, by log-sum-exp (np.logaddexp never overflows)."""
    label_logits = np.take_along_axis(logits, np.asarray(labels)[:, None], axis=1)[:, 0]
    return float(np.mean(np.logaddexp.reduce(logits, axis=1) - label_logits))


def network_logits(X, parameters):
    """Logits (N, 10) of the two-layer network affine, ReLU, affine on X (N, 64); parameters:
    dict with W1 (64, H), b1 (H,), W2 (H, 10), b2 (10,)."""
    hidden = relu_rows(affine_rows(X, parameters["W1"], parameters["b1"]))
    return affine_rows(hidden, parameters["W2"], parameters["b2"])


def initial_parameters(hidden, rng, last_scale=0.01):
    """Parameters of the network for H = hidden units: W1 (64, H) with He's scale sqrt(2 / 64),
    W2 (H, 10) with small entries of size last_scale (so every logit starts near 0), biases 0."""
    return {"W1": rng.normal(0.0, np.sqrt(2.0 / 64), size=(64, hidden)), "b1": np.zeros(hidden),
            "W2": rng.normal(0.0, last_scale, size=(hidden, CLASSES)), "b2": np.zeros(CLASSES)}
