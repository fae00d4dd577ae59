"""Assignment 03: the chain rule on f = (x + y) z."""
from course.exercises.kit import gradient_exercise
from course.functions import add_mul

add_mul_backward = gradient_exercise(
    "add_mul_backward", add_mul, ("x", "y", "z"), ("x", "y", "z"),
    visible=[{"x": -2.0, "y": 5.0, "z": -4.0}],
    hint="with q = x + y: df/dz = q, df/dq = z, and df/dx = df/dq * dq/dx (likewise for y).")

EXERCISES = (add_mul_backward,)
