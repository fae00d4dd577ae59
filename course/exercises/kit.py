"""Building blocks for exercise definitions: gradient exercises, random input cases, and the
mistakes that several assignments share."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from course.checks import ContractBroken, Exercise, Mistake, kind_of
from course.functions import sigmoid
from course.numgrad import input_gradients

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from typing import Any


def random_cases(rng: np.random.Generator, shapes: Mapping[str, tuple[int, ...]], count: int = 3,
                 low: float = -3.0, high: float = 3.0) -> list[dict[str, float | np.ndarray]]:
    """count cases of random inputs; shapes: dict name -> () for a float, or an array shape."""
    return [{name: _draw(rng, shape, low, high) for name, shape in shapes.items()}
            for _ in range(count)]


def _draw(rng, shape, low, high):
    value = rng.uniform(low, high, size=shape)
    return float(value) if shape == () else value


def gradients_of(forward: Callable[..., float | np.ndarray], wrt: Sequence[str],
                 upstream: str | None = None) -> Callable[..., tuple[float | np.ndarray, ...]]:
    """(**case) -> the gradients of forward at the case with respect to wrt, by centered
    differences, times the case's upstream gradient (the argument named upstream, or 1)."""
    def gradients(**case):
        arriving = case.pop(upstream) if upstream else 1.0
        return input_gradients(forward, case, wrt, arriving)
    return gradients


def gradient_exercise(name: str, forward: Callable[..., float | np.ndarray], arguments: Sequence[str],
                      wrt: Sequence[str], visible: Iterable[Mapping[str, Any]], hint: str,
                      shapes: Mapping[str, tuple[int, ...]] | None = None, upstream: str | None = None,
                      mistakes: Iterable[Mistake] = (), **options: Any) -> Exercise:
    """An exercise whose outputs are the gradients of forward with respect to wrt.

    forward: the given forward function, taking the arguments other than upstream by keyword;
    arguments: the student function's parameters in order; wrt: the inputs to differentiate
    (outputs are named d<input>); upstream: the name of the argument that carries the gradient
    arriving at the output, or None for 1; shapes: name -> shape of each argument for random
    hidden cases (default: all floats); mistakes: the exercise's catalogue, to which a gate with
    an upstream argument adds "forgot-upstream". Expected gradients come from centered differences.
    """
    if isinstance(mistakes, Mistake):
        raise TypeError(f"{name}: mistakes= must be a tuple of Mistakes; with one, end it with a "
                        "comma: mistakes=(Mistake(...),)")
    shapes = shapes or {a: () for a in arguments}
    options.setdefault("expect", gradients_of(forward, wrt, upstream))
    options.setdefault("draw_hidden", lambda rng: random_cases(rng, shapes))
    if upstream:
        mistakes = (*mistakes, forgot_upstream(options["expect"], upstream))
    return Exercise(name=name, arguments=tuple(arguments), outputs=tuple("d" + w for w in wrt),
                    visible=tuple(visible), hint=hint, mistakes=tuple(mistakes), **options)




def number_question(name: str, answer: float, tolerance: float, hint: str,
                    wrong: Iterable[tuple[str, float, str]]) -> Exercise:
    """A question whose answer, a number, the student finds by moving an explorer's sliders: their
    function takes no arguments and returns it. Right within tolerance (the slider's reading).
    hint: where in the explorer to look; wrong: (mistake name, the wrong answer it gives,
    diagnosis) for each plausible wrong answer."""
    return _question(name, float, answer, hint, wrong, atol=tolerance)


def choice_question(name: str, choices: Sequence[str], answer: str, hint: str,
                    wrong: Iterable[tuple[str, str, str]]) -> Exercise:
    """A multiple-choice question about what an explorer shows: the student's function takes no
    arguments and returns one of choices (lowercase strings; case and surrounding spaces in the
    answer do not matter), judged as a mark per choice, 1.0 at the one picked. hint and wrong:
    as for number_question, with wrong choices."""
    choices = tuple(choices)

    def picked(functions, case):
        returned = functions[0]()
        choice = returned.strip().lower() if isinstance(returned, str) else None
        if choice not in choices:
            said = repr(returned) if isinstance(returned, str) else kind_of(returned)
            raise ContractBroken(f"{name} returned {said}: return one of "
                                 f"{', '.join(map(repr, choices))}, a string")
        return _marks(choices, choice)
    return _question(name, lambda choice: _marks(choices, choice), answer, hint, wrong, atol=0.0,
                     call=picked)


