"""Assignment 09: forward and backward pass of a one-hidden-layer sigmoid network (z/a notation)."""
import numpy as np

from course.assignments.sigmoid_network.forward import (
    WORKED,
    sigmoid_network_loss,
    sigmoid_network_output,
    sigmoid_network_values,
)
from course.checks import Exercise, Mistake, cache_outputs, with_cache
from course.exercises.kit import BIAS_SUMS, LOSS_SIGN, number_question, scaled, transposed
from course.numgrad import input_gradients

_WEIGHTS = ("W1", "b1", "W2", "b2")


def _case(rng, examples, inputs, hidden, outputs):
    """A random network and batch: x (N, D), y (N, K) with targets in (0, 1)."""
    return {"W1": rng.uniform(-2, 2, (hidden, inputs)), "b1": rng.uniform(-1, 1, hidden),
            "W2": rng.uniform(-2, 2, (outputs, hidden)), "b2": rng.uniform(-1, 1, outputs),
            "x": rng.uniform(-2, 2, (examples, inputs)),
            "y": rng.uniform(0, 1, (examples, outputs))}


def _random_cases(rng):
    """Three batches of random sizes; the first holds a single example (N = 1)."""
    sizes = [(1, *rng.integers(1, 5, size=3))] + [tuple(rng.integers(1, 6, size=4))
                                                  for _ in range(2)]
    return [_case(rng, *(int(s) for s in size)) for size in sizes]


# A batch of 3 examples, 4 inputs, 3 hidden units and 2 outputs: every shape differs, so a
# transposed gradient or a bias gradient that is not summed over the batch shows as a wrong shape.
_BATCH = _case(np.random.default_rng(9), 3, 4, 3, 2)
_BATCH = {name: np.round(value, 1) for name, value in _BATCH.items()}

_VISIBLE = (WORKED, _BATCH)

_CACHED = ("x", "z1", "a1", "z2", "a2")   # sigmoid_network_forward's cache


def _forward_values(W1, b1, W2, b2, x, yhat="a2"):
    """yhat, then the cache's values in _CACHED order, as a forward pass computes them that
    returns the value named yhat as yhat (z2: a network without its output sigmoid)."""
    values = {"x": x, **sigmoid_network_values(W1, b1, W2, b2, x)}
    return (values[yhat], *(values[name] for name in _CACHED))


def _gradients(**case):
    """(dW1, db1, dW2, db2) of a case, by centered differences of the loss."""
    return input_gradients(sigmoid_network_loss, case, _WEIGHTS)


def _bias_rows(**case):
    """The gradients with db1 and db2 not summed over the batch: one row per example, each the
    bias gradient of that example alone."""
    dW1, _, dW2, _ = _gradients(**case)
    alone = [_gradients(**{**case, "x": case["x"][[n]], "y": case["y"][[n]]})
             for n in range(len(case["x"]))]
    return dW1, np.array([g[1] for g in alone]), dW2, np.array([g[3] for g in alone])


def _output_slope_skipped(**case):
    """The gradients when delta2 is yhat - y, without the output sigmoid's slope: the true
    gradients for the target y' that makes yhat - y' = (yhat - y) / (yhat (1 - yhat))."""
    yhat = sigmoid_network_output(*(case[name] for name in (*_WEIGHTS, "x")))
    return _gradients(**{**case, "y": yhat - (yhat - case["y"]) / (yhat * (1 - yhat))})


sigmoid_network_forward = Exercise(
    name="sigmoid_network_forward", arguments=("W1", "b1", "W2", "b2", "x"),
    outputs=cache_outputs("yhat", _CACHED),
    visible=tuple({k: v for k, v in case.items() if k != "y"} for case in _VISIBLE),
    draw_hidden=lambda rng: [{k: v for k, v in case.items() if k != "y"}
                             for case in _random_cases(rng)],
    expect=_forward_values,
    call=lambda functions, case: with_cache("sigmoid_network_forward", functions[0](
        *(case[a] for a in ("W1", "b1", "W2", "b2", "x"))), "yhat", _CACHED),
    hint="each layer is an affine step and then a sigmoid, done for every row of x at once: let "
         "the shapes (x is N by D, W1 is H by D) decide how a weight matrix enters the product, "
         "add the bias to every row, and remember that the output is a sigmoid too.",
    mistakes=(
        Mistake("no-output-sigmoid", "yhat is z2, the weighted sum: this network passes its output "
                "through a sigmoid too, yhat = a2 = sigma(z2).",
                lambda **case: _forward_values(**case, yhat="z2")),
        Mistake("no-biases", "the biases are missing: each affine step adds its bias to every row, "
                "z = a W^T + b (numpy broadcasts b).",
                lambda W1, b1, W2, b2, x: _forward_values(W1, 0 * b1, W2, 0 * b2, x)),
        Mistake("W1-not-transposed", "the rows of x were multiplied by W1, not by its transpose: "
                "W1 is (H, D) and a row of x has D entries, so z1 = x W1^T + b1. With a square W1 "
                "both products run and only the values differ.",
                lambda W1, b1, W2, b2, x: _forward_values(np.transpose(W1), b1, W2, b2, x))))

sigmoid_network_backward = Exercise(
    name="sigmoid_network_backward", arguments=("W1", "b1", "W2", "b2", "x", "y"),
    outputs=tuple("d" + name for name in _WEIGHTS), visible=_VISIBLE, draw_hidden=_random_cases,
    expect=_gradients,
    hint="walk the picture right to left, one step at a time. The loss's gradient is positive "
         "where the prediction is too large; a sigmoid step multiplies by its slope, read off its "
         "saved output; an affine step sends a gradient to its weights, its bias and its input, "
         "each shaped like its variable, and the shared weights and bias add up over the rows.",
    mistakes=(
        Mistake("loss-sign-flipped", f"every gradient has the wrong sign: {LOSS_SIGN}. "
                "dJ/dyhat = yhat - y.", scaled(_gradients, -1.0)),
        Mistake("biases-not-summed", f"db1 and db2 have one row per example: {BIAS_SUMS}, and "
                "each has the shape of its bias.", _bias_rows),
        Mistake("weights-transposed", "dW1 and dW2 are transposed: each has the shape of its "
                "weight, (gradient on z)^T times the layer's input. With a square W1 only the "
                "values show it.", transposed(_gradients, 0, 2)),
        Mistake("output-slope-skipped", "delta2 skipped the output sigmoid: yhat = sigma(z2), so "
                "the gradient on z2 is (yhat - y) times its slope yhat (1 - yhat), elementwise.",
                _output_slope_skipped)))

sigmoid_network_question_1 = number_question(
    "sigmoid_network_question_1", -0.7, 0.05,
    hint="in the explorer of the single output unit, move z2 to the left from 2 a step at a time "
         "and watch dJ/dz2 in the readout (not J, not dJ/dŷ): its size does not keep growing.",
    wrong=(("most-wrong", -6.0, "at the left end the prediction is at its worst and J at its "
            "largest, but dJ/dz2 also carries the sigmoid's slope, which is almost 0 where the "
            "sigmoid is flat: read the size of dJ/dz2 itself."),
           ("steepest-sigmoid", 0.0, "the sigmoid is steepest at z2 = 0, but dJ/dz2 is its slope "
            "times the error, and the error keeps growing past 0: read dJ/dz2 on both sides."),
           ("not-moved", 2.0, "2 is where the slider starts, a good prediction with a small "
            "gradient: move z2 to the left and watch dJ/dz2.")))

EXERCISES = (sigmoid_network_forward, sigmoid_network_backward, sigmoid_network_question_1)
