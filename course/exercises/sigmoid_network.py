"""Assignment 09: forward and backward pass of a one-hidden-layer sigmoid network (z/a notation)."""
import numpy as np

from course.checks import Exercise
from course.numgrad import input_gradients
from course.sigmoid_network import WORKED, sigmoid_network_loss, sigmoid_network_output

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

sigmoid_network_forward = Exercise(
    name="sigmoid_network_forward", arguments=("W1", "b1", "W2", "b2", "x"), outputs=("yhat",),
    visible=tuple({k: v for k, v in case.items() if k != "y"} for case in _VISIBLE),
    draw_hidden=lambda rng: [{k: v for k, v in case.items() if k != "y"}
                             for case in _random_cases(rng)],
    expect=lambda W1, b1, W2, b2, x: (sigmoid_network_output(W1, b1, W2, b2, x),),
    call=lambda functions, case: functions[0](*(case[a] for a in
                                                ("W1", "b1", "W2", "b2", "x")))[0],
    hint="one example per row of x: multiply the rows by W1 transposed, add b1 to every row, "
         "apply the sigmoid; then the same with W2 and b2.")

sigmoid_network_backward = Exercise(
    name="sigmoid_network_backward", arguments=("W1", "b1", "W2", "b2", "x", "y"),
    outputs=tuple("d" + name for name in _WEIGHTS), visible=_VISIBLE, draw_hidden=_random_cases,
    expect=lambda **case: input_gradients(sigmoid_network_loss, case, _WEIGHTS),
    hint="start from dJ/dyhat = yhat - y (not y - yhat); each sigmoid multiplies by a (1 - a) "
         "elementwise; an affine step gives its weights (gradient on z)^T times its input, its "
         "bias the gradient on z summed over the rows, and its input the gradient on z times W.")

EXERCISES = (sigmoid_network_forward, sigmoid_network_backward)
