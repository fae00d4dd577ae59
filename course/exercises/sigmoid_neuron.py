"""Assignment 04: unary gates, the sigmoid gate and the 2-D sigmoid neuron."""
import numpy as np

from course.exercises.kit import gradient_exercise, random_cases
from course.functions import neuron, sigmoid


def _positive_x_cases(rng):
    """Random cases for 1/x, kept away from x = 0 where the gate blows up."""
    cases = random_cases(rng, {"x": (), "dout": ()})
    for case in cases:
        case["x"] = float(np.copysign(0.5 + abs(case["x"]), case["x"]))
    return cases


inv_backward = gradient_exercise(
    "inv_backward", lambda x: 1.0 / x, ("x", "dout"), ("x",), upstream="dout",
    visible=[{"x": 2.0, "dout": 1.0}, {"x": -0.5, "dout": 3.0}],
    draw_hidden=_positive_x_cases,
    hint="d(1/x)/dx = -1/x^2; multiply it by dout.")

addc_backward = gradient_exercise(
    "addc_backward", lambda x, c: c + x, ("x", "c", "dout"), ("x",), upstream="dout",
    visible=[{"x": 2.0, "c": 1.0, "dout": 0.5}],
    hint="adding a constant shifts f but not its slope: the local gradient is 1.")

exp_backward = gradient_exercise(
    "exp_backward", lambda x: np.exp(x), ("x", "dout"), ("x",), upstream="dout",
    visible=[{"x": 0.0, "dout": 2.0}, {"x": -1.0, "dout": 1.0}],
    hint="e^x is its own derivative; multiply it by dout.")

scale_backward = gradient_exercise(
    "scale_backward", lambda x, a: a * x, ("x", "a", "dout"), ("x",), upstream="dout",
    visible=[{"x": 2.0, "a": -1.0, "dout": 0.25}],
    hint="d(a x)/dx = a; multiply it by dout.")

sigmoid_backward = gradient_exercise(
    "sigmoid_backward", sigmoid, ("x", "dout"), ("x",), upstream="dout",
    visible=[{"x": 1.0, "dout": 1.0}, {"x": -2.0, "dout": 0.5}],
    hint="sigma'(x) = sigma(x) (1 - sigma(x)); multiply it by dout.")

neuron_backward = gradient_exercise(
    "neuron_backward", neuron, ("w", "x"), ("x", "w"),
    visible=[{"w": np.array([2.0, -3.0, -3.0]), "x": np.array([-1.0, -2.0])}],
    shapes={"w": (3,), "x": (2,)},
    hint="compute dot = w0 x0 + w1 x1 + w2 and d dot = sigma(dot)(1 - sigma(dot)); then "
         "dx = d dot * w[:2] and dw = d dot * [x0, x1, 1].")

EXERCISES = (inv_backward, addc_backward, exp_backward, scale_backward, sigmoid_backward,
             neuron_backward)
