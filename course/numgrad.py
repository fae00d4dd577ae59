"""Numerical derivatives by centered differences, and the relative error used to compare gradients.

Everything in the course that shows or checks a gradient gets it from here, by nudging inputs of a
forward function: the package holds no backward rule of its own.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

STEP = 1e-5

# How to read relative_error between a backward pass and float64 centered differences at h near
# STEP: the one table every notebook quotes. (upper bound, verdict), in increasing order.
GRADIENT_CHECK = ((1e-6, "the gradients agree"),
                  (1e-3, "look closer: a kink near an input, entries near 0, or a step that does "
                         "not suit the function"),
                  (np.inf, "a bug"))
_step = ContextVar("step", default=STEP)


@contextmanager
def step(h: float) -> Iterator[None]:
    """Within this block (in this thread), the functions here nudge by h where no step is given."""
    token = _step.set(h)
    try:
        yield
    finally:
        _step.reset(token)


def centered_difference(f: Callable[[float], float], x: float, h: float | None = None) -> float:
    """Estimate f'(x) for a scalar function as (f(x + h) - f(x - h)) / (2 h).

    f: float -> float; x, h: floats (h default: STEP, or the step set by `step`). Returns a float.
    The error shrinks like h**2 until rounding (about 1e-16 / h) takes over.
    """
    h = _step.get() if h is None else h
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f: Callable[..., float], x: float | np.ndarray,
                       h: float | None = None) -> float | np.ndarray:
    """Gradient of a scalar function of an array, one centered difference per element.

    f: array of shape S -> float; x: float or array of shape S. Returns an array of shape S
    (a float when x is a float). x is not modified. h: as in centered_difference.
    """
    h = _step.get() if h is None else h
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    nudged = x.copy()
    for i in np.ndindex(x.shape):
        nudged[i] = x[i] + h
        above = f(nudged if x.shape else float(nudged))
        nudged[i] = x[i] - h
        below = f(nudged if x.shape else float(nudged))
        nudged[i] = x[i]
        grad[i] = (above - below) / (2 * h)
    return grad if x.shape else float(grad)


def rowwise_gradient(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                     h: float | None = None) -> np.ndarray:
    """Gradient of a scalar function of a vector, one centered difference per element, with
    every nudged copy of x evaluated in one call.

    f: array of shape (N, D) -> array of shape (N,), f of each row; x: shape (D,). Returns an
    array of shape (D,): numerical_gradient's numbers (up to rounding), in one call, not 2 D.
    h: as in centered_difference.
    """
    h = _step.get() if h is None else h
    x = np.asarray(x, dtype=float)
    nudges = h * np.eye(len(x))
    values = f(np.concatenate([x + nudges, x - nudges]))
    return (values[:len(x)] - values[len(x):]) / (2 * h)


def input_gradients(forward: Callable[..., float | np.ndarray], inputs: Mapping[str, float | np.ndarray],
                    wrt: Iterable[str], upstream: float | np.ndarray = 1.0,
                    h: float | None = None) -> tuple[float | np.ndarray, ...]:
    """Gradients of sum(upstream * forward(**inputs)) with respect to the inputs named in wrt.

    forward: function of keyword arguments returning a float or an array of shape O;
    inputs: dict name -> float or array; wrt: names of the inputs to differentiate;
    upstream: float or array of shape O, the gradient arriving at the output.
    Returns a tuple with one gradient per name in wrt, each shaped like that input.
    """
    upstream = np.asarray(upstream, dtype=float)

    def weighted_output(name):
        def f(value):
            return float(np.sum(upstream * forward(**{**inputs, name: value})))
        return f

    return tuple(numerical_gradient(weighted_output(name), inputs[name], h) for name in wrt)


def relative_error(a: float | np.ndarray, b: float | np.ndarray, floor: float = 1e-8) -> float:
    """Largest elementwise |a - b| / max(|a| + |b|, floor), the usual gradient-check measure.

    a, b: floats or arrays of one shape. Returns a float, read with GRADIENT_CHECK.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))
