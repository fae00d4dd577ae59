"""Forward passes of assignment 11: 1-D convolution and 1-D max pooling, and their numerical
gradients.

Conventions (the exercises and their checks follow them):

* conv1d(x, w): x has length N, the kernel w length k < N. The input is padded with zeros so that
  the output has length N too: padding(k) = ((k - 1) // 2, k // 2) zeros before and after, so an
  odd k pads (k - 1) / 2 on each side and an even k one zero more after than before. Output i is
  sum_j w[j] * padded[i + j]: the kernel is not flipped (what deep learning libraries call
  convolution; mathematicians call it cross-correlation).
* maxpool1d(x, size, stride): windows x[s : s + size] for s = 0, stride, 2 stride, ... as long as
  the window fits inside x (no padding), so the output has length (N - size) // stride + 1 and
  inputs after the last window are read by no output. A window whose maximum is tied sends its
  whole gradient to the FIRST (leftmost) of the tied inputs.

This module holds forward passes only; gradients are centered differences (course.numgrad).
"""
import numpy as np

from course.numgrad import input_gradients


def padding(k):
    """(zeros before, zeros after) the input for a kernel of length k: ((k - 1) // 2, k // 2)."""
    return (k - 1) // 2, k // 2


def conv1d(x, w):
    """Same-length 1-D convolution (no kernel flip) with zero padding as in padding(len(w)).

    x: shape (N,); w: shape (k,), k < N. Returns shape (N,): out[i] = sum_j w[j] padded[i + j].
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    before, after = padding(len(w))
    padded = np.concatenate([np.zeros(before), x, np.zeros(after)])
    return np.array([padded[i:i + len(w)] @ w for i in range(len(x))])


def window_starts(n, size, stride):
    """Where the pooling windows of an input of length n start: 0, stride, ... while they fit."""
    return range(0, n - size + 1, stride)


def maxpool1d(x, size, stride):
    """1-D max pooling without padding. x: shape (N,); size, stride: ints, 1 <= size <= N.

    Returns shape (M,), M = (N - size) // stride + 1: out[i] = max(x[i stride : i stride + size]).
    """
    x = np.asarray(x, dtype=float)
    return np.array([np.max(x[s:s + size]) for s in window_starts(len(x), size, stride)])


def tie_broken(x):
    """(a copy of x nudged so that among equal values the first is largest, a safe step h).

    Each x[i] is lowered by i * tau, with tau a quarter of the smallest gap between distinct
    values divided by len(x): the order of unequal values is kept, equal values become ordered
    left to right, and every gap is then at least tau. Centered differences with a step h = tau / 8
    never cross a tie, so they follow the tie rule of maxpool1d exactly.
    """
    x = np.asarray(x, dtype=float)
    gaps = np.diff(np.unique(x))
    tau = (gaps.min() if gaps.size else 1.0) / (4 * len(x))
    return x - tau * np.arange(len(x)), tau / 8


def pool_input_gradient(x, dout, size, stride):
    """Gradient of sum(dout * maxpool1d(x, size, stride)) on x, by centered differences on
    tie_broken(x) (ties go to the first maximum). x: shape (N,); dout: shape (M,). Returns (N,)."""
    nudged, h = tie_broken(x)
    return input_gradients(lambda x: maxpool1d(x, int(size), int(stride)), {"x": nudged},
                           ("x",), dout, h=h)[0]
