"""Assignment 01: the derivative as sensitivity."""
from course.assignments.derivative.forward import polynomial
from course.checks import Exercise, Mistake
from course.exercises.kit import choice_question


def _forward_difference_of_cubic(coefficients, x, h):
    """(p(x + h) - p(x)) / h for p = a x^3 + b x^2 + c x + d, expanded by hand (exact in h)."""
    a, b, c, _ = coefficients
    return (a * (3 * x**2 + 3 * x * h + h**2) + b * (2 * x + h) + c,)


def _quotient(coefficients, x, h, before, after, over):
    """(p(x + after) - p(x + before)) / over for the polynomial p, as a 1-tuple."""
    return ((polynomial(coefficients, x + after) - polynomial(coefficients, x + before)) / over,)


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
    hint="a slope is the change in f over the change in x; the forward difference looks only "
         "ahead of x, over a run of h.",
    rtol=1e-6,
    mistakes=(
        Mistake("centered", "that is the centered difference (f(x + h) - f(x - h)) / 2h. This "
                "exercise asks for the one-sided forward difference: nudge x forward by h only.",
                lambda coefficients, x, h: _quotient(coefficients, x, h, -h, h, 2 * h)),
        Mistake("backward", "that is the backward difference (f(x) - f(x - h)) / h: the forward "
                "difference nudges x forward, to x + h.",
                lambda coefficients, x, h: _quotient(coefficients, x, h, -h, 0.0, h)),
        Mistake("not-divided", "the change in f was not divided by h: a slope is rise over run, "
                "(f(x + h) - f(x)) / h.",
                lambda coefficients, x, h: _quotient(coefficients, x, h, 0.0, h, 1.0)),
        Mistake("upside-down", "the sign is flipped: subtract f(x) from f(x + h), not the other "
                "way round.", lambda coefficients, x, h: _quotient(coefficients, x, h, h, 0.0, h))),
)

derivative_question_1 = choice_question(
    "derivative_question_1", ("1e-2", "1e-8", "1e-14"), "1e-8",
    hint="in the step-size explorer, set log10(h) to -2, -8 and -14 in turn and compare the "
         "readout 'forward error' (the blue dot on the right panel) at the three steps.",
    wrong=(("smallest-step", "1e-14", "the smallest step is not the most accurate: with h that "
            "small, f(x + h) and f(x) agree in almost every digit and their difference is mostly "
            "rounding. Read the forward error at each of the three steps and compare."),
           ("largest-step", "1e-2", "a large step is safe from rounding, but the curve bends "
            "within it, and that truncation error grows with h. Read the forward error at each "
            "of the three steps and compare.")))

EXERCISES = (forward_difference, derivative_question_1)
