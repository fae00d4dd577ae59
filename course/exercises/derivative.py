"""Assignment 01: the derivative as sensitivity."""
from course.checks import Exercise
from course.functions import polynomial


def _forward_difference_of_cubic(coefficients, x, h):
    """(p(x + h) - p(x)) / h for p = a x^3 + b x^2 + c x + d, expanded by hand (exact in h)."""
    a, b, c, _ = coefficients
    return (a * (3 * x**2 + 3 * x * h + h**2) + b * (2 * x + h) + c,)


def _random_cubic_cases(rng):
    return [{"coefficients": rng.uniform(-2, 2, size=4).round(3).tolist(),
             "x": float(rng.uniform(-2, 2)), "h": float(10 ** rng.uniform(-3, -0.5))}
            for _ in range(4)]


forward_difference = Exercise(
    name="forward_difference",
    arguments=("f", "x", "h"),
    outputs=("estimate",),
    visible=({"coefficients": [0, 1, 0, 0], "x": 3.0, "h": 0.1},
             {"coefficients": [1, 0, 0, 0], "x": 2.0, "h": 0.5}),
    draw_hidden=_random_cubic_cases,
    expect=_forward_difference_of_cubic,
    call=lambda functions, case: functions[0](
        lambda t: polynomial(case["coefficients"], t), case["x"], case["h"]),
    hint="nudge x forward by h only, and divide the change in f by h (the one-sided slope).",
    rtol=1e-6,
)

EXERCISES = (forward_difference,)
