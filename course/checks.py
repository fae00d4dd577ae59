"""The student-facing checks: call a student's function on cases and judge what it returns.

An exercise (see `course.exercises`) says which function to call, with which inputs, and where the
expected outputs come from. Judging works on plain numbers and arrays only, so the grading
pipeline can run the student's function in another process and judge its returns here.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
import types
from typing import TYPE_CHECKING
import warnings

import numpy as np

from course.numbers import describe

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any


class CheckFailed(AssertionError):
    """A check found a wrong answer; the message says which output, and what to look at."""

    def _render_traceback_(self) -> list[str]:
        """What IPython (JupyterLab, nbgrader's Validate) shows: the message under the student's
        own frames, with no frame of the course's code."""
        return student_traceback(self)


class ContractBroken(CheckFailed):
    """A function broke a promise of its docstring other than its values: it returned the wrong
    kind of thing, or a structure with a part missing. Raised where the function is called (in a
    grading sandbox too, where its class name and message are what comes back)."""


class ArgumentChanged(ContractBroken):
    """A function changed one of its arguments in place."""


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
    first that matches wins, so narrow ones, wrong on few cases such as ties, come first);
    shows_answer: False for a question answered from an explorer, whose wrong answers are told
    only that they are wrong, never the expected value nor how it relates to theirs.
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
    shows_answer: bool = True

    @property
    def functions(self) -> tuple[str, ...]:
        """Names of the student functions this exercise calls."""
        return self.uses or (self.name,)

    def run(self, functions: Sequence[Callable[..., Any]], case: Mapping[str, Any]) -> object:
        """Call the student's functions on a copy of the case; return what they returned. Raises
        ArgumentChanged when the call changed a value of the case in place."""
        __tracebackhide__ = True  # IPython leaves this frame out of a student's traceback
        given = copy.deepcopy(case)
        if self.call is not None:
            returned = self.call(functions, given)
        else:
            returned = functions[0](*(given[a] for a in self.arguments))
        changed = [name for name, value in case.items() if not unchanged(given[name], value)]
        if changed:
            raise argument_changed(self.name, changed[0])
        return returned

    def as_outputs(self, returned: object) -> tuple:
        """What a function returned as a tuple with one entry per output name (a function with
        one output returns that value alone)."""
        return (returned,) if len(self.outputs) == 1 else tuple(returned)

    def expected(self, case: Mapping[str, Any]) -> tuple[float | np.ndarray, ...]:
        """The expected outputs for a case, a tuple with one entry per output name."""
        return tuple(self.expect(**copy.deepcopy(case)))


def unchanged(now: object, before: object) -> bool:
    """Whether a value passed to a function is after the call what a copy made before it is
    (type, shape and numbers; a dict, a tuple or a list entry by entry)."""
    if isinstance(before, np.ndarray):
        return (isinstance(now, np.ndarray) and now.shape == before.shape
                and now.dtype == before.dtype and bool(np.array_equal(now, before, equal_nan=True)))
    if isinstance(before, dict):
        return (isinstance(now, dict) and now.keys() == before.keys()
                and all(unchanged(now[key], value) for key, value in before.items()))
    if isinstance(before, (tuple, list)):
        return (type(now) is type(before) and len(now) == len(before)
                and all(unchanged(this, that) for this, that in zip(now, before)))
    return type(now) is type(before) and bool(now == before)


def leaving_unchanged(name: str, function: Callable[..., Any],
                      arguments: Mapping[str, Any]) -> object:
    """What function (the student's function name) returns on arguments, given by parameter name,
    in order; raises ArgumentChanged when the call changed one of them in place (for arguments a
    check builds from a case, which Exercise.run cannot compare)."""
    kept = copy.deepcopy(dict(arguments))
    returned = function(*arguments.values())
    changed = [key for key, value in arguments.items() if not unchanged(value, kept[key])]
    if changed:
        raise argument_changed(name, changed[0])
    return returned


