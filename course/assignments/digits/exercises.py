"""Assignment 17, digits: the backward passes training runs on, for batches in rows (an affine
layer, ReLU, softmax with cross-entropy), and the accuracy of a batch of logits.

Expected gradients are centered differences of the forward passes in forward.py. The loss's are
taken at the logits less each row's largest: the softmax, and so the loss, is the same there, and
the differences keep their digits for logits of any size.
"""
import numpy as np

from course.assignments.digits.forward import affine_rows, mean_cross_entropy, relu_rows
from course.checks import Exercise, Mistake
from course.exercises.kit import BIAS_SUMS, gradient_exercise, gradients_of, scaled, transposed
from course.numgrad import numerical_gradient


def _size(rng, low=1, high=5):
    return int(rng.integers(low, high + 1))


# ------------------------------------------------------------------------------- affine layer

def _affine_cases(rng):
    """Three cases of random sizes N, D, H from 1 to 5 (so a batch of one row too)."""
    cases = []
    for _ in range(3):
        n, d, h = _size(rng), _size(rng), _size(rng)
        cases.append({"X": rng.uniform(-3, 3, (n, d)), "W": rng.uniform(-2, 2, (d, h)),
                      "b": rng.uniform(-1, 1, h), "dout": rng.uniform(-2, 2, (n, h))})
    return cases


_AFFINE = gradients_of(affine_rows, ("X", "W", "b"), upstream="dout")


def _with_db(db):
    """(**case) -> the right dX and dW with db(dout) in place of the bias gradient."""
    return lambda **case: (*_AFFINE(**case)[:2], db(case["dout"]))


affine_backward_rows = gradient_exercise(
    "affine_backward_rows", affine_rows, ("X", "W", "b", "dout"), ("X", "W", "b"), upstream="dout",
    expect=_AFFINE, draw_hidden=_affine_cases,
    # a batch of 3 rows, 4 features in, 2 out; then a batch of 2 rows, 2 features in, 3 out
    visible=({"X": np.array([[0.5, -1.0, 2.0, 0.25], [1.5, 0.0, -0.5, 3.0], [-2.0, 1.0, 0.75, -1.0]]),
              "W": np.array([[0.2, -0.7], [1.1, 0.4], [-0.3, 0.9], [0.6, -1.2]]),
              "b": np.array([0.1, -0.2]),
              "dout": np.array([[1.0, -0.5], [0.3, 2.0], [-1.5, 0.8]])},
             {"X": np.array([[2.5, -1.5], [0.4, 3.5]]), "W": np.array([[-0.6, 1.3, 0.2], [0.9, -0.4, 1.7]]),
              "b": np.array([0.3, 0.0, -0.8]), "dout": np.array([[0.7, -1.2, 2.2], [-0.9, 0.6, 1.4]])}),
    hint="every gradient has the shape of its variable: find the product of X, W and dout (one "
         "of them transposed) that has that shape; b was added to every row.",
    mistakes=(
        Mistake("db-averaged", f"db is N times too small: {BIAS_SUMS}, not their mean (the 1/N of "
                "a mean loss is already inside dout).", _with_db(lambda dout: dout.mean(axis=0))),
        Mistake("db-not-summed", f"db has one row per example: {BIAS_SUMS}, shape (H,).",
                _with_db(lambda dout: dout)),
        Mistake("dW-transposed", "dW has the shape (H, D) where W is (D, H): it is the product of "
                "X transposed with dout, in that order, so that each entry pairs an input feature "
                "with an output.", transposed(_AFFINE, 1))))


# ------------------------------------------------------------------------------------- ReLU

def _relu_cases(rng):
    """Three cases X, dout (N, H) with N, H from 1 to 5; X never exactly 0 (ReLU's kink)."""
    return [{"X": rng.uniform(-3, 3, shape), "dout": rng.uniform(-2, 2, shape)}
            for shape in ((_size(rng), _size(rng)) for _ in range(3))]


_RELU = gradients_of(relu_rows, ("X",), upstream="dout")

