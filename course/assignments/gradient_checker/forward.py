"""The functions that assignment 14's gradient checker is tried on.

probe: a smooth scalar function of an array, for checking the checker. The layers: five layers
as a colleague handed them over, each a forward pass and a backward pass (some of which are
wrong), and two more versions of the correct ones with a slip of their own, for the grader's
random line-ups. Every layer works on a batch in rows: X has one example per row.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from course.functions import sigmoid

if TYPE_CHECKING:
    from collections.abc import Callable


def probe(x: np.ndarray, w: np.ndarray) -> float:
    """f(x) = sum(w sin x) + (sum x)^2 / 20. x, w: arrays of one shape. Returns a float."""
    return float(np.sum(w * np.sin(x)) + np.sum(x) ** 2 / 20)


Pair = tuple[np.ndarray, np.ndarray]   # two gradients, of a layer with an input and a parameter


class Layer(NamedTuple):
    """A layer to check. forward(*inputs) -> out, an array; backward(*inputs, dout) -> a tuple
    with the gradient on each input, in the order of inputs, each shaped like its input;
    inputs: a tuple of example inputs (float64 arrays, none of them near a kink)."""
    forward: Callable[..., np.ndarray]
    backward: Callable[..., tuple[np.ndarray, ...]]
    inputs: tuple[np.ndarray, ...]


def layer(forward: Callable[..., np.ndarray], backward: Callable[..., object],
          inputs: tuple[np.ndarray, ...]) -> Layer:
    """A Layer whose backward returns a tuple even for one input (backward may return dx alone
    when there is one input, as the exercises of this course do)."""
    def gradients(*arguments):
        returned = backward(*arguments)
        return (returned,) if len(inputs) == 1 else tuple(returned)
    return Layer(forward, gradients, tuple(inputs))


# ---------------------------------------------------------------- the layers as they were handed over

def absolute_forward(x: np.ndarray) -> np.ndarray:
    """out = |x|, elementwise. x: any shape."""
    return np.abs(x)


def absolute_backward(x: np.ndarray, dout: np.ndarray) -> np.ndarray:
    """dx of out = |x|: the sign of x times dout. x, dout: one shape."""
    return np.sign(x) * dout


def scale_forward(X: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """out = X gamma, each column j of X times gamma[j]. X: (N, D); gamma: (D,). Returns (N, D)."""
    return X * gamma


def scale_backward(X: np.ndarray, gamma: np.ndarray, dout: np.ndarray) -> Pair:
    """(dX, dgamma) of out = X gamma: shapes (N, D) and (D,); gamma is shared by the rows."""
    return gamma * dout, np.einsum("nd,nd->d", X, dout)


def prelu_forward(X: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The parametric ReLU: out = X where X > 0, alpha X elsewhere, alpha[j] the slope below zero
    of column j. X: (N, D); alpha: (D,). Returns (N, D)."""
    return np.where(X > 0, X, alpha * X)


def prelu_backward(X: np.ndarray, alpha: np.ndarray, dout: np.ndarray) -> Pair:
    """(dX, dalpha) of the parametric ReLU: shapes (N, D) and (D,)."""
    below = X <= 0
    dX = np.where(below, alpha, 1.0) * dout
    dalpha = np.mean(below * X * dout, axis=0)
    return dX, dalpha


def silu_forward(x: np.ndarray) -> np.ndarray:
    """The SiLU (swish): out = x sigmoid(x), elementwise. x: any shape."""
    return x * sigmoid(x)


def silu_backward(x: np.ndarray, dout: np.ndarray) -> np.ndarray:
    """dx of out = x sigmoid(x): x reaches out twice, as the factor x and inside the sigmoid."""
    gate = sigmoid(x)
    dx = gate * dout
    dx = x * gate * (1.0 - gate) * dout
    return dx


def softplus_forward(x: np.ndarray) -> np.ndarray:
    """The softplus: out = log(1 + e^x), elementwise, without overflow. x: any shape."""
    return np.logaddexp(0.0, x)


def softplus_backward(x: np.ndarray, dout: np.ndarray) -> np.ndarray:
    """dx of out = log(1 + e^x), whose slope is sigmoid(x)."""
    return sigmoid(x)


# ---------------------------------------------------------------- two more slips, for the grader

def absolute_backward_like_relu(x: np.ndarray, dout: np.ndarray) -> np.ndarray:
    """dx of |x| with the ReLU's rule: dout where x > 0, nothing below."""
    return (x > 0) * dout


def scale_backward_with_x(X: np.ndarray, gamma: np.ndarray, dout: np.ndarray) -> Pair:
    """(dX, dgamma) of out = X gamma with dX multiplied by X where the factor is gamma."""
    return X * dout, np.einsum("nd,nd->d", X, dout)


# kind -> (forward, backward, the names of its inputs); the first five are the notebook's
KINDS = (
    ("absolute", absolute_forward, absolute_backward, ("x",)),
    ("scale", scale_forward, scale_backward, ("X", "gamma")),
    ("prelu", prelu_forward, prelu_backward, ("X", "alpha")),
    ("silu", silu_forward, silu_backward, ("x",)),
    ("softplus", softplus_forward, softplus_backward, ("x",)),
    ("absolute", absolute_forward, absolute_backward_like_relu, ("x",)),
    ("scale", scale_forward, scale_backward_with_x, ("X", "gamma")),
)
HANDED_OVER = 5


def example_inputs(names: tuple[str, ...], rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Inputs for a layer of a batch of 2 to 4 rows of 2 to 4 entries: X and x away from every
    kink (0.2 <= |x| <= 2) with entries of both signs in every column (its first row negative,
    its second positive), gamma in [-2, 2], alpha (a slope below zero) in [0.05, 0.5]."""
    rows, columns = (int(n) for n in rng.integers(2, 5, size=2))

    def batch():
        signs = rng.choice([-1.0, 1.0], (rows, columns))
        signs[:2] = [[-1.0], [1.0]]
        return signs * rng.uniform(0.2, 2, (rows, columns))
    drawn = {"x": batch, "gamma": lambda: rng.uniform(-2, 2, columns),
             "alpha": lambda: rng.uniform(0.05, 0.5, columns)}
    return tuple(drawn[name.lower()]() for name in names)


def line_up(kinds: np.ndarray, seed: int) -> dict[str, Layer]:
    """Layers of these kinds (indices into KINDS) under names that say nothing of their kind,
    with example inputs drawn from seed; the dict keeps the order of kinds."""
    rng = np.random.default_rng(int(seed))
    numbers = rng.choice(900, size=len(kinds), replace=False) + 100
    layers = {}
    for kind, number in zip(kinds, numbers):
        _, forward, backward, names = KINDS[int(kind)]
        layers[f"layer_{number}"] = layer(forward, backward, example_inputs(names, rng))
    return layers


def handed_over(seed: int = 14) -> dict[str, Layer]:
    """The five layers as they were handed over, by name, with example inputs drawn from seed."""
    rng = np.random.default_rng(seed)
    return {name: layer(forward, backward, example_inputs(names, rng))
            for name, forward, backward, names in KINDS[:HANDED_OVER]}
