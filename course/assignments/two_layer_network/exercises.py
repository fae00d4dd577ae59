"""Assignment 08: the backward pass of the two-layer tanh network, and a gradient descent step."""
import numpy as np

from course.assignments.two_layer_network.forward import WORKED, WORKED_STEP, measured_gradients
from course.checks import CHANGED_IN_PLACE, Exercise, Mistake
from course.exercises.kit import LOSS_SIGN, scaled, transposed
from course.functions import two_layer_values

_SIGNALS = ("dx3", "dx2", "dx1", "dW0", "dW1")


def _network_case(rng, hidden, inputs):
    return {"W0": rng.uniform(-2, 2, (hidden, inputs)), "W1": rng.uniform(-2, 2, hidden),
            "x0": rng.uniform(-2, 2, inputs), "y": float(rng.uniform(-1, 1))}


def _network_cases(rng):
    """Three random networks of random sizes, square W0 never guaranteed."""
    return [_network_case(rng, int(rng.integers(1, 5)), int(rng.integers(1, 5)))
            for _ in range(3)]


# 3 hidden units and 4 inputs: W0 is not square, so a transposed dW0 has the wrong shape.
_WIDE = {"W0": np.array([[0.5, -1.0, 0.2, 0.0], [1.5, 0.3, -0.7, 1.0], [-0.4, 0.8, 0.6, -1.2]]),
         "W1": np.array([0.7, -1.1, 0.4]), "x0": np.array([1.0, -0.5, 2.0, 0.3]), "y": -0.4}

def _signals(W0, W1, x0, y):
    """(dx3, dx2, dx1, dW0, dW1) of a case, by centered differences."""
    measured = measured_gradients(W0, W1, x0, y)
    return tuple(measured[name[1:]] for name in _SIGNALS)


def _tanh_slope_on_x1(W0, W1, x0, y):
    """The signals when tanh's slope is taken as 1 - x1^2, on its input: dx1 and each row of dW0
    scaled by the ratio of that slope to the true one."""
    dx3, dx2, dx1, dW0, dW1 = _signals(W0, W1, x0, y)
    x1 = two_layer_values(W0, W1, x0, y)["x1"]
    ratio = (1 - x1**2) / (1 - np.tanh(x1) ** 2)
    return dx3, dx2, dx1 * ratio, dW0 * ratio[:, None], dW1


def _dW1_from_x1(W0, W1, x0, y):
    dx3, dx2, dx1, dW0, _ = _signals(W0, W1, x0, y)
    return dx3, dx2, dx1, dW0, dx3 * two_layer_values(W0, W1, x0, y)["x1"]


two_layer_backward = Exercise(
    name="two_layer_backward", arguments=("W0", "W1", "x0", "y"), outputs=_SIGNALS,
    visible=(WORKED, _WIDE), draw_hidden=_network_cases,
    expect=_signals,
    hint="go backward from x3 - y: a linear layer sends its weights times the gradient on its "
         "output to its input, and (gradient on output) times (its input) to its weights, shaped "
         "like them (an outer product for W0); tanh multiplies by 1 - x2**2.",
    mistakes=(
        Mistake("loss-sign-flipped", f"dx3 has the wrong sign, and with it every gradient: "
                f"{LOSS_SIGN}. dx3 = x3 - y.", scaled(_signals, -1.0)),
        Mistake("tanh-slope-on-x1", "dx1 used 1 - x1^2, on tanh's input: the slope of tanh is "
                "1 - tanh(x1)^2 = 1 - x2^2, read off its output.", _tanh_slope_on_x1),
        Mistake("dW0-transposed", "dW0 is transposed: it has the shape of W0, (H, D), so it is the "
                "outer product of dx1 (length H) with x0 (length D), in that order; with a square "
                "W0 only the values show it.", transposed(_signals, 3)),
        Mistake("dW1-from-x1", "dW1 used x1: W1 multiplies x2 = tanh(x1), and a weight's gradient "
                "is the gradient on the product times the value the weight multiplies.",
                _dW1_from_x1)))


def _slides_update(W, jacobian, eta):
    """The update as the slides write it: W + eta * (dL/dW)^T, where their dL/dW is the
    Jacobian (row) layout of the gradient, and eta is negative (-0.2) for a descent step."""
    return W + eta * np.transpose(jacobian)


def _step_cases(rng):
    cases = []
    for shape in [(int(rng.integers(1, 5)), int(rng.integers(1, 5))), (int(rng.integers(1, 6)),)]:
        cases.append({"W": rng.uniform(-3, 3, shape), "dW": rng.uniform(-1, 1, shape),
                      "learning_rate": float(rng.uniform(0.01, 1.0))})
    return cases


sgd_step = Exercise(
    name="sgd_step", arguments=("W", "dW", "learning_rate"), outputs=("W_new",),
    visible=({"W": WORKED["W0"], "dW": np.array([[0.5, -1.0], [2.0, 0.25]]),
              "learning_rate": WORKED_STEP},
             {"W": np.array([1.0, -1.0, 3.0]), "dW": np.array([-0.5, 0.5, 1.0]),
              "learning_rate": 0.1}),
    draw_hidden=_step_cases,
    expect=lambda W, dW, learning_rate: (_slides_update(W, np.transpose(dW), -learning_rate),),
    hint="the gradient points uphill: move W a learning_rate-sized step against it; dW has "
         "the shape of W, so no transpose is needed.",
    mistakes=(
        Mistake(CHANGED_IN_PLACE, "W -= learning_rate * dW changes the caller's W itself: "
                "the notebook goes on using the weights it passed in (the printed numbers, the "
                "next training run start from them). W - learning_rate * dW makes a new array; "
                "return that and leave W as it was.", None),
        Mistake("uphill", "W moved along the gradient, uphill: the gradient points where L grows "
                "fastest, so a descent step goes against it.",
                lambda W, dW, learning_rate: (_slides_update(W, np.transpose(dW), learning_rate),)),
        Mistake("transposed", "the step used dW transposed, as the slides' row layout needs: here "
                "dW has the shape of W already. With a square W no shape warns you, and the "
                "off-diagonal updates land on the wrong weights.",
                lambda W, dW, learning_rate: (_slides_update(W, dW, -learning_rate),)),
        Mistake("no-learning-rate", "the step is the whole gradient: scale it by learning_rate.",
                lambda W, dW, learning_rate: (_slides_update(W, np.transpose(dW), -1.0),))))

EXERCISES = (two_layer_backward, sgd_step)