def argument_changed(function: str, argument: str) -> ArgumentChanged:
    """The error of a function that changed one of its arguments in place."""
    return ArgumentChanged(f"{function} changed its argument {argument} in place: return new "
                           "arrays and leave the arguments as they were.")


# The name and generic diagnosis of an argument changed in place; an exercise may catalogue its
# own Mistake under this name (its check and the grader then give that one). Plain text here: a
# grading worker keeps no Mistake.
CHANGED_IN_PLACE = "changed-in-place"
_IN_PLACE = ("an argument belongs to the caller, who uses it again after the call: x -= ..., "
             "x += ... and x[...] = ... change the caller's array. Compute into a new array "
             "(x - ..., np.zeros_like(x), x.copy()) and return that.")


def contract_verdict(exercise: Exercise, kind: str, text: str) -> tuple[str, Mistake | None]:
    """(message, mistake) for a broken contract: kind, the ContractBroken class's name, and text,
    its message. An argument changed in place gets the exercise's own diagnosis when it
    catalogues one, else the generic one."""
    if kind != ArgumentChanged.__name__:
        return text, None
    mistake = next((m for m in exercise.mistakes if m.name == CHANGED_IN_PLACE),
                   Mistake(CHANGED_IN_PLACE, _IN_PLACE, None))
    return f"{text}\nMistake: {mistake.diagnosis}", mistake


CONTRACT_KINDS = (ContractBroken.__name__, ArgumentChanged.__name__)


def kind_of(value: object) -> str:
    """What a returned value is, in words: "None", "a number", "a list of 3 values", "an array of
    shape (2,)", "a dict"."""
    if value is None:
        return "None"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} value{'s' * (len(value) != 1)}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return "a number"
    name = getattr(value, "type_name", type(value).__name__)
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def promised(returned: object, outputs: Sequence[str]) -> str | None:
    """None when returned is a tuple with one value per name in outputs, else what is wrong:
    "returned a list of 2 values; it should return a tuple of 2 values: (dx, dy) ..."."""
    if isinstance(returned, tuple) and len(returned) == len(outputs):
        return None
    text = (f"returned {kind_of(returned)}; it should return a tuple of {len(outputs)} values: "
            f"({', '.join(outputs)})")
    if isinstance(returned, list) and len(returned) == len(outputs):
        text += f": write return {', '.join(outputs)}, without brackets"
    return text + "."


def unpack(name: str, returned: object, outputs: Sequence[str]) -> tuple:
    """returned, when it is the tuple of len(outputs) values that function name promises; else
    raises ContractBroken saying what came back."""
    problem = promised(returned, outputs)
    if problem:
        raise ContractBroken(f"{name} {problem}")
    return returned


def with_cache(name: str, returned: object, output: str, keys: Sequence[str]) -> tuple:
    """(output's value, then the cache's values under keys, in order) of what a forward pass
    named name returned: the promised (output, cache), whose cache is a dict holding every key
    (the next exercise reads them all); else raises ContractBroken saying what is missing."""
    _, cache = unpack(name, returned, (output, "cache"))
    return (returned[0], *keyed(name, "cache", cache, keys, " (the next exercise reads them)"))


def keyed(name: str, what: str, value: object, keys: Sequence[str], why: str = "") -> tuple:
    """value's entries under keys, in order, when value is a dict holding every key; else raises
    ContractBroken naming function name, what its docstring calls the dict, and what is missing."""
    listed = ", ".join(keys)
    if not isinstance(value, dict):
        raise ContractBroken(f"{name} returned {kind_of(value)} as its {what}; it should be a dict "
                             f"with the keys {listed}{why}.")
    missing = [key for key in keys if key not in value]
    if len(missing) == len(keys):
        raise ContractBroken(f"{name}'s {what} holds none of the keys {listed}{why}.")
    if missing:
        raise ContractBroken(f"{name}'s {what} has no key {', '.join(map(repr, missing))}: it "
                             f"should hold every one of {listed}{why}.")
    return tuple(value[key] for key in keys)


