"""The forward passes of assignment 16, given to students: batch and layer normalisation of a batch
in rows, with a learned scale gamma and shift beta per feature. The expected gradients are their
centered differences."""
import numpy as np


def standardised(x, axis, eps):
    """x (N, D) less its mean along axis, divided by the square root of its variance along axis
    (the mean square of the centred values) plus eps. Returns an array (N, D)."""
    off = x - np.mean(x, axis=axis, keepdims=True)
    return off / np.sqrt(np.mean(off * off, axis=axis, keepdims=True) + eps)


def batchnorm_forward(x, gamma, beta, eps):
    """Batch normalisation in training mode: each feature (column) of x standardised over the
    batch, then scaled by gamma and shifted by beta.

    x: (N, D), one example per row; gamma, beta: (D,); eps: a small positive float that keeps
    the division safe. Returns out: (N, D).
    """
    return gamma * standardised(x, 0, eps) + beta


def layernorm_forward(x, gamma, beta, eps):
    """Layer normalisation: each example (row) of x standardised over its own features, then
    scaled by gamma and shifted by beta, per feature as in batch normalisation.

    x: (N, D); gamma, beta: (D,); eps: a small positive float. Returns out: (N, D).
    """
    return gamma * standardised(x, 1, eps) + beta
