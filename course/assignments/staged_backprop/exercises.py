"""Assignment 05: staged backprop on f = (x + sigma(y)) / (sigma(x) + (x + y)^2)."""

import numpy as np

from course.assignments.staged_backprop.forward import STAGED, staged
from course.checks import Exercise, Mistake, cache_outputs, leaving_unchanged, with_cache
from course.exercises.kit import gradient_exercise, number_question, random_cases
from course.functions import sigmoid
from course.numgrad import input_gradients

_VISIBLE = ({"x": 3.0, "y": -4.0}, {"x": -1.0, "y": 0.5})
CACHED = ("x", "y", "sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden")  # staged_forward's cache


def _stages(x, y, forced=lambda right: {}):
    """f, then the cache's values in CACHED order, of the staged circuit at (x, y); forced(right)
    -> the node or wire values a mistaken forward pass puts in place of the right ones."""
    right = STAGED.forward({"x": x, "y": y})
    values = STAGED.forward({"x": x, "y": y}, forced(right))
    return (values["f"], *(values[name] for name in CACHED))


def _backward_call(functions, case):
    """staged_backward on the cache of the student's staged_forward, once that is whole; raises
    ArgumentChanged when staged_backward changes the cache."""
    returned = functions[0](case["x"], case["y"])
    with_cache("staged_forward", returned, "f", CACHED)
    return leaving_unchanged("staged_backward", functions[1], {"cache": returned[1]})


def _through(x, y, stage):
    """(dx, dy) along the paths through one stage of f, by centered differences of f with every
    other stage frozen at its value at (x, y). stage: "num", "den", "sigx", "square" or "sigy"."""
    num, sigx, square = x + sigmoid(y), sigmoid(x), (x + y) ** 2
    partial = {"num": lambda a, b: (a + sigmoid(b)) / (sigx + square),
               "den": lambda a, b: num / (sigmoid(a) + (a + b) ** 2),
               "sigx": lambda a, b: num / (sigmoid(a) + square),
               "square": lambda a, b: num / (sigx + (a + b) ** 2),
               "sigy": lambda a, b: (x + sigmoid(b)) / (sigx + square)}[stage]
    return np.array(input_gradients(partial, {"a": x, "b": y}, ("a", "b"), 1.0))


def _gradients(x, y, **scaled):
    """(dx, dy) of a backward pass that gets each named stage's paths wrong by a factor:
    the true gradient plus (factor - 1) times the paths through that stage."""
    true = np.array(input_gradients(staged, {"x": x, "y": y}, ("x", "y"), 1.0))
    return tuple(true + sum((factor - 1) * _through(x, y, stage) for stage, factor in scaled.items()))


def _only(x, y, stage, keep):
    """(dx, dy) where the gradient of input keep (0 for x, 1 for y) was overwritten by its last
    path, the one through stage, instead of adding all of them."""
    gradients = list(_gradients(x, y))
    gradients[keep] = _through(x, y, stage)[keep]
    return tuple(gradients)


staged_forward = Exercise(
    name="staged_forward", arguments=("x", "y"),
    outputs=cache_outputs("f", CACHED), visible=_VISIBLE,
    draw_hidden=lambda rng: random_cases(rng, {"x": (), "y": ()}),
    expect=_stages,
    call=lambda functions, case: with_cache(
        "staged_forward", functions[0](case["x"], case["y"]), "f", CACHED),
    hint="a staged forward pass is the formula cut into small steps, one gate each, every "
         "intermediate kept in the cache for the backward pass (the docstring names them).",
    mistakes=(
        Mistake("no-square", "f came out with x + y in the denominator where (x + y)^2 belongs: "
                "square the sum before adding sigma(x).",
                lambda x, y: _stages(x, y, lambda right: {"xpysqr": right["xpy"]})),
        Mistake("sigmas-swapped", "sigma(x) and sigma(y) are swapped: the numerator is "
                "x + sigma(y), the denominator sigma(x) + (x + y)^2.",
                lambda x, y: _stages(x, y, lambda right: {("sigy", "num", 1): right["sigx"],
                                                          ("sigx", "den", 0): right["sigy"]})),
        Mistake("not-inverted", "the numerator was multiplied by the denominator, not by its "
                "inverse 1 / den.",
                lambda x, y: _stages(x, y, lambda right: {("invden", "f", 1): right["den"]}))))

staged_backward = gradient_exercise(
    "staged_backward", staged, ("x", "y"), ("x", "y"), visible=_VISIBLE,
    uses=("staged_forward", "staged_backward"),
    call=_backward_call,
    hint="walk the stages in reverse; a variable that feeds more than one stage collects a "
         "gradient along each of its paths, and they all count: they add up.",
    mistakes=(
        Mistake("overwrote-dx", "dx holds only its last path, the one through the numerator: x "
                "feeds three stages (the numerator, sigma(x) and x + y), so its gradients from all "
                "three add up. Use dx += everywhere, not dx =.",
                lambda x, y: _only(x, y, "num", 0)),
        Mistake("overwrote-dy", "dy holds only its last path, the one through sigma(y): y feeds "
                "two stages (sigma(y) and x + y), so its gradients add up. Use dy += everywhere, "
                "not dy =.", lambda x, y: _only(x, y, "sigy", 1)),
        Mistake("sigma-not-derivative", "the sigmoid stages used sigma as their local gradient: "
                "the slope of sigma is sigma (1 - sigma).",
                lambda x, y: _gradients(x, y, sigx=1 / (1 - sigmoid(x)), sigy=1 / (1 - sigmoid(y)))),
        Mistake("lost-minus", "the paths through the denominator have the wrong sign: the "
                "gradient of 1/den is -1/den^2, negative.", lambda x, y: _gradients(x, y, den=-1.0)),
        Mistake("square-without-2", "the paths through (x + y)^2 are half as large as they should "
                "be: the local gradient of t^2 is 2 t.", lambda x, y: _gradients(x, y, square=0.5))))

_WIRE = "the red number on the wire from x into the x + y gate (xpy)"
staged_backprop_question_1 = number_question(
    "staged_backprop_question_1", -3.0, 0.05,
    hint=f"in the staged circuit's explorer, keep x = 3, move y alone and watch {_WIRE}.",
    wrong=(("not-moved", -4.0, f"-4 is where the y slider starts, where {_WIRE} reads about 1.58: "
            "move y until it reads 0."),
           ("y-is-zero", 0.0, f"y = 0 does not silence the path through x + y: {_WIRE} still reads "
            "about -0.21 there. Watch that wire, not the value of y."),
           ("read-df-dx", -2.9, "near there it is df/dx in the readout, the sum of all three "
            f"shares, that changes sign; the question asks for one share alone: watch {_WIRE}.")))

EXERCISES = (staged_forward, staged_backward, staged_backprop_question_1)