def cache_outputs(output: str, keys: Sequence[str]) -> tuple[str, ...]:
    """The output names of a forward pass judged with with_cache: output, then cache['key']."""
    return (output, *(f"{_CACHED}{key!r}]" for key in keys))


_CACHED = "cache["   # how the name of a cached value starts: a value, not a gradient


def floats(value: object) -> np.ndarray | None:
    """value as a float array, or None when it is not numbers (or holds an integer too large for
    a float): judging converts returned values only through here, so none makes it raise."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None


def call_text(exercise: Exercise, case: Mapping[str, Any]) -> str:
    """How a call on a case reads: name(argument=value, ...) with any other case values."""
    args = ", ".join(f"{a}={describe(case[a])}" for a in exercise.arguments if a in case)
    given = ", ".join(f"{k}={describe(v)}" for k, v in case.items() if k not in exercise.arguments)
    return f"{exercise.name}({args})" + (f" with {given}" if given else "")


def judge(exercise: Exercise, case: Mapping[str, Any], returned: object,
          hidden: bool = False) -> str | None:
    """Compare what a function returned with the expected outputs for one case.

    Returns None when right, else a message that names the wrong output, shows expected and
    actual values (shapes only for hidden cases, whose inputs stay secret) and then either names
    the catalogued mistake the answer matches or gives the exercise's hint.
    """
    return verdict(exercise, case, returned, hidden)[0]


def verdict(exercise: Exercise, case: Mapping[str, Any], returned: object,
            hidden: bool = False, expected: tuple | None = None) -> tuple[str | None, Mistake | None]:
    """(message, mistake) for one case: (None, None) when right; else judge's message and the
    catalogued Mistake the returned values match, else a "looks-like-..." one when the wrong
    output is a simple transform of the right one, else None. expected: the case's expected
    outputs when already known (exercise.expected(case), which is computed otherwise)."""
    expected = exercise.expected(case) if expected is None else expected
    outputs = exercise.outputs
    if len(outputs) == 1:
        returned = (returned,)
    elif problem := promised(returned, outputs):
        return f"{_where(exercise, case, hidden)} {problem}", None
    for k, (name, want, got) in enumerate(zip(outputs, expected, returned)):
        problem = _compare(want, got, exercise.rtol, exercise.atol, hidden, exercise.shows_answer)
        if problem:
            where = f"{_where(exercise, case, hidden)} returned a wrong {name}: {problem}"
            mistake = diagnose(exercise, case, returned, expected)
            if mistake:
                return f"{where}\nMistake: {mistake.diagnosis}", mistake
            pattern = resemblance(exercise, k, returned, expected) if exercise.shows_answer else None
            looks = f"Looks like: {pattern.diagnosis}\n" if pattern else ""
            return f"{where}\n{looks}Hint: {exercise.hint}", pattern
    return None, None


def _where(exercise, case, hidden):
    """Which call a verdict is about: the call on a visible case, or a hidden test's shapes."""
    if hidden:
        return f"On a hidden test with random inputs{_shapes(exercise, case)}, {exercise.name}"
    return call_text(exercise, case)


