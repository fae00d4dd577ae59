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
class Mistake:
    """A mistake students make in one exercise, recognised from the values it returns.

    name: a short id (e.g. "not-swapped"), used in reports; diagnosis: what the student reads,
    naming the mistake and the idea in the notebook that fixes it; returns: (**case) -> the outputs
    the mistaken code returns on that case, a tuple like Exercise.expect's.
    """
    name: str
    diagnosis: str
    returns: object


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
    call: (functions, case) -> what to judge (default: the first function on the case's values);
    mistakes: the catalogue of common Mistakes, recognised when a wrong answer matches one (the
    first that matches wins, so narrow ones, wrong on few cases such as ties, come first).
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
    mistakes: tuple = ()

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
    actual values (shapes only for hidden cases, whose inputs stay secret) and then either names
    the catalogued mistake the answer matches or gives the exercise's hint.
    """
    return verdict(exercise, case, returned, hidden)[0]


def verdict(exercise, case, returned, hidden=False):
    """(message, mistake) for one case: (None, None) when right; else judge's message and the
    catalogued Mistake the returned values match, or None when they match none."""
    where = (f"On a hidden test with random inputs{_shapes(exercise, case)}, {exercise.name}"
             if hidden else call_text(exercise, case))
    expected = exercise.expected(case)
    outputs = exercise.outputs
    if len(outputs) == 1:
        returned = (returned,)
    elif not isinstance(returned, (tuple, list)) or len(returned) != len(outputs):
        got = "None" if returned is None else f"a {getattr(returned, 'type_name', type(returned).__name__)}"
        if isinstance(returned, (tuple, list)):
            got = f"{len(returned)} values"
        return (f"{where} returned {got}; it should return {len(outputs)} values: "
                f"({', '.join(outputs)})."), None
    for name, want, got in zip(outputs, expected, returned):
        problem = _compare(want, got, exercise.rtol, exercise.atol, hidden)
        if problem:
            mistake = diagnose(exercise, case, returned, expected)
            advice = f"Mistake: {mistake.diagnosis}" if mistake else f"Hint: {exercise.hint}"
            return f"{where} returned a wrong {name}: {problem}\n{advice}", mistake
    return None, None


def diagnose(exercise, case, returned, expected):
    """The first catalogued Mistake whose outputs on this case equal the returned ones (and differ
    from the expected ones), or None. returned, expected: tuples, one entry per output."""
    for mistake in exercise.mistakes:
        try:
            predicted = tuple(mistake.returns(**copy.deepcopy(case)))
        except (ArithmeticError, ValueError, IndexError, TypeError):   # undefined on this case
            continue
        if len(predicted) == len(returned) and _same(predicted, returned, exercise) \
                and not _same(predicted, expected, exercise):
            return mistake
    return None


def _same(these, those, exercise):
    """Whether two tuples of outputs agree within the exercise's tolerance, shapes included."""
    for this, that in zip(these, those):
        try:
            this, that = np.asarray(this, dtype=float), np.asarray(that, dtype=float)
        except (TypeError, ValueError):
            return False
        if this.shape != that.shape or not np.allclose(this, that, exercise.rtol, exercise.atol):
            return False
    return True


def _shapes(exercise, case):
    """' (W of shape (3, 4), ...)' for the array inputs of a case, or '' when all are numbers."""
    shapes = [f"{a} of shape {case[a].shape}" for a in exercise.arguments
              if isinstance(case.get(a), np.ndarray)]
    return f" ({', '.join(shapes)})" if shapes else ""


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