def _marks(choices, choice):
    return np.array([c == choice for c in choices], dtype=float)


def _question(name, judged, answer, hint, wrong, **options):
    """The Exercise of a question read off an explorer: one case with no inputs, whose right and
    catalogued wrong answers are judged as judged(answer); a wrong answer is told only that it is
    wrong (shows_answer=False)."""
    return Exercise(name=name, arguments=(), outputs=("answer",), visible=({},),
                    draw_hidden=lambda rng: [{}], expect=lambda: (judged(answer),), hint=hint,
                    rtol=0.0, shows_answer=False, **options,
                    mistakes=tuple(Mistake(mistake, diagnosis, lambda given=given: (judged(given),))
                                   for mistake, given, diagnosis in wrong))

def transposed(expect: Callable[..., Iterable[float | np.ndarray]],
               *positions: int) -> Callable[..., tuple[float | np.ndarray, ...]]:
    """(**case) -> expect's outputs with those at the given positions transposed: what a backward
    pass returns when it builds those gradients as products in the wrong order."""
    def returns(**case):
        return tuple(np.transpose(g) if i in positions else g for i, g in enumerate(expect(**case)))
    return returns


def scaled(expect: Callable[..., Iterable[float | np.ndarray]],
           factor: float | Callable[..., float]) -> Callable[..., tuple[float | np.ndarray, ...]]:
    """(**case) -> expect's outputs, each multiplied by factor: a number, or (**case) -> number."""
    def returns(**case):
        times = factor(**case) if callable(factor) else factor
        return tuple(times * np.asarray(g) for g in expect(**case))
    return returns


def forgot_upstream(expect: Callable[..., Iterable[float | np.ndarray]], upstream: str) -> Mistake:
    """The Mistake of returning the local gradients alone: what expect gives with upstream = 1."""
    def returns(**case):
        return expect(**{**case, upstream: np.ones_like(case[upstream])})
    return Mistake("forgot-upstream", f"the local gradient was not multiplied by {upstream}, the "
                   f"gradient arriving from above. By the chain rule each input's gradient is its "
                   f"local gradient times {upstream}.", returns)


# ---------------------------------------------------------------- mistakes several assignments share

LOSS_SIGN = ("the loss's gradient is the output minus the target, positive where the output is "
             "above it; target minus output points the other way, and a training step would "
             "climb the loss")

BIAS_SUMS = ("the bias is shared by every row of the batch, so its gradient is the sum over the rows "
             "of the gradient on the layer's output")


def sigmoid_from_output_mistakes(what: str, expected: Callable) -> tuple[Mistake, ...]:
    """The catalogue of a sigmoid backward (out, dout) -> (dx,) that takes the cached output out:
    what names the output ("gate", "layer"); expected: the right (out, dout) -> (dx,)."""
    slope = "the local gradient is out (1 - out), out being sigma(x)"
    return (
        Mistake("sigmoid-applied-again", "out is already sigma(x): taking the sigmoid of it again "
                f"measures the slope at the wrong point; {slope}.",
                lambda out, dout: (sigmoid(out) * (1 - sigmoid(out)) * dout,)),
        Mistake("sigma-not-derivative", f"out is the {what}'s output, not its slope: {slope}.",
                lambda out, dout: (out * dout,)),
        Mistake("sigma-squared", f"out^2 is not the slope: {slope}.",
                lambda out, dout: (out**2 * dout,)),
        Mistake("one-minus-sigma", f"1 - out is half of it: {slope}.",
                lambda out, dout: ((1 - out) * dout,)),
        forgot_upstream(expected, "dout"))
