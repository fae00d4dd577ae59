"""Assignment 13: softmax, cross-entropy and the logistic loss, forward and backward, on batches of
logits in rows, stable for huge and tiny logits.

The expected values are the definitions themselves computed in 50-digit decimal arithmetic, whose
exponent range is so wide that e^z neither overflows nor underflows for any logit the checks use:
no shift, no trick, so nothing here is the answer a student writes in floating point.
"""
from decimal import Decimal, localcontext

import numpy as np

from course.checks import Exercise, Mistake
from course.numgrad import numerical_gradient

_DIGITS = 50


def _exps(row):
    """e^z of each logit of a row, as Decimals (call inside a wide local context)."""
    return [Decimal(float(z)).exp() for z in row]


def exact_softmax(Z):
    """The softmax of each row of Z (N, C) by its definition e^z / sum e^z, in 50 digits.
    Returns (N, C) floats (probabilities far below 1e-308 round to 0)."""
    with localcontext(prec=_DIGITS):
        rows = []
        for row in np.asarray(Z, dtype=float):
            exps = _exps(row)
            total = sum(exps)
            rows.append([float(e / total) for e in exps])
    return np.array(rows)


def _row_loss(row, label):
    """-log of the softmax probability of the label in one row of logits, ln(sum e^z) - z_label,
    as a Decimal (call inside a wide local context)."""
    return sum(_exps(row)).ln() - Decimal(float(row[label]))


def exact_cross_entropy(Z, y):
    """The mean cross-entropy of logits Z (N, C) against labels y (N,), by its definition, in 50
    digits. Returns a float."""
    with localcontext(prec=_DIGITS):
        return float(sum(_row_loss(row, label) for row, label in zip(np.asarray(Z, float), y))
                     / len(y))


def _cross_entropy_gradient(Z, y):
    """dL/dZ (N, C) of the mean cross-entropy, by centered differences of each row's exact loss
    (the rows' losses are independent). Each nudged loss is taken minus the loss at the row itself
    in decimal arithmetic, so the differences keep all their digits even where the loss is huge."""
    Z = np.asarray(Z, dtype=float)

    def gradient(row, label):
        with localcontext(prec=_DIGITS):
            here = _row_loss(row, label)

            def change(nudged):
                with localcontext(prec=_DIGITS):
                    return float(_row_loss(nudged, label) - here)
            return numerical_gradient(change, row)
    return np.array([gradient(row, label) for row, label in zip(Z, y)]) / len(y)


def exact_logistic_loss(z, y):
    """The mean logistic loss of logits z (N,) against labels y (N,) of 0 and 1, by its
    definition -log sigma(z) for y = 1 and -log(1 - sigma(z)) = -log sigma(-z) for y = 0, that is
    ln(1 + e^(-z)) and ln(1 + e^z), in 50 digits. Returns a float."""
    with localcontext(prec=_DIGITS):
        losses = [(1 + Decimal(float(-v if label else v)).exp()).ln()
                  for v, label in zip(np.asarray(z, float), y)]
        return float(sum(losses) / len(losses))


# ------------------------------------------------------------------------------ hidden cases

def _labels(rng, n, classes):
    return rng.integers(0, classes, size=n)


def _logit_cases(rng):
    """Four batches of logits Z (N, C), N from 1 to 4 (2 to 4 for the huge ones) and C from 2 to
    5, with labels y (N,): moderate logits; huge logits, rows at levels 500 to 1000 alternately
    above and below 0 (so at least 1000 apart), each with one logit 800 to 1500 below the rest of
    its row, the first row's label on it (exp overflows above 709 and underflows below -745, and
    that label's probability underflows); rows of large negative logits only; logits within
    1e-6 of 0 (all classes almost equally likely)."""
    cases = []
    for kind in ("moderate", "huge", "negative", "near zero"):
        n, classes = int(rng.integers(2 if kind == "huge" else 1, 5)), int(rng.integers(2, 6))
        Z, y = rng.uniform(-3, 3, size=(n, classes)), _labels(rng, n, classes)
        if kind == "huge":
            signs = (-1.0) ** np.arange(n)[:, None]
            Z += signs * rng.uniform(500, 1000, size=(n, 1))
            low = rng.integers(0, classes, size=n)
            Z[np.arange(n), low] -= rng.uniform(800, 1500, size=n)
            y[0] = low[0]
        elif kind == "negative":
            Z -= rng.uniform(750, 2000, size=(n, 1))
        elif kind == "near zero":
            Z *= 1e-6 / 3
        cases.append({"Z": Z, "y": y})
    return cases


