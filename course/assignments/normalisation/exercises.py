"""Assignment 16: the backward passes of batch normalisation (staged, and by the closed form) and of
layer normalisation, each on a batch in rows x (N, D) with gamma (D,), the gradient dout (N, D)
arriving at the output, and eps.

Expected gradients are centered differences of the given forward passes. The layer's output does
not change when a column (a row, for layer normalisation) of x is shifted, so x is differentiated
about that column's mean, with a step relative to the spread the layer divides it by: a feature of
tiny variance, or inputs of size 1e5, are differentiated as accurately as inputs of size 1.
"""
import numpy as np

from course.assignments.normalisation.forward import batchnorm_forward, layernorm_forward
from course.checks import Mistake
from course.exercises.kit import gradient_exercise
from course.numgrad import input_gradients, numerical_gradient

ARGUMENTS = ("x", "gamma", "dout", "eps")
WRT = ("x", "gamma", "beta")


def _expect(forward, axis):
    """(x, gamma, dout, eps) -> (dx, dgamma, dbeta) of sum(dout * forward(x, gamma, beta, eps)),
    by centered differences (beta: zeros; the gradients do not depend on it)."""
    def expect(x, gamma, dout, eps):
        centre = np.mean(x, axis=axis, keepdims=True)
        spread = np.sqrt(np.var(x, axis=axis, keepdims=True) + eps)

        def loss(u):   # the layer ignores a shift along axis: x about its centre, in spreads
            return float(np.sum(dout * forward(spread * u, gamma, np.zeros_like(gamma), eps)))
        dgamma, dbeta = input_gradients(lambda gamma, beta: forward(x, gamma, beta, eps),
                                        {"gamma": gamma, "beta": np.zeros_like(gamma)},
                                        ("gamma", "beta"), dout)
        return numerical_gradient(loss, (x - centre) / spread) / spread, dgamma, dbeta
    return expect


def _as_computed(x, gamma, dout, eps, axis=0, drop=(), ddof=0, gamma_outside=False, summed=True):
    """(dx, dgamma, dbeta) as a mistaken backward pass computes them: it standardises along axis
    with the variance's divisor N - ddof, leaves out the terms of dx named in drop ("direct": x's
    own path into the normalised values, "mean": the path through the mean, "variance": the path
    through the variance), with gamma_outside multiplies by gamma after the sums over axis instead
    of before, and with summed=False keeps dgamma and dbeta per row, (N, D)."""
    with np.errstate(all="ignore"):
        spread = np.sqrt(np.var(x, axis=axis, ddof=ddof, keepdims=True) + eps)
        xhat = (x - np.mean(x, axis=axis, keepdims=True)) / spread
        dxhat = dout if gamma_outside else dout * gamma
        terms = {"direct": dxhat, "mean": -np.mean(dxhat, axis=axis, keepdims=True),
                 "variance": -xhat * np.mean(dxhat * xhat, axis=axis, keepdims=True)}
        dx = sum(term for name, term in terms.items() if name not in drop) / spread
    dgamma, dbeta = (np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)) if summed else (dout * xhat, dout)
    return (gamma * dx if gamma_outside else dx), dgamma, dbeta


def _mistake(name, diagnosis, **how):
    """A Mistake whose returns are _as_computed's with these options."""
    return Mistake(name, diagnosis, lambda x, gamma, dout, eps: _as_computed(
        **{"x": x, "gamma": gamma, "dout": dout, "eps": eps, **how}))


def _cases(rng, across):
    """Four hidden cases, x (N, D) with N and D from 3 to 6: moderate inputs; a short side of 1 or
    2 along the axis normalised over (across = "rows": a batch of 1 or 2 examples; "columns": 1 or
    2 features); inputs of size about 1e5 spread by about 1e4; a large eps, with one column (or
    row) almost constant."""
    cases = []
    for kind in ("moderate", "short", "large", "eps"):
        n, d = (int(size) for size in rng.integers(3, 7, size=2))
        if kind == "short":
            n, d = (int(rng.integers(1, 3)), d) if across == "rows" else (n, int(rng.integers(1, 3)))
        x = rng.uniform(-3, 3, size=(n, d))
        eps = 1e-5
        if kind == "large":
            x = 1e5 * rng.choice([-1.0, 1.0]) + 1e4 * x
        elif kind == "eps":
            eps = float(rng.uniform(0.1, 1.0))
            if across == "rows":
                x[:, 0] = 0.5 + 1e-3 * x[:, 0]
            else:
                x[0] = 0.5 + 1e-3 * x[0]
        cases.append({"x": x, "gamma": rng.uniform(-2, 2, size=d), "dout": rng.uniform(-2, 2, size=(n, d)),
                      "eps": eps})
    return cases


# Visible cases: a batch of 4 with a third feature that barely varies (its variance, 3.5e-4, is
# close enough to eps that leaving eps out shows), and a batch of 3 with a large eps.
_FOUR = {"x": np.array([[1.0, -2.0, 0.5], [3.0, 0.5, 0.52], [-0.5, 1.5, 0.47], [2.0, -1.0, 0.51]]),
         "gamma": np.array([1.5, -0.5, 2.0]),
         "dout": np.array([[0.3, -1.0, 0.8], [-0.6, 0.4, 1.1], [1.2, 0.7, -0.9], [0.1, -0.2, 0.4]]),
         "eps": 1e-5}
