"""Assignment 02: the add, multiply and max gates, and the circuit f = 2 (x y + max(z, w))."""
from course.exercises.kit import gradient_exercise, random_cases
from course.functions import flow_patterns
from course.numgrad import input_gradients


def _max_gate_expect(x, y, dout):
    """At a tie the whole gradient goes to x (the course's convention); elsewhere, numerically."""
    if x == y:
        return dout, 0.0
    return input_gradients(lambda x, y: max(x, y), {"x": x, "y": y}, ("x", "y"), dout)


def _max_cases_with_tie(rng):
    tie = float(rng.integers(-3, 4))
    return random_cases(rng, {"x": (), "y": (), "dout": ()}) + [
        {"x": tie, "y": tie, "dout": float(rng.uniform(0.5, 3))}]


add_backward = gradient_exercise(
    "add_backward", lambda x, y: x + y, ("x", "y", "dout"), ("x", "y"), upstream="dout",
    visible=[{"x": -12.0, "y": 2.0, "dout": 2.0}],
    hint="the add gate has local gradient 1 on each input: it hands dout to both unchanged.")

mul_backward = gradient_exercise(
    "mul_backward", lambda x, y: x * y, ("x", "y", "dout"), ("x", "y"), upstream="dout",
    visible=[{"x": 3.0, "y": -4.0, "dout": 2.0}],
    hint="the multiply gate swaps: each input's local gradient is the other input, times dout.")

max_backward = gradient_exercise(
    "max_backward", lambda x, y: max(x, y), ("x", "y", "dout"), ("x", "y"), upstream="dout",
    visible=[{"x": 2.0, "y": -1.0, "dout": 2.0}, {"x": 1.0, "y": 1.0, "dout": 3.0}],
    expect=_max_gate_expect, draw_hidden=_max_cases_with_tie,
    hint="the max gate routes: all of dout goes to the larger input (to x on a tie), 0 to the other.")

flow_backward = gradient_exercise(
    "flow_backward", flow_patterns, ("x", "y", "z", "w"), ("x", "y", "z", "w"),
    visible=[{"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0}],
    hint="go backward gate by gate: the final x2 scales, the add distributes, "
         "then the max routes and the multiply swaps.")

EXERCISES = (add_backward, mul_backward, max_backward, flow_backward)