def _binary_cases(rng):
    """Three batches of logits z (N,), N from 1 to 6, with labels y of 0 and 1: moderate logits,
    logits of size 40 to 1000 either sign (sigma(z) rounds to exactly 0 or 1), and logits within
    1e-6 of 0."""
    cases = []
    for scale in (lambda n: rng.uniform(-5, 5, n),
                  lambda n: rng.choice([-1.0, 1.0], n) * rng.uniform(40, 1000, n),
                  lambda n: rng.uniform(-1e-6, 1e-6, n)):
        n = int(rng.integers(1, 7))
        cases.append({"z": scale(n), "y": rng.integers(0, 2, size=n)})
    return cases


def _without(name, cases):
    return lambda rng: [{k: v for k, v in case.items() if k != name} for case in cases(rng)]


# ---------------------------------------------------------------------------- the mistakes

def _exps_shifted(Z):
    return np.exp(Z - Z.max(axis=1, keepdims=True))


def _naive_softmax(Z):
    with np.errstate(all="ignore"):
        exps = np.exp(Z)
        return exps / np.sum(exps, axis=1, keepdims=True)


def _one_hot(y, classes):
    return np.eye(classes)[y]


def _rows(y):
    return np.arange(len(y))


_SHIFT = ("subtract each row's largest logit before exp: the softmax is unchanged, and e^z then "
          "lies between 0 and 1 (e^z overflows to inf above z = 709 and underflows to 0 below "
          "z = -745, in double precision)")

_NO_SHIFT = Mistake("no-shift", f"exp of the raw logits lost the answer: {_SHIFT}.",
                    lambda Z: (_naive_softmax(Z),))

softmax = Exercise(
    name="softmax", arguments=("Z",), outputs=("P",),
    visible=({"Z": np.array([[-744.0, -745.5, -746.0], [0.5, -1.0, 2.0], [3.0, 3.0, -2.0]])},
             {"Z": np.array([[1.0, -2.0, 0.0, 4.0], [2.5, 2.5, -1.0, 0.0]])}),
    draw_hidden=_without("y", _logit_cases),
    expect=lambda Z: (exact_softmax(Z),),
    hint="each row is one example: exponentiate its logits after making them safe for exp, and "
         "divide by that row's own total, so that every row sums to 1.",
    mistakes=(
        _NO_SHIFT,
        Mistake("normalised-over-columns", "each column sums to 1: the total was taken down the "
                "batch (axis 0). Every row is one example, and its probabilities share the total "
                "of that row (axis 1).",
                lambda Z: (_exps_shifted(Z) / _exps_shifted(Z).sum(axis=0, keepdims=True),)),
        Mistake("normalised-over-batch", "the whole batch sums to 1: the total was taken over "
                "every entry. Every row is one example, and its probabilities share the total of "
                "that row alone.", lambda Z: (_exps_shifted(Z) / _exps_shifted(Z).sum(),)),
        Mistake("total-not-kept-as-column", "each row was divided by the totals of other rows: "
                "the row totals, a vector of shape (N,), broadcast along the columns, so column j "
                "was divided by the total of row j. Keep them as a column, shape (N, 1) "
                "(keepdims=True), to divide each row by its own.",
                lambda Z: (_exps_shifted(Z) / _exps_shifted(Z).sum(axis=1),))))


def _mean_loss(log_p):
    """The cross-entropy from the log-probabilities of the labels, one per row."""
    return -float(np.mean(log_p))


