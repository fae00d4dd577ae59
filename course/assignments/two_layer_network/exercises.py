"""Assignment 08: the backward pass of the two-layer tanh network on a batch, and a gradient
descent step."""
import numpy as np

from course.assignments.two_layer_network.forward import (
    WORKED,
    WORKED_STEP,
    measured_batch_gradients,
)
from course.checks import CHANGED_IN_PLACE, Exercise, Mistake
from course.exercises.kit import LOSS_SIGN, number_question, scaled, transposed

_SIGNALS = ("dX3", "dX2", "dX1", "dW0", "dW1")


def _network_case(rng, rows, hidden, inputs):
    return {"W0": rng.uniform(-2, 2, (hidden, inputs)), "W1": rng.uniform(-2, 2, hidden),
            "X0": rng.uniform(-2, 2, (rows, inputs)), "Y": rng.uniform(-1, 1, rows)}


def _network_cases(rng):
    """Three random networks of random sizes on batches of 1 to 5 rows, square W0 never
    guaranteed."""
    return [_network_case(rng, *(int(size) for size in rng.integers((1, 1, 1), (6, 5, 5))))
            for _ in range(3)]


# The worked example as a batch of one row.
_WORKED_BATCH = {"W0": WORKED["W0"], "W1": WORKED["W1"], "X0": WORKED["x0"][None, :],
                 "Y": np.array([WORKED["y"]])}
# 3 hidden units, 4 inputs and a batch of 2: W0 is not square, so a transposed dW0 has the
# wrong shape, and a missing 1/N doubles every gradient.
_WIDE = {"W0": np.array([[0.5, -1.0, 0.2, 0.0], [1.5, 0.3, -0.7, 1.0], [-0.4, 0.8, 0.6, -1.2]]),
         "W1": np.array([0.7, -1.1, 0.4]),
         "X0": np.array([[1.0, -0.5, 2.0, 0.3], [-0.6, 1.2, 0.4, -1.0]]), "Y": np.array([-0.4, 0.8])}


def _signals(W0, W1, X0, Y):
    """(dX3, dX2, dX1, dW0, dW1) of a case, by centered differences of the mean loss."""
    measured = measured_batch_gradients(W0, W1, X0, Y)
    return tuple(measured[name[1:].lower()] if name[1] == "X" else measured[name[1:]]
                 for name in _SIGNALS)


def _tanh_slope_on_x1(W0, W1, X0, Y):
    """The signals when tanh's slope is taken as 1 - x1^2, on its input: each entry of dX1
    scaled by the ratio of that slope to the true one, and dW0 built from that dX1."""
    dX3, dX2, dX1, dW0, dW1 = _signals(W0, W1, X0, Y)
    before_tanh = X0 @ np.transpose(W0)
    wrong = dX1 * (1 - before_tanh**2) / (1 - np.tanh(before_tanh) ** 2)
    return dX3, dX2, wrong, np.einsum("nh,nd->hd", wrong, X0), dW1


def _dW1_from_x1(W0, W1, X0, Y):
    dX3, dX2, dX1, dW0, _ = _signals(W0, W1, X0, Y)
    return dX3, dX2, dX1, dW0, np.einsum("n,nh->h", dX3, X0 @ np.transpose(W0))


def _weights_averaged_again(W0, W1, X0, Y):
    dX3, dX2, dX1, dW0, dW1 = _signals(W0, W1, X0, Y)
    return dX3, dX2, dX1, dW0 / len(X0), dW1 / len(X0)


two_layer_backward = Exercise(
    name="two_layer_backward", arguments=("W0", "W1", "X0", "Y"), outputs=_SIGNALS,
    visible=(_WORKED_BATCH, _WIDE), draw_hidden=_network_cases,
    expect=_signals,
    hint="walk back from the mean loss one layer at a time, as for one example; the batch "
         "changes two things: where the 1/N enters, and that weights shared by every row "
         "collect a contribution from each.",
    mistakes=(
        Mistake("loss-sign-flipped", f"dX3 has the wrong sign, and with it every gradient: "
                f"{LOSS_SIGN}.", scaled(_signals, -1.0)),
        Mistake("summed-not-mean", "every gradient is N times too large: these are the gradients "
                "of the summed loss. The loss is the mean over the N rows, so the gradient on "
                "each row's x3 carries a 1/N, and everything below inherits it.",
                scaled(_signals, lambda W0, W1, X0, Y: len(X0))),
        Mistake("averaged-twice", "dW0 and dW1 are N times too small: the 1/N of the mean is "
                "already in dX3, and the weights' gradients add up the rows' contributions. "
                "Dividing by N again averages twice.", _weights_averaged_again),
        Mistake("tanh-slope-on-x1", "dX1 used 1 - x1^2, on tanh's input: the slope of tanh is "
                "1 - tanh(x1)^2 = 1 - x2^2, read off its output.", _tanh_slope_on_x1),
        Mistake("dW0-transposed", "dW0 is transposed: it has the shape of W0, (H, D); redo the "
                "dimension analysis with dX1 (N, H) and X0 (N, D). With a square W0 only the "
                "values show it.", transposed(_signals, 3)),
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
    hint="the gradient points uphill, and it has the shape of W already.",
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

two_layer_network_question_1 = number_question(
    "two_layer_network_question_1", -0.36, 0.05,
    hint="in the weights explorer, leave the other five weights at the worked values, move W1[1] "
         "alone and watch L in the table.",
    wrong=(("not-moved", -1.0, "-1 is where W1[1] starts, where L reads 0.01747: move W1[1] until "
            "L reads 0."),
           ("unit-switched-off", 0.0, "at W1[1] = 0 the second hidden unit no longer reaches the "
            "output, and x3 is the first unit's share alone, still above the target: move W1[1] "
            "until L reads 0."),
           ("sign-flipped", 0.36, "with W1[1] above 0 the second hidden unit pushes x3 up, further "
            "from the target: watch x3 and L as you move W1[1] the other way."),
           ("target-not-weight", 0.5, "0.5 is the target y, the value x3 must reach, not the weight "
            "that gets it there: move W1[1] until x3 reads 0.5.")))

EXERCISES = (two_layer_backward, sgd_step, two_layer_network_question_1)
