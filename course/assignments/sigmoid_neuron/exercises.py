"""Assignment 04: unary gates, the sigmoid gate and the 2-D sigmoid neuron."""
import numpy as np

from course.assignments.sigmoid_neuron.forward import neuron
from course.checks import Exercise, Mistake
from course.exercises.kit import (
    forgot_upstream,
    gradient_exercise,
    gradients_of,
    number_question,
    random_cases,
)
from course.functions import sigmoid


def _positive_x_cases(rng):
    """Random cases for 1/x, kept away from x = 0 where the gate blows up."""
    cases = random_cases(rng, {"x": (), "dout": ()})
    for case in cases:
        case["x"] = float(np.copysign(0.5 + abs(case["x"]), case["x"]))
    return cases


def _neuron_gradients(w, x, swapped=False, bias=1.0, local=None):
    """(dx, dw) of the 2-D neuron as a mistaken backward pass computes them: the gradient on dot
    measured (or local(sigma(dot)) when given), dx and dw built from x and w when swapped, and
    bias as dw[2]'s factor. w: shape (3,), x: shape (2,)."""
    ddot = neuron_backward.expect(w=w, x=x)[1][2] if local is None else \
        local(sigmoid(w[0] * x[0] + w[1] * x[1] + w[2]))
    ins, weights = (w[:2], x) if swapped else (x, w[:2])
    return weights * ddot, np.append(ins, bias) * ddot


inv_backward = gradient_exercise(
    "inv_backward", lambda x: 1.0 / x, ("x", "dout"), ("x",), upstream="dout",
    visible=[{"x": 2.0, "dout": 1.0}, {"x": -0.5, "dout": 3.0}],
    draw_hidden=_positive_x_cases,
    hint="d(1/x)/dx = -1/x^2; multiply it by dout.",
    mistakes=(
        Mistake("lost-minus", "the sign is lost: 1/x falls as x grows (for x > 0), so its slope "
                "-1/x^2 is negative.", lambda x, dout: (dout / x**2,)),
        Mistake("power-rule", "the power rule was half applied: 1/x = x^-1, so its derivative is "
                "-1 x^-2 = -1/x^2, not -1/x.", lambda x, dout: (-dout / x,))))

addc_backward = gradient_exercise(
    "addc_backward", lambda x, c: c + x, ("x", "c", "dout"), ("x",), upstream="dout",
    visible=[{"x": 2.0, "c": 3.0, "dout": 0.25}, {"x": -1.0, "c": -2.0, "dout": 3.0}],
    hint="adding a constant shifts f but not its slope: the local gradient is 1.",
    mistakes=(
        Mistake("zero", "the gradient came out 0: the constant c has no gradient, but x does. "
                "Adding c shifts the output without changing its slope in x, which stays 1.",
                lambda x, c, dout: (0.0 * dout,)),
        Mistake("times-c", "the gradient was multiplied by c, as for the scaling gate a x. Adding c "
                "leaves the slope in x at 1.", lambda x, c, dout: (c * dout,)),
        Mistake("times-x", "the gradient was multiplied by x. Adding a constant leaves the slope "
                "in x at 1, whatever x is.", lambda x, c, dout: (x * dout,))))

exp_backward = gradient_exercise(
    "exp_backward", lambda x: np.exp(x), ("x", "dout"), ("x",), upstream="dout",
    visible=[{"x": 0.0, "dout": 2.0}, {"x": -1.0, "dout": 1.0}],
    hint="e^x is its own derivative; multiply it by dout.",
    mistakes=(
        Mistake("forgot-local", "dout was passed through unchanged: it must be multiplied by the "
                "gate's local gradient, e^x.", lambda x, dout: (dout,)),
        Mistake("exp-of-minus-x", "the local gradient came out as e^-x: e^x is its own derivative, "
                "with no change of sign.", lambda x, dout: (np.exp(-x) * dout,)),
        Mistake("power-rule", "the power rule does not apply to e^x (the variable is in the "
                "exponent): e^x is its own derivative.", lambda x, dout: (x * np.exp(x - 1) * dout,))))

scale_backward = gradient_exercise(
    "scale_backward", lambda x, a: a * x, ("x", "a", "dout"), ("x",), upstream="dout",
    visible=[{"x": 2.0, "a": -1.0, "dout": 0.25}, {"x": -3.0, "a": 0.5, "dout": 2.0}],
    hint="d(a x)/dx = a; multiply it by dout.",
    mistakes=(
        Mistake("times-x", "the gradient was multiplied by x, the input: the local gradient of "
                "a x with respect to x is the constant a.", lambda x, a, dout: (x * dout,)),
        Mistake("forgot-local", "dout was passed through unchanged: it must be multiplied by the "
                "gate's local gradient, a.", lambda x, a, dout: (dout,))))

_SIGMOID_GRADIENT = gradients_of(sigmoid, ("x",), "dout")


def _sigmoid_gradient(out, dout):
    """(dx,) of the sigmoid gate whose output is out: centered differences of sigma at the input
    that gives out, x = log(out / (1 - out)), times dout."""
    return _SIGMOID_GRADIENT(x=float(np.log(out / (1 - out))), dout=dout)


def _output_cases(rng):
    """Random cases: a gate output strictly between 0 and 1, away from the flat ends."""
    return [{"out": float(rng.uniform(0.05, 0.95)), "dout": float(rng.uniform(-3, 3))}
            for _ in range(3)]


_SLOPE = "the local gradient is out (1 - out), out being sigma(x)"
sigmoid_backward = Exercise(
    name="sigmoid_backward", arguments=("out", "dout"), outputs=("dx",),
    expect=_sigmoid_gradient,
    visible=({"out": 0.8, "dout": 2.0}, {"out": 0.3, "dout": -0.5}),
    draw_hidden=_output_cases,
    hint="the sigmoid's slope is a function of its output alone, and out is that output.",
    mistakes=(
        Mistake("sigmoid-applied-again", "out is already sigma(x): taking the sigmoid of it again "
                f"measures the slope at the wrong point; {_SLOPE}.",
                lambda out, dout: (sigmoid(out) * (1 - sigmoid(out)) * dout,)),
        Mistake("sigma-not-derivative", f"out is the gate's output, not its slope: {_SLOPE}.",
                lambda out, dout: (out * dout,)),
        Mistake("sigma-squared", f"out^2 is not the slope: {_SLOPE}.",
                lambda out, dout: (out**2 * dout,)),
        Mistake("one-minus-sigma", f"1 - out is half of it: {_SLOPE}.",
                lambda out, dout: ((1 - out) * dout,)),
        forgot_upstream(_sigmoid_gradient, "dout")))

neuron_backward = gradient_exercise(
    "neuron_backward", neuron, ("w", "x"), ("x", "w"),
    visible=[{"w": np.array([2.0, -3.0, -3.0]), "x": np.array([-1.0, -2.0])},
             {"w": np.array([0.5, 1.0, -0.5]), "x": np.array([1.5, -1.0])}],
    shapes={"w": (3,), "x": (2,)},
    hint="compute dot = w0 x0 + w1 x1 + w2 and d dot = sigma(dot)(1 - sigma(dot)); then "
         "dx = d dot * w[:2] and dw = d dot * [x0, x1, 1].",
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

EXERCISES = (inv_backward, addc_backward, exp_backward, scale_backward, sigmoid_backward,
             sigmoid_neuron_question_1, neuron_backward)