_THREE = {"x": np.array([[0.2, 4.0], [-1.3, 2.5], [0.9, 3.1]]), "gamma": np.array([0.7, 1.8]),
          "dout": np.array([[1.0, -0.4], [0.25, 0.9], [-0.6, 0.3]]), "eps": 0.5}

_MEAN = ("every x reaches the loss twice, directly and through the batch's mean (the mean is "
         "subtracted from every row); the mean's gradient, minus the sum of the centred values' "
         "gradients, comes back to each x divided by N")
_VARIANCE = ("the centred values fork: they feed the normalised values directly and the variance "
             "too, so their gradient is the sum of the two paths")
_SUMMED = ("gamma and beta are shared by every row of the batch (broadcast in the forward pass), "
           "so their gradients are sums over the rows: shape (D,)")

FORGOT_MEAN = _mistake("forgot-mean-path", f"the mean was treated as a constant: {_MEAN}.",
                       drop=("mean",))
FORGOT_VARIANCE = _mistake("forgot-variance-path", f"the variance was treated as a constant: "
                           f"{_VARIANCE}.", drop=("variance",))
NO_EPS = _mistake("var-without-eps", "eps was left out: the layer divides by sqrt(var + eps), "
                  "which differs from sqrt(var) where a feature barely varies.", eps=0.0)



def _backward_exercise(name, forward, axis, visible, hint, mistakes):
    """A backward exercise (x, gamma, dout, eps) -> (dx, dgamma, dbeta) of a forward pass that
    normalises along axis (0: over the batch, 1: over the features), with forgot-upstream added
    to its mistakes."""
    return gradient_exercise(name, forward, ARGUMENTS, WRT, upstream="dout",
                             expect=_expect(forward, axis), visible=visible, hint=hint,
                             draw_hidden=lambda rng: _cases(rng, ("rows", "columns")[axis]),
                             mistakes=mistakes)


batchnorm_backward_staged = _backward_exercise(
    "batchnorm_backward_staged", batchnorm_forward, 0, visible=(_FOUR, _THREE),
    hint="walk the graph backward one stage at a time: where a value feeds two stages its "
         "gradient is the sum of both, and where a per-feature value (D,) was broadcast over the "
         "rows its gradient is a sum over the rows.",
    mistakes=(
        _mistake("equals-at-fork", f"only the path through the variance reached the centred "
                 f"values: {_VARIANCE} (+= at the fork, not =).", drop=("direct", "mean")),
        FORGOT_MEAN, FORGOT_VARIANCE,
        _mistake("not-summed-over-batch", f"dgamma and dbeta have one row per example: {_SUMMED}.",
                 summed=False)))

batchnorm_backward = _backward_exercise(
    "batchnorm_backward", batchnorm_forward, 0, visible=(_THREE, _FOUR),
    hint="collect the staged pass's terms per feature: the gradient arriving at x-hat, less its "
         "mean over the batch (the path through the mean), less x-hat times the batch's mean of "
         "that gradient times x-hat (the path through the variance), all times s; gamma is "
         "constant down a column, so those sums are gamma times dbeta and dgamma.",
    mistakes=(
        FORGOT_MEAN, FORGOT_VARIANCE,
        _mistake("divided-by-N-1", "the variance was divided by N - 1: batch normalisation "
                 "standardises with the batch's own variance, the mean of the squared centred "
                 "values, a division by N (numpy's var does this unless ddof=1).", ddof=1),
        NO_EPS))

layernorm_backward = _backward_exercise(
    "layernorm_backward", layernorm_forward, 1,
    visible=({**_FOUR, "x": np.array([[1.0, -2.0, 0.5], [0.5, 0.52, 0.47], [3.0, 0.5, -1.5],
                                       [2.0, -1.0, 0.51]])},   # its second row barely varies
             {**_THREE, "x": np.array([[0.2, 4.0], [-1.3, 2.5], [0.9, 0.95]])}),
    hint="the same three paths as in batch normalisation, with every mean and sum taken over the "
         "features of a row; gamma differs from feature to feature, so it belongs inside those "
         "sums, while dgamma and dbeta are still sums over the batch.",
    mistakes=(
        _mistake("normalised-over-batch", "the gradient is batch normalisation's: the means and "
                 "sums went down the batch (axis 0); layer normalisation standardises each row "
                 "over its own features (axis 1).", axis=0),
        _mistake("gamma-outside-sum", "gamma was taken out of the sums over the features: in "
                 "batch normalisation it is constant along the batch and factors out, but here "
                 "the sums run over the features, and each feature has its own gamma, so the "
                 "sums are of dout * gamma, not gamma times sums of dout.", axis=1, gamma_outside=True),
        _mistake("forgot-mean-path", "each row's mean was treated as a constant: every x reaches "
                 "the loss directly and through its row's mean, so the mean's gradient comes back "
                 "to each feature of the row, divided by D.", axis=1, drop=("mean",)),
        _mistake("var-without-eps", NO_EPS.diagnosis, axis=1, eps=0.0)))

EXERCISES = (batchnorm_backward_staged, batchnorm_backward, layernorm_backward)