def resemblance(exercise: Exercise, k: int, returned: Sequence[object],
                expected: Sequence[float | np.ndarray]) -> Mistake | None:
    """A Mistake named "looks-like-..." when output k, wrong, is a simple transform of the right
    answer (all zeros, negated, scaled, transposed, or another output's value), else None."""
    name = exercise.outputs[k]
    got, want = floats(returned[k]), floats(expected[k])
    if got is None or want is None or name.startswith(_CACHED):
        return None
    if want.ndim == 2 and _close(got, want.T, exercise):
        return _found("transposed", f"{name} is the transpose of the right gradient: a gradient has "
                      "the shape of its variable, and dimension analysis gives the order of the "
                      "product (with square matrices, shapes alone cannot tell).")
    if got.shape != want.shape:
        return None
    factor = _factor(got, want, exercise)
    if factor is not None:
        return _found(*_SCALED.get(factor, ("scaled", f"{name} is {factor:.3g} times the right "
                      "values: a constant factor (a 2 from a square, a learning rate, an "
                      "average's 1/N, the upstream gradient) is missing or extra.")), name=name)
    others = [other for j, other in enumerate(exercise.outputs)
              if j != k and j < len(expected) and _close(got, expected[j], exercise)]
    if others:
        return _found("swapped", f"{name} holds the right value of {others[0]}: two outputs are "
                      "swapped, or one was computed with the other's formula.")
    return None


_SCALED = {0.0: ("zero", "{name} is all zeros: no gradient reached it. Check that every path into "
                 "it adds its share (+=) and that it is returned."),
           -1.0: ("negated", "{name} has the right size but the wrong sign: check the sign of each "
                  "local gradient on its paths (a subtraction, 1/x, y - yhat against yhat - y).")}


def _found(kind, text, name=""):
    return Mistake(f"looks-like-{kind}", text.format(name=name), None)


def _factor(got, want, exercise):
    """c when got = c * want for one constant c other than 1, else None. Where fewer than two
    entries of want are nonzero, any number is some multiple of another: then only 0 and -1 count."""
    if got.shape != want.shape or np.max(np.abs(want), initial=0.0) <= exercise.atol:
        return None
    if np.sum(np.abs(want) > exercise.atol) < 2:
        return next((c for c in _SCALED if np.allclose(got, c * want, exercise.rtol, exercise.atol)), None)
    with np.errstate(all="ignore"):   # nan, inf or huge values make no factor
        c = float(np.sum(got * want) / np.sum(want * want))
    if not np.isfinite(c):
        return None
    c = round(c) if abs(c - round(c)) < 1e-9 else c
    if abs(c - 1) < 1e-6 or not np.allclose(got, c * want, exercise.rtol, exercise.atol * 10):
        return None
    return float(c)


def _close(this, that, exercise):
    """Whether two values are the same numbers within the exercise's tolerance, shapes included."""
    this, that = floats(this), floats(that)
    return (this is not None and that is not None and this.shape == that.shape
            and bool(np.allclose(this, that, exercise.rtol, exercise.atol)))


def diagnose(exercise: Exercise, case: Mapping[str, Any], returned: Sequence[object],
             expected: Sequence[float | np.ndarray]) -> Mistake | None:
    """The first catalogued Mistake whose outputs on this case equal the returned ones (and differ
    from the expected ones), or None. returned, expected: tuples, one entry per output."""
    for mistake in exercise.mistakes:
        if mistake.returns is None:   # recognised from how the function behaved, not its values
            continue
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
    return all(_close(this, that, exercise) for this, that in zip(these, those))


def _shapes(exercise, case):
    """' (W of shape (3, 4), ...)' for the array inputs of a case, or '' when all are numbers."""
    shapes = [f"{a} of shape {case[a].shape}" for a in exercise.arguments
              if isinstance(case.get(a), np.ndarray)]
    return f" ({', '.join(shapes)})" if shapes else ""


def _compare(want, got, rtol, atol, hidden, shows_answer):
    want = np.asarray(want, dtype=float)
    if got is None:
        return "it is None (did you forget a return?)"
    number = floats(got)
    if number is None:
        return ("expected a number or a numpy array of numbers, got a "
                f"{getattr(got, 'type_name', type(got).__name__)}")
    got = number
    if got.shape != want.shape:
        return (f"expected shape {want.shape}, got shape {got.shape} "
                "(a gradient has the shape of its variable)")
    if not np.isfinite(got).all():
        return "it contains nan or inf"
    if all_close(got, want, rtol, atol):
        return None
    if not shows_answer:
        return "that is not what the explorer shows"
    if hidden:
        return "its values are off by a relative error of %.2g" % _rel(want, got)
    return f"expected {describe(want)}, got {describe(got)}"


