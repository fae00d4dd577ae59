"""The toy network of assignment 10, and the embedding lookup.

A small network trained offline (with a fixed seed) on the two moons (course.functions.two_moons),
whose weights are written here as constants:

    score(x) = w2 . tanh(W1 x + b1) + b2,    P(class 1 | x) = sigmoid(score(x)),

with x of shape (2,) (or (..., 2) for many points) and 3 hidden units. Only forward passes live
here; every gradient the course shows is a centered difference (course.numgrad).
"""
import numpy as np

from course.functions import sigmoid
from course.numgrad import rowwise_gradient

# The trained network (3 hidden units, 98.5% of course.functions.two_moons() right); see the
# module docstring.
W1 = np.array([[-3.290, -2.447],
               [2.883, -1.790],
               [-3.287, 1.597]])
b1 = np.array([-0.254, -2.924, -3.237])
w2 = np.array([4.570, 4.955, -4.840])
b2 = 0.032


def hidden(x, W1=W1, b1=b1):
    """The hidden layer tanh(W1 x + b1). x: shape (D,) or (..., D); W1: (H, D); b1: (H,).
    Returns shape (H,) or (..., H)."""
    return np.tanh(np.asarray(x) @ np.asarray(W1).T + b1)


def score(x, W1=W1, b1=b1, w2=w2, b2=b2):
    """The network's output w2 . tanh(W1 x + b1) + b2: positive means class 1.

    x: shape (D,) for one point (returns a float) or (..., D) for many (returns shape (...));
    W1: (H, D); b1: (H,); w2: (H,); b2: float. Defaults: the trained weights above.
    """
    out = hidden(x, W1, b1) @ w2 + b2
    return float(out) if np.ndim(out) == 0 else out


def probability(x, **weights):
    """P(class 1 | x) = sigmoid(score(x)); same shapes as score."""
    return sigmoid(score(x, **weights))


def objective(x, W1=W1, b1=b1, w2=w2, b2=b2, lam=0.1):
    """What unit visualization climbs: score(x) - lam / 2 * ||x||^2.

    x: shape (D,) or (..., D); lam: float >= 0, the strength of the L2 regularizer. Weights as in
    score. Returns a float, or shape (...) for many points.
    """
    return score(x, W1, b1, w2, b2) - 0.5 * lam * np.sum(np.square(x), axis=-1)


def unit_weights(unit=None):
    """Weights (W1, b1, w2, b2) whose score is one unit of the trained net: the output for
    unit=None, hidden unit j (its tanh activation) for unit=j."""
    if unit is None:
        return W1, b1, w2, b2
    return W1, b1, np.eye(len(b1))[unit], 0.0


def score_gradient(x, unit=None, lam=0.0):
    """d objective / dx at x (shape (2,)) for a unit of the trained net, by centered differences."""
    weights = dict(zip(("W1", "b1", "w2", "b2"), unit_weights(unit)), lam=lam)
    return rowwise_gradient(lambda points: objective(points, **weights), x)


def numerical_path(start, steps=60, lr=0.1, lam=0.1, unit=None):
    """Regularized gradient ascent on the input, x <- x + lr * d objective / dx, with gradients by
    centered differences. start: shape (2,). Returns the visited points, shape (steps + 1, 2)."""
    points = [np.asarray(start, dtype=float)]
    for _ in range(steps):
        points.append(points[-1] + lr * score_gradient(points[-1], unit, lam))
    return np.array(points)


def adversarial(x, epsilon, gradient=None):
    """x moved a distance epsilon along the gradient of the score, towards the other class:
    x - epsilon * sign(score(x)) * g / ||g||. x: shape (2,); gradient: g, by centered
    differences when None. Returns shape (2,)."""
    g = score_gradient(x) if gradient is None else np.asarray(gradient, dtype=float)
    return np.asarray(x, dtype=float) - epsilon * np.sign(score(x)) * g / np.linalg.norm(g)


# Embeddings: a lookup table E (V words by d numbers) read at integer ids.
def one_hot(ids, vocabulary):
    """One row per id with a 1 in that id's column. ids: ints, shape (T,). Returns (T, V)."""
    return np.eye(vocabulary)[np.asarray(ids, dtype=int)]


def lookup(ids, E):
    """The rows of E at ids: shape (T, d) for ids of shape (T,) and E of shape (V, d)."""
    return np.asarray(E)[np.asarray(ids, dtype=int)]