relu_backward_rows = gradient_exercise(
    "relu_backward_rows", relu_rows, ("X", "dout"), ("X",), upstream="dout", expect=_RELU,
    draw_hidden=_relu_cases,
    visible=({"X": np.array([[1.5, -0.5, 2.0], [-1.0, 0.25, -3.0]]),
              "dout": np.array([[-0.8, 1.2, 0.6], [0.9, -1.5, -0.4]])},
             {"X": np.array([[-2.0, 0.7], [3.0, -0.1], [0.4, 1.1]]),
              "dout": np.array([[1.3, 0.5], [-0.6, 2.0], [-1.1, -0.7]])}),
    hint="ReLU passes a gradient through where its input was positive and stops it elsewhere; "
         "which entries pass is decided by what went into the layer.",
    mistakes=(
        Mistake("gated-by-gradient", "the gradient was stopped where dout is negative: the gate "
                "is decided by the layer's input X (X > 0), not by the sign of the gradient.",
                lambda X, dout: (np.where(dout > 0, dout, 0.0),)),
        Mistake("gate-inverted", "the gradient passed where X is negative and stopped where it is "
                "positive: ReLU's slope is 1 for X > 0 and 0 below.",
                lambda X, dout: (np.where(X < 0, dout, 0.0),)),
        Mistake("output-as-slope", "dout was multiplied by ReLU's output max(X, 0): the slope of "
                "ReLU is 1 where X > 0 and 0 elsewhere, not its value.",
                lambda X, dout: (dout * relu_rows(X),))))


# ---------------------------------------------------------------- softmax with cross-entropy

def _loss_and_gradient(logits, labels):
    """(mean cross-entropy, its gradient (N, C) by centered differences at each row less its
    largest logit)."""
    level = np.max(logits, axis=1)[:, None]
    return (mean_cross_entropy(logits, labels),
            numerical_gradient(lambda Z: mean_cross_entropy(Z, labels), logits - level))


def _softmax_cases(rng):
    """Three batches N from 1 to 6 rows, C from 2 to 10 classes: moderate logits; rows at levels
    500 to 1000 above or below 0 (exp overflows above 709 and underflows below -745); logits
    within 1e-6 of 0, where every class is about equally likely."""
    cases = []
    for kind in ("moderate", "huge", "tiny"):
        n, classes = _size(rng, 1, 6), _size(rng, 2, 10)
        logits = rng.uniform(-4, 4, (n, classes))
        if kind == "huge":
            logits += rng.choice([-1.0, 1.0], (n, 1)) * rng.uniform(500, 1000, (n, 1))
        elif kind == "tiny":
            logits *= 1e-6 / 4
        cases.append({"logits": logits, "labels": rng.integers(0, classes, n)})
    return cases


def _as_computed(logits, labels, shift=True, scale=None, subtract=None, sign=1.0):
    """(loss, dlogits) as a mistaken pass computes them: without the shift (exp of the raw
    logits), the loss and gradient times scale (default: 1/N: the mean), the gradient from
    probabilities minus subtract (default: one-hot labels), times sign."""
    n = len(labels)
    with np.errstate(all="ignore"):
        moved = logits - (np.max(logits, axis=1)[:, None] if shift else 0.0)
        log_total = np.log(np.sum(np.exp(moved), axis=1))[:, None]
        losses = log_total[:, 0] - moved[np.arange(n), labels]
        P = np.exp(moved - log_total)
    Y = np.eye(logits.shape[1])[labels] if subtract is None else subtract
    factor = 1 / n if scale is None else scale
    return float(factor * np.sum(losses)), sign * factor * (P - Y)


def _computed(**how):
    return lambda logits, labels: _as_computed(logits, labels, **how)


def _gradient_times_n(logits, labels):
    loss, dlogits = _loss_and_gradient(logits, labels)
    return loss, len(labels) * dlogits


