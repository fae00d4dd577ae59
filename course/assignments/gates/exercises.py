"""Assignment 03: the add, multiply and max gates, and the circuit f = 2 (x y + max(z, w))."""
from course.assignments.gates.forward import flow_patterns
from course.checks import Mistake
from course.exercises.kit import gradient_exercise, number_question, random_cases
from course.numgrad import input_gradients


def _max_gate_expect(x, y, dout):
    """At a tie the whole gradient goes to x (the course's convention); elsewhere, numerically."""
    if x == y:
        return dout, 0.0
    return input_gradients(lambda x, y: max(x, y), {"x": x, "y": y}, ("x", "y"), dout)


def _routed(to_x, dout):
    """(dx, dy) of a gate that sends all of dout to x when to_x, else all to y."""
    return (dout, 0.0) if to_x else (0.0, dout)


def _max_cases_with_tie(rng):
    tie = float(rng.integers(-3, 4))
    return random_cases(rng, {"x": (), "y": (), "dout": ()}) + [
        {"x": tie, "y": tie, "dout": float(rng.uniform(0.5, 3))}]


add_backward = gradient_exercise(
    "add_backward", lambda x, y: x + y, ("x", "y", "dout"), ("x", "y"), upstream="dout",
    visible=[{"x": -12.0, "y": 2.0, "dout": 3.0}, {"x": 1.5, "y": -0.5, "dout": -2.0}],
    hint="by how much does x + y move when x alone is nudged? That local gradient, times the "
         "gradient arriving from above, is the gradient on x (and likewise on y).",
    mistakes=(
        Mistake("split", "the add gate does not split dout between its inputs: each input's local "
                "gradient is 1, so each gets all of dout (the add gate distributes).",
                lambda x, y, dout: (dout / 2, dout / 2)),
        Mistake("swapped-like-multiply", "that is the multiply gate's rule (each input gets the "
                "other one times dout). The add gate's local gradients are 1: it hands dout to "
                "both inputs unchanged.", lambda x, y, dout: (y * dout, x * dout)),
        Mistake("own-input", "each input's gradient came out as that input times dout. The add "
                "gate's local gradients are 1, not the inputs: it hands dout to both unchanged.",
                lambda x, y, dout: (x * dout, y * dout))))

mul_backward = gradient_exercise(
    "mul_backward", lambda x, y: x * y, ("x", "y", "dout"), ("x", "y"), upstream="dout",
    visible=[{"x": 3.0, "y": -4.0, "dout": 2.0}, {"x": -1.5, "y": 2.0, "dout": 0.5}],
    hint="by how much does x y move when x alone is nudged, and on which value does that "
         "depend? The chain rule then multiplies that local gradient by dout.",
    mistakes=(
        Mistake("not-swapped", "dx and dy are not swapped: d(x y)/dx is y, the other input, so dx "
                "= y * dout and dy = x * dout (the multiply gate swaps).",
                lambda x, y, dout: (x * dout, y * dout)),
        Mistake("like-add", "that is the add gate's rule (dout to both). The multiply gate's local "
                "gradient on each input is the other input: dx = y * dout, dy = x * dout.",
                lambda x, y, dout: (dout, dout))))

max_backward = gradient_exercise(
    "max_backward", lambda x, y: max(x, y), ("x", "y", "dout"), ("x", "y"), upstream="dout",
    visible=[{"x": 2.0, "y": -1.0, "dout": 2.0}, {"x": 1.0, "y": 1.0, "dout": 3.0},
             {"x": -0.5, "y": 1.5, "dout": -2.0}],
    expect=_max_gate_expect, draw_hidden=_max_cases_with_tie,
    hint="only the input that wins the max moves the output; nudging the other one changes "
         "nothing (on a tie the course counts x as the winner).",
    mistakes=(
        Mistake("tie-to-y", "on a tie (x == y) the gradient went to y. The course's convention sends "
                "it to x: compare with >=, not >.", lambda x, y, dout: _routed(x > y, dout)),
        Mistake("tie-split", "on a tie (x == y) dout was split between the inputs. The course's "
                "convention routes all of it to x: compare with >=.",
                lambda x, y, dout: (dout / 2, dout / 2) if x == y else _routed(x > y, dout)),
        Mistake("to-smaller", "dout went to the smaller input. The max gate routes all of dout to "
                "the input that won (the larger one); the loser had no effect on the output and "
                "gets 0.", lambda x, y, dout: _routed(x < y, dout)),
        Mistake("to-both", "dout went to both inputs. The max gate routes: only the larger input "
                "affects the output, so it gets all of dout and the other gets 0.",
                lambda x, y, dout: (dout, dout))))

flow_backward = gradient_exercise(
    "flow_backward", flow_patterns, ("x", "y", "z", "w"), ("x", "y", "z", "w"),
    visible=[{"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0},
             {"x": -2.0, "y": 1.5, "z": -1.0, "w": 0.5}],
    hint="start at the output and cross one gate at a time, last gate first: each multiplies "
         "the gradient arriving at its output by its own local gradients (the add gate "
         "distributes, max routes, multiply swaps).",
    mistakes=(
        Mistake("forgot-the-2", "every gradient is half what it should be: the last gate multiplies "
                "by 2, so the gradient entering the add gate is 2, not 1.",
                lambda x, y, z, w: (y, x, *_routed(z >= w, 1.0))),
        Mistake("mul-not-swapped", "dx and dy are not swapped: through the multiply gate x y, x's "
                "gradient is y times the upstream gradient, and y's is x times it.",
                lambda x, y, z, w: (2 * x, 2 * y, *_routed(z >= w, 2.0))),
        Mistake("max-to-smaller", "dz and dw are routed the wrong way: the max gate sends its "
                "gradient to the input that won (the larger), and 0 to the other.",
                lambda x, y, z, w: (2 * y, 2 * x, *_routed(z < w, 2.0))),
        Mistake("max-to-both", "both dz and dw got the gradient: the max gate routes it to the "
                "larger input only, and 0 to the other.",
                lambda x, y, z, w: (2 * y, 2 * x, 2.0, 2.0))))

gates_question_1 = number_question(
    "gates_question_1", 2.0, 0.05,
    hint="in the circuit's explorer, keep y, z and w where they start, move x alone and watch "
         "the readout df/dy.",
    wrong=(("forgot-the-2", 4.0, "at that x the product x y passes x to y, but the last gate "
            "doubles every gradient on its way back: watch the readout df/dy itself as you move "
            "x."),
           ("not-moved", 3.0, "3 is where the x slider starts, where df/dy reads 6: move x until "
            "it reads 4."),
           ("wrong-sign", -2.0, "there df/dy reads -4, not 4: the gradient on y has the sign of x. "
            "Watch the readout df/dy as you move x.")))

EXERCISES = (add_backward, mul_backward, max_backward, flow_backward, gates_question_1)
