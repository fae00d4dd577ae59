"""Assignment 04: unary gates, the sigmoid gate and the 2-D sigmoid neuron."""
import numpy as np

from course.assignments.sigmoid_neuron.forward import neuron
from course.checks import Exercise, Mistake
from course.exercises.kit import (
    gradient_exercise,
    gradients_of,
    number_question,
    scaled,
    sigmoid_from_output_mistakes,
)
from course.functions import sigmoid


def _neuron_gradients(w, x, swapped=False, bias=1.0, local=None):
    """(dx, dw) of the 2-D neuron as a mistaken backward pass computes them: the gradient on dot
    measured (or local(sigma(dot)) when given), dx and dw built from x and w when swapped, and
    bias as dw[2]'s factor. w: shape (3,), x: shape (2,)."""
    ddot = neuron_backward.expect(w=w, x=x)[1][2] if local is None else \
        local(sigmoid(w[0] * x[0] + w[1] * x[1] + w[2]))
    ins, weights = (w[:2], x) if swapped else (x, w[:2])
    return weights * ddot, np.append(ins, bias) * ddot


_SIGMOID_BY_GATES = gradients_of(lambda z: sigmoid(z), ("z",), "dout")


def _by_gates_off_by(factor):
    """(z, dout) -> dz of a backward pass through the four gates with one local gradient wrong,
    as the right dz (centered differences) times factor(z), the wrong local gradient over the
    right one."""
    return scaled(_SIGMOID_BY_GATES, lambda z, dout: factor(z))


_CHAIN = ("the sigmoid staged as z -> -z -> e^-z -> 1 + e^-z -> 1/(1 + e^-z), walked back "
          "from the last gate to the first")
sigmoid_by_gates_backward = gradient_exercise(
    "sigmoid_by_gates_backward", lambda z: sigmoid(z), ("z", "dout"), ("z",), upstream="dout",
    expect=_SIGMOID_BY_GATES,
    visible=[{"z": 1.0, "dout": 3.0}, {"z": -2.5, "dout": -0.5}],
    hint=f"{_CHAIN}: each gate multiplies the gradient arriving at its output by its own local "
         "gradient, taken at the value that entered that gate in the forward pass.",
    mistakes=(
        Mistake("reciprocal-power-rule", "the reciprocal gate's local gradient was taken as -1/x: "
                "1/x = x^-1, so the power rule gives -1 x^-2 = -1/x^2, with x the value entering "
                "the gate, 1 + e^-z.", _by_gates_off_by(lambda z: 1.0 + np.exp(-z))),
        Mistake("exp-at-z", "the exponential gate's local gradient was taken at z: that gate's "
                "input is -z (the scale gate comes first), and e^x is its own derivative at its "
                "own input, so the local gradient is e^-z.",
                _by_gates_off_by(lambda z: np.exp(2.0 * z))),
        Mistake("exp-passed-through", "the gradient went through the exponential gate unchanged: "
                "like every gate, it multiplies what arrives by its local gradient, here e^-z.",
                _by_gates_off_by(np.exp)),
        Mistake("lost-minus", "the sign is flipped: a minus sign was lost on the way back. Two "
                "gates have negative local gradients, the scale by -1 (its local gradient is -1) "
                "and the reciprocal (-1/x^2); together they make the sigmoid's slope positive.",
                _by_gates_off_by(lambda z: -1.0))))

_SIGMOID_GRADIENT = gradients_of(sigmoid, ("x",), "dout")


def _sigmoid_gradient(out, dout):
    """(dx,) of the sigmoid gate whose output is out: centered differences of sigma at the input
    that gives out, x = log(out / (1 - out)), times dout."""
    return _SIGMOID_GRADIENT(x=float(np.log(out / (1 - out))), dout=dout)


def _output_cases(rng):
    """Random cases: a gate output strictly between 0 and 1, away from the flat ends."""
    return [{"out": float(rng.uniform(0.05, 0.95)), "dout": float(rng.uniform(-3, 3))}
            for _ in range(3)]


sigmoid_backward = Exercise(
    name="sigmoid_backward", arguments=("out", "dout"), outputs=("dx",),
    expect=_sigmoid_gradient,
    visible=({"out": 0.8, "dout": 2.0}, {"out": 0.3, "dout": -0.5}),
    draw_hidden=_output_cases,
    hint="the sigmoid's slope is a function of its output alone, and out is that output.",
    mistakes=sigmoid_from_output_mistakes("gate", _sigmoid_gradient))

neuron_backward = gradient_exercise(
    "neuron_backward", neuron, ("w", "x"), ("x", "w"),
    visible=[{"w": np.array([2.0, -3.0, -3.0]), "x": np.array([-1.0, -2.0])},
             {"w": np.array([0.5, 1.0, -0.5]), "x": np.array([1.5, -1.0])}],
    shapes={"w": (3,), "x": (2,)},
    hint="the gradient first crosses the sigmoid gate to reach the weighted sum (its slope "
         "comes from its output); from there each multiply gate swaps, and the bias, only "
         "added, is a weight whose input is always 1.",
    mistakes=(
        Mistake("sigma-not-derivative", "the gradient on dot used sigma(dot), the neuron's output; "
                "the sigmoid's local gradient is sigma(dot) (1 - sigma(dot)).",
                lambda w, x: _neuron_gradients(w, x, local=lambda s: s)),
        Mistake("not-swapped", "dx and dw are not swapped: in w0 x0 the gradient on x0 is w0 times "
                "d dot, and the gradient on w0 is x0 times d dot.",
                lambda w, x: _neuron_gradients(w, x, swapped=True)),
        Mistake("no-bias-gradient", "dw[2] is 0: the bias w2 is added into dot, so its gradient "
                "is d dot times 1.", lambda w, x: _neuron_gradients(w, x, bias=0.0))))

sigmoid_neuron_question_1 = number_question(
    "sigmoid_neuron_question_1", -1.0, 0.05,
    hint="in the sigmoid explorer, watch the number after 'slope' in the title (the lower curve) "
         "and look on both sides of the peak for 0.1966.",
    wrong=(("sigma-read", -1.4, "near there it is σ(x), the upper curve, that reads about 0.1966; "
            "the question is about its slope, the lower curve and the number after 'slope'."),
           ("same-x", 1.0, "1 is the worked example's own input; the slope curve reaches 0.1966 "
            "at one other x: move the slider across the peak.")))

EXERCISES = (sigmoid_by_gates_backward, sigmoid_backward, sigmoid_neuron_question_1,
             neuron_backward)
