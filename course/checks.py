"""The student-facing checks: call a student's function on cases and judge what it returns.

An exercise (see `course.exercises`) says which function to call, with which inputs, and where the
expected outputs come from. Judging works on plain numbers and arrays only, so the grading
pipeline can run the student's function in another process and judge its returns here.
"""
from dataclasses import dataclass
import copy

import numpy as np


class CheckFailed(AssertionError):
    """A check found a wrong answer; the message says which output, and what to look at."""


@dataclass(frozen=True)
class Exercise:
    """One graded function.

    name: the function students write (also the nbgrader grade id);
    arguments: its parameter names, in order; outputs: names of what it returns, in order
    (one name: it returns that value alone; several: a tuple);
    visible: fixed input cases shown to the student, each a dict name -> float or array;
    draw_hidden: rng -> list of input cases drawn at check time;
    expect: (**case) -> tuple of expected outputs, one per name in outputs;
    hint: one sentence pointing at the idea in the notebook;
    uses: the student functions the check calls, in order (default: just `name`);
    call: (functions, case) -> what to judge (default: the first function on the case's values).
    """
    name: str
    arguments: tuple
    outputs: tuple
    visible: tuple
    draw_hidden: object
    expect: object
    hint: str
    uses: tuple = ()
    call: object = None
    rtol: float = 1e-5
    atol: float = 1e-7

    @property
    def functions(self):
        """Names of the student functions this exercise calls."""
        return self.uses or (self.name,)

    def run(self, functions, case):
        """Call the student's functions on a copy of the case; return what they returned."""
        case = copy.deepcopy(case)
        if self.call is not None:
            return self.call(functions, case)
        return functions[0](*(case[a] for a in self.arguments))

    def expected(self, case):
        """The expected outputs for a case, a tuple with one entry per output name."""
        return tuple(self.expect(**copy.deepcopy(case)))


def describe(value):
    """A short readable form of a float or array, for messages."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return repr(value)
    if array.ndim == 0:
        return f"{float(array):.6g}"
    return np.array2string(array, precision=4, suppress_small=True, separator=", ")


def call_text(exercise, case):
    """How a call on a case reads: name(argument=value, ...) with any other case values."""
    args = ", ".join(f"{a}={describe(case[a])}" for a in exercise.arguments if a in case)
    given = ", ".join(f"{k}={describe(v)}" for k, v in case.items() if k not in exercise.arguments)
    return f"{exercise.name}({args})" + (f" with {given}" if given else "")


def judge(exercise, case, returned, hidden=False):
    """Compare what a function returned with the expected outputs for one case.

    Returns None when right, else a message that names the wrong output, shows expected and
    actual values (shapes only for hidden cases, whose inputs stay secret) and gives the hint.
    """
    where = (f"On a hidden test with random inputs, {exercise.name}" if hidden
             else call_text(exercise, case))
    expected = exercise.expected(case)
    outputs = exercise.outputs
    if len(outputs) == 1:
        returned = (returned,)
    elif not isinstance(returned, (tuple, list)) or len(returned) != len(outputs):
        got = "None" if returned is None else f"a {getattr(returned, 'type_name', type(returned).__name__)}"
        if isinstance(returned, (tuple, list)):
            got = f"{len(returned)} values"
        return (f"{where} returned {got}; it should return {len(outputs)} values: "
                f"({', '.join(outputs)}).")
    for name, want, got in zip(outputs, expected, returned):
        problem = _compare(want, got, exercise.rtol, exercise.atol, hidden)
        if problem:
            return f"{where} returned a wrong {name}: {problem}\nHint: {exercise.hint}"
    return None


def _compare(want, got, rtol, atol, hidden):
    want = np.asarray(want, dtype=float)
    if got is None:
        return "it is None (did you forget a return?)"
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return ("expected a number or a numpy array of numbers, got a "
                f"{getattr(got, 'type_name', type(got).__name__)}")
    if got.shape != want.shape:
        return (f"expected shape {want.shape}, got shape {got.shape} "
                "(a gradient has the shape of its variable)")
    if not np.all(np.isfinite(got)):
        return "it contains nan or inf"
    if np.allclose(got, want, rtol=rtol, atol=atol):
        return None
    if hidden:
        return "its values are off by a relative error of %.2g" % _rel(want, got)
    return f"expected {describe(want)}, got {describe(got)}"


def _rel(want, got):
    return float(np.max(np.abs(want - got) / np.maximum(np.abs(want) + np.abs(got), 1e-12)))


def check(exercise, *functions, hidden=False, rng=None):
    """Run an exercise's visible cases (or, with hidden=True, freshly drawn random ones).

    exercise: an Exercise or its name; functions: the student functions, in the order the
    exercise uses them. Raises CheckFailed with a message on the first wrong case; prints a
    one-line confirmation when all pass.
    """
    from course.exercises import EXERCISES
    exercise = EXERCISES[exercise] if isinstance(exercise, str) else exercise
    cases = exercise.draw_hidden(rng or np.random.default_rng()) if hidden else exercise.visible
    for case in cases:
        message = judge(exercise, case, exercise.run(functions, case), hidden)
        if message:
            raise CheckFailed(message)
    kind = "hidden random" if hidden else "visible"
    print(f"{exercise.name}: passed {len(cases)} {kind} check{'s' * (len(cases) != 1)}.")