def _shifted_and_log_totals(Z):
    """Z less each row's max (N, C), and the log of each row's total of exponentials (N,)."""
    shifted = Z - np.max(Z, axis=1, keepdims=True)
    return shifted, np.log(np.exp(shifted).sum(axis=1))


def _log_softmax_of_labels(Z, y):
    """log p of each label, by the log-sum-exp of the shifted row."""
    shifted, log_totals = _shifted_and_log_totals(Z)
    return shifted[_rows(y), y] - log_totals


def _fancy_indexed(Z, y):
    shifted, log_totals = _shifted_and_log_totals(Z)
    return (_mean_loss(shifted[:, y] - log_totals),)


def _log_of_softmax(Z, y):
    with np.errstate(divide="ignore"):
        exps = _exps_shifted(Z)
        return (_mean_loss(np.log(exps / exps.sum(axis=1, keepdims=True))[_rows(y), y]),)


def _unshifted(Z, y):
    with np.errstate(all="ignore"):
        return (_mean_loss(Z[_rows(y), y] - np.log(np.exp(Z).sum(axis=1))),)


# three examples, four classes: moderate logits, every label different
_BATCH = {"Z": np.array([[1.0, -2.0, 0.0, 4.0], [2.5, 2.5, -1.0, 0.0], [0.0, 1.0, -3.0, 2.0]]),
          "y": np.array([3, 0, 1])}

_LABELS = ("y holds one class index per row, so the logit of row i's label is Z[i, y[i]]: index "
           "with the row numbers and the labels together")

cross_entropy = Exercise(
    name="cross_entropy", arguments=("Z", "y"), outputs=("L",),
    visible=(_BATCH,
             {"Z": np.array([[-744.0, -745.0, -750.0], [2.0, -1.0, 0.5]]), "y": np.array([0, 2])},
             {"Z": np.array([[744.0, 0.0, 1.0], [0.5, 1.5, -0.5]]), "y": np.array([1, 1])}),
    draw_hidden=_logit_cases,
    expect=lambda Z, y: (exact_cross_entropy(Z, y),),
    hint="-log p of the label is the log of the row's total of exponentials minus the label's "
         "logit; shift the row first and take the log of the total, never the log of a "
         "probability that may have rounded to 0; then average over the rows.",
    mistakes=(
        Mistake("summed-not-averaged", "the losses of the rows were added up: the loss of a "
                "batch is their mean, so that it does not grow with the batch size.",
                lambda Z, y: (len(y) * _mean_loss(_log_softmax_of_labels(Z, y)),)),
        Mistake("labels-index-every-row", f"Z[:, y] is an N x N table, every label's logit in "
                f"every row: {_LABELS}.", _fancy_indexed),
        Mistake("no-shift", f"the log of the total of e^z lost the answer: {_SHIFT}.", _unshifted),
        Mistake("log-of-softmax", "the log of a softmax probability lost the answer: a "
                "probability far below 1e-308 rounds to 0 (or to a few bits), and its log to "
                "-inf. log p = (z_label - max) - log(sum of e^(z - max)) never takes the log of "
                "a rounded probability.", _log_of_softmax)))


def _gradient_with(Z, y, probabilities=None, subtract=None, scale=None):
    """dZ as a mistaken backward pass computes it: probabilities (default: the right ones), minus
    subtract (default: the one-hot labels), times scale (default: 1 / N)."""
    P = exact_softmax(Z) if probabilities is None else probabilities
    Y = _one_hot(y, Z.shape[1]) if subtract is None else subtract
    return ((P - Y) * (1 / len(y) if scale is None else scale),)


def _every_label_column(Z, y):
    subtract = np.zeros(Z.shape)
    subtract[:, y] = 1.0
    return _gradient_with(Z, y, subtract=subtract)