def all_close(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> bool:
    """np.allclose(got, want, rtol, atol) for two float arrays of one shape, got finite: its test
    written out, as np.allclose's generality costs a scalar 20 us and every output of every case
    is judged by it."""
    return bool(np.isfinite(want).all() and (np.abs(got - want) <= atol + rtol * np.abs(want)).all())


def _rel(want, got):
    return float(np.max(np.abs(want - got) / np.maximum(np.abs(want) + np.abs(got), 1e-12)))


def check(exercise: Exercise | str, *functions: Callable[..., Any], hidden: bool = False,
          rng: np.random.Generator | None = None) -> None:
    """Run an exercise's visible cases (or, with hidden=True, freshly drawn random ones).

    exercise: an Exercise or its name; functions: the student functions, in the order the
    exercise uses them. Raises CheckFailed with a message on the first wrong case; prints a
    one-line confirmation when all pass.
    """
    __tracebackhide__ = True  # a failing check's traceback shows the student's code only
    from course.exercises import EXERCISES
    if isinstance(exercise, str) and exercise not in EXERCISES:   # a stale install, or unregistered
        from course.version import unknown_exercise
        raise LookupError(unknown_exercise(exercise)) from None
    _warn_if_stale()
    exercise = EXERCISES[exercise] if isinstance(exercise, str) else exercise
    cases = exercise.draw_hidden(rng or np.random.default_rng()) if hidden else exercise.visible
    for number, case in enumerate(cases, 1):
        try:
            returned = exercise.run(functions, case)
        except ContractBroken as broken:
            message, _ = contract_verdict(exercise, type(broken).__name__, str(broken))
            raise type(broken)(message) from None
        except Exception as error:
            _show_as_theirs(error, f"check({exercise.name!r}): your code raised the error above "
                            f"on {_which(exercise, case, number, hidden)}.")
            raise
        message = judge(exercise, case, returned, hidden)
        if message:
            raise CheckFailed(message)
    kind = "hidden random" if hidden else "visible"
    print(f"{exercise.name}: passed {len(cases)} {kind} check{'s' * (len(cases) != 1)}.")


def _warn_if_stale():
    """Warn (once per notebook) when the notebook is newer than the course package here."""
    from course.version import StaleCourseWarning, stale_notebook_note
    note = stale_notebook_note()
    if note:
        warnings.warn(note, StaleCourseWarning, stacklevel=3)


_COURSE = str(Path(__file__).resolve().parent)


def _which(exercise, case, number, hidden):
    """Which case a check was on, in a few words: "visible case 2 (x=3, y=-4)" (its values only
    when they are short)."""
    if hidden:
        return "a hidden case with random inputs"
    values = ", ".join(f"{name}={describe(value)}" for name, value in case.items())
    return f"visible case {number}" + (f" ({values})" if len(values) <= 120 else "")


def _show_as_theirs(error, summary):
    """Make IPython show a student's exception, raised inside a check, with their frames only and
    summary under it (an exception that takes no attributes is shown as it is)."""
    try:
        error._render_traceback_ = lambda: student_traceback(error) + [summary]
    except (AttributeError, TypeError):
        pass


def student_traceback(error: BaseException) -> list[str]:
    """IPython's traceback of error (lines, as its showtraceback makes them) without the frames of
    the course's code: hint texts, mistake catalogues and expected values stay out of sight."""
    from IPython import get_ipython
    kept, entry = [], error.__traceback__
    while entry is not None:
        if not entry.tb_frame.f_code.co_filename.startswith(_COURSE):
            kept.append(entry)
        entry = entry.tb_next
    trimmed = None
    for entry in reversed(kept):
        trimmed = types.TracebackType(trimmed, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return get_ipython().InteractiveTB.structured_traceback(type(error), error, trimmed)
