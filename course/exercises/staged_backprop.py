"""Assignment 05: staged backprop on f = (x + sigma(y)) / (sigma(x) + (x + y)^2)."""
from course.checks import Exercise
from course.exercises.kit import gradient_exercise, random_cases
from course.functions import staged

_VISIBLE = ({"x": 3.0, "y": -4.0}, {"x": -1.0, "y": 0.5})

staged_forward = Exercise(
    name="staged_forward", arguments=("x", "y"), outputs=("f",), visible=_VISIBLE,
    draw_hidden=lambda rng: random_cases(rng, {"x": (), "y": ()}),
    expect=lambda x, y: (staged(x, y),),
    call=lambda functions, case: functions[0](case["x"], case["y"])[0],
    hint="compute the stages one at a time (sigma(y), the numerator, sigma(x), x + y, its square, "
         "the denominator, its inverse) and return f with a dict of them.")

staged_backward = gradient_exercise(
    "staged_backward", staged, ("x", "y"), ("x", "y"), visible=_VISIBLE,
    uses=("staged_forward", "staged_backward"),
    call=lambda functions, case: functions[1](functions[0](case["x"], case["y"])[1]),
    hint="walk the stages in reverse, and use += wherever a variable (x, y, x + y) fed two "
         "stages: its gradients from both paths add up.")

EXERCISES = (staged_forward, staged_backward)