softmax_cross_entropy_backward = Exercise(
    name="softmax_cross_entropy_backward", arguments=("Z", "y"), outputs=("dZ",),
    visible=(_BATCH,
             {"Z": np.array([[-744.0, -745.5, -746.0], [-2.0, 0.0, 1.0]]), "y": np.array([2, 1])},
             {"Z": np.array([[1000.0, 998.0, -1000.0], [0.0, 0.0, 0.0]]), "y": np.array([2, 0])}),
    draw_hidden=_logit_cases,
    expect=lambda Z, y: (_cross_entropy_gradient(Z, y),),
    hint="differentiate one example's loss, its log-sum-exp minus the label's logit, with respect "
         "to each of its logits (the derivative of a log-sum-exp is a softmax); then mind that the "
         "batch's loss is the mean over its rows.",
    mistakes=(
        Mistake("not-divided-by-N", "every entry is N times too large: the loss is the mean over "
                "the N rows of the batch, so each row's gradient carries the factor 1/N.",
                lambda Z, y: _gradient_with(Z, y, scale=1.0)),
        Mistake("one-taken-everywhere", "1 was taken away from every probability: the one-hot "
                "label y is 1 at the label and 0 elsewhere, so only the label's entry of each "
                "row loses 1 (and every row of dZ sums to 0).",
                lambda Z, y: _gradient_with(Z, y, subtract=np.ones(Z.shape))),
        Mistake("sign-flipped", "the gradient has the wrong sign: raising the label's logit "
                "lowers the loss, so dZ is negative at the label, p - 1, and positive elsewhere.",
                lambda Z, y: _gradient_with(Z, y, scale=-1 / len(y))),
        Mistake("labels-index-every-row", f"1 was taken away in the column of every label of the "
                f"batch, in every row: P[:, y] picks whole columns; {_LABELS}.",
                _every_label_column),
        Mistake("no-shift", f"the probabilities came from exp of the raw logits: {_SHIFT}.",
                lambda Z, y: _gradient_with(Z, y, probabilities=_naive_softmax(Z)))))


def _logistic(z, y, signs, scale=None):
    """A mistaken logistic loss: ln(1 + e^(-s z)) with signs s, averaged (or times scale)."""
    t = -signs * z
    losses = np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t)))
    return (float(np.mean(losses) if scale is None else scale * np.mean(losses)),)


def _through_sigmoid(z, y):
    with np.errstate(all="ignore"):
        sigma = 1 / (1 + np.exp(-z))
        return (-float(np.mean(y * np.log(sigma) + (1 - y) * np.log(1 - sigma))),)


logistic_loss = Exercise(
    name="logistic_loss", arguments=("z", "y"), outputs=("L",),
    visible=({"z": np.array([2.0, -1.0, 0.5]), "y": np.array([1, 0, 0])},
             {"z": np.array([30.0, -4.0, 12.0, 0.0]), "y": np.array([0, 1, 1, 0])}),
    draw_hidden=_binary_cases,
    expect=lambda z, y: (exact_logistic_loss(z, y),),
    hint="both labels give a loss of the form log(1 + e^t) for some t made from z and the label; "
         "compute it without ever forming e^t for a large t, nor 1 - sigma(z) for a large z, "
         "and average over the batch.",
    mistakes=(
        Mistake("summed-not-averaged", "the losses of the examples were added up: the loss of a "
                "batch is their mean.", lambda z, y: _logistic(z, y, 2 * y - 1, scale=len(y))),
        Mistake("plus-minus-labels", "this is the formula for labels -1 and +1, log(1 + e^(-y z)): "
                "here the labels are 0 and 1, and with y = 0 it gives log 2 whatever z is. Turn "
                "the label into a sign first (2 y - 1).", lambda z, y: _logistic(z, y, y)),
        Mistake("sign-flipped", "the loss is negative: it is minus the log of a probability, and "
                "a probability's log is never above 0.",
                lambda z, y: _logistic(z, y, 2 * y - 1, scale=-1.0)),
        Mistake("log-of-sigmoid", "log(1 - sigma(z)) lost the answer: for z above about 37, "
                "sigma(z) rounds to 1 and 1 - sigma(z) to 0 (or to a few bits) before the log is "
                "taken. ln(1 + e^t) = max(t, 0) + ln(1 + e^-|t|) never does.", _through_sigmoid)))

EXERCISES = (softmax, cross_entropy, softmax_cross_entropy_backward, logistic_loss)
