"""Building blocks for exercise definitions: gradient exercises and random input cases."""
import numpy as np

from course.checks import Exercise
from course.numgrad import input_gradients


def random_cases(rng, shapes, count=3, low=-3.0, high=3.0):
    """count cases of random inputs; shapes: dict name -> () for a float, or an array shape."""
    return [{name: _draw(rng, shape, low, high) for name, shape in shapes.items()}
            for _ in range(count)]


def _draw(rng, shape, low, high):
    value = rng.uniform(low, high, size=shape)
    return float(value) if shape == () else value


def gradient_exercise(name, forward, arguments, wrt, visible, hint, shapes=None,
                      upstream=None, **options):
    """An exercise whose outputs are the gradients of forward with respect to wrt.

    forward: the given forward function, taking the arguments other than upstream by keyword;
    arguments: the student function's parameters in order; wrt: the inputs to differentiate
    (outputs are named d<input>); upstream: the name of the argument that carries the gradient
    arriving at the output, or None for 1; shapes: name -> shape of each argument for random
    hidden cases (default: all floats). Expected gradients come from centered differences.
    """
    def expect(**case):
        upstream_value = case.pop(upstream) if upstream else 1.0
        return input_gradients(forward, case, wrt, upstream_value)

    shapes = shapes or {a: () for a in arguments}
    options.setdefault("expect", expect)
    options.setdefault("draw_hidden", lambda rng: random_cases(rng, shapes))
    return Exercise(name=name, arguments=tuple(arguments), outputs=tuple("d" + w for w in wrt),
                    visible=tuple(visible), hint=hint, **options)