softmax_cross_entropy_rows = Exercise(
    name="softmax_cross_entropy_rows", arguments=("logits", "labels"), outputs=("loss", "dlogits"),
    visible=({"logits": np.array([[2.0, -1.0, 0.5, 0.0], [0.3, 1.7, -2.0, 1.1], [-0.5, 0.2, 0.9, -1.4]]),
              "labels": np.array([2, 1, 3])},
             {"logits": np.array([[760.0, 757.5, 750.0], [-1.0, 2.5, 0.5]]), "labels": np.array([1, 0])}),
    draw_hidden=_softmax_cases, expect=_loss_and_gradient,
    hint="the loss is a mean over the rows of log-sum-exp of the row less the label's logit, "
         "safe for exp once each row's largest logit is taken away; its gradient on a row is "
         "the row's probabilities with 1 taken away at the label, with the mean's 1/N.",
    mistakes=(
        Mistake("no-shift", "exp of the raw logits overflowed: take each row's largest logit "
                "away first (the softmax does not change, and e^z then lies between 0 and 1).",
                _computed(shift=False)),
        Mistake("summed-not-averaged", "the loss and its gradient are N times too large: the loss "
                "of a batch is the mean of its rows' losses, so that neither it nor the step it "
                "asks for grows with the batch size.", _computed(scale=1.0)),
        Mistake("gradient-not-divided-by-N", "the loss is the mean but the gradient is N times "
                "too large: each row's share of a mean carries the factor 1/N.", _gradient_times_n),
        Mistake("one-taken-everywhere", "1 was taken away from every probability: the one-hot "
                "label is 1 at the label only, so each row of the gradient sums to 0.",
                lambda logits, labels: _as_computed(logits, labels, subtract=np.ones(logits.shape))),
        Mistake("sign-flipped", "the gradient has the wrong sign: raising the label's logit "
                "lowers the loss, so the gradient is negative at the label (p - 1).",
                _computed(sign=-1.0))))


# ----------------------------------------------------------------------------------- accuracy

def _correct(logits, labels):
    """How many rows' largest logit sits at their label (an int)."""
    return sum(int(row.argmax() == label) for row, label in zip(logits, labels))


def _accuracy_cases(rng):
    """Three batches, N from 1 to 8 rows and C from 2 to 10 classes, labels that are the largest
    logit's about half the time."""
    cases = []
    for _ in range(3):
        n, classes = _size(rng, 1, 8), _size(rng, 2, 10)
        logits = rng.normal(0.0, 2.0, (n, classes))
        guessed = np.where(rng.random(n) < 0.5, logits.argmax(axis=1), rng.integers(0, classes, n))
        cases.append({"logits": logits, "labels": guessed})
    return cases


accuracy = Exercise(
    name="accuracy", arguments=("logits", "labels"), outputs=("fraction",),
    visible=({"logits": np.array([[0.2, 1.5, -0.3], [2.1, -0.4, 0.8], [-1.0, -0.2, -0.6],
                                  [0.5, 0.4, 1.9], [3.0, 2.2, 2.9]]), "labels": np.array([1, 2, 1, 2, 0])},
             {"logits": np.array([[-2.0, -0.5, -3.0, -1.5], [1.2, 0.3, 2.6, 0.1], [0.0, 4.0, 3.5, -1.0],
                                  [2.5, -1.0, 0.5, 1.0]]), "labels": np.array([1, 2, 1, 3])}),
    draw_hidden=_accuracy_cases,
    expect=lambda logits, labels: (_correct(logits, labels) / len(labels),),
    hint="a row predicts the class of its largest logit (its index, not its value); the accuracy "
         "is the fraction of rows whose prediction is their label, a number from 0 to 1.",
    mistakes=(
        Mistake("max-not-argmax", "the largest logits themselves were compared with the labels: "
                "a prediction is the index of the largest logit in its row (argmax), not its "
                "value (max).", lambda logits, labels: (float(np.mean(logits.max(axis=1) == labels)),)),
        Mistake("count-not-fraction", "this is the number of rows predicted right: the accuracy "
                "is that number divided by the number of rows N.",
                lambda logits, labels: (float(_correct(logits, labels)),)),
        Mistake("error-rate", "this is the fraction of rows predicted wrong: the accuracy counts "
                "those whose largest logit is at their label.",
                lambda logits, labels: (1 - _correct(logits, labels) / len(labels),)),
        Mistake("percent", "this is a percentage: the accuracy is a fraction from 0 to 1.",
                scaled(lambda logits, labels: (_correct(logits, labels) / len(labels),), 100.0))))

EXERCISES = (affine_backward_rows, relu_backward_rows, softmax_cross_entropy_rows, accuracy)
