"""The course's answer machinery, and how a grading worker gets rid of it before student code runs.

The exercise definitions (`course.exercises`: expected values, hidden cases, mistake catalogues)
can compute every answer, and every student has them installed. A grading worker imports them
once, keeps of each exercise only how to call the student's functions (its own way of calling
cut loose from its module), then replaces the modules by stand-ins and checks that nothing of
them is left in memory. The stand-ins, `course.check` and the numerical-gradient helpers report
when they are touched while an exercise is being called (the grader then flags that exercise for a
person); in a notebook cell `course.check` does nothing, as the skipped test cells do.
"""
from __future__ import annotations

import builtins
import dataclasses
import gc
import sys
import types
from typing import TYPE_CHECKING

from autograder import student

if TYPE_CHECKING:
    from course.checks import Exercise

MACHINERY = "course.exercises"
NUMGRAD = ("centered_difference", "numerical_gradient", "rowwise_gradient", "input_gradients",
           "relative_error")   # 14 grades a relative error of the students' own
CALLS = {}   # exercise name -> an Exercise with nothing but its name, arguments and way of calling


class MachineryLeft(RuntimeError):
    """Something of the answer machinery is still reachable in a grading worker."""


def purge() -> dict[str, Exercise]:
    """Keep in CALLS how to call each exercise, replace the answer machinery by stand-ins and
    check that nothing of it is left; returns CALLS."""
    import course
    import course.checks
    from course.exercises import EXERCISES
    import course.numgrad
    detached = {}
    for name, exercise in EXERCISES.items():
        CALLS[name] = dataclasses.replace(
            exercise, visible=(), hint="", mistakes=(),
            draw_hidden=_refusing(f"the hidden cases of {name}"),
            expect=_refusing(f"the expected values of {name}"),
            call=exercise.call and _detach(exercise.call, detached))
    del EXERCISES, exercise, detached
    for name in [m for m in sys.modules if _is_machinery(m)]:
        sys.modules[name] = _StandIn(name)
    course.exercises = sys.modules[MACHINERY]
    course.check = course.checks.check = _reporting("course.check", lambda *args, **kwargs: None)
    for name in NUMGRAD:
        setattr(course.numgrad, name, _reporting(f"course.numgrad.{name}", getattr(course.numgrad, name)))
    gc.collect()
    left = leftovers()
    if left:
        raise MachineryLeft(f"the answer machinery is still reachable in the grading worker: {left[:5]}")
    return CALLS


def leftovers() -> list[object]:
    """Objects of the answer machinery still alive in this process: exercise definitions with
    their expected values, and functions whose globals are a machinery module's."""
    from course.checks import Exercise, Mistake
    left = []
    for o in gc.get_objects():   # by type, not isinstance: that also asks each object its __class__
        kind = type(o)
        if kind is types.FunctionType:
            if _is_machinery(o.__globals__.get("__name__", "")):
                left.append(o)
        elif issubclass(kind, Mistake) or (issubclass(kind, Exercise) and o.expect.__module__ != __name__):
            left.append(o)
    return left


def _is_machinery(module_name):
    """Whether a module is the registry of exercise definitions or one assignment's definitions
    (course/assignments/<name>/exercises.py)."""
    name = str(module_name)
    return name == MACHINERY or name.startswith(MACHINERY + ".") or (
        name.startswith("course.assignments.") and name.rsplit(".", 1)[-1] == "exercises")


def _detach(function, done):
    """A copy of function whose globals hold only the names its code uses; functions of the
    machinery's modules among them (and in its closure) are detached in turn."""
    if function in done:
        return done[function]
    names = _names(function.__code__)
    scope = {"__builtins__": builtins}
    copy = done[function] = types.FunctionType(function.__code__, scope, function.__name__,
                                               None, _cells(function.__closure__, done))
    scope.update({n: _detached(function.__globals__[n], done) for n in names
                  if n in function.__globals__ and not n.startswith("__")})
    copy.__defaults__ = tuple(_detached(v, done) for v in function.__defaults__ or ()) or None
    copy.__kwdefaults__ = function.__kwdefaults__
    return copy


def _names(code):
    """The names a code object and the code nested in it use (globals among them)."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names(constant)
    return names


def _cells(closure, done):
    if not closure:
        return None
    return tuple(types.CellType(_detached(cell.cell_contents, done)) for cell in closure)


def _detached(value, done):
    from course.checks import Exercise, Mistake
    if isinstance(value, types.FunctionType) and _is_machinery(value.__globals__.get("__name__", "")):
        return _detach(value, done)
    if isinstance(value, (Exercise, Mistake)) or (
            isinstance(value, types.ModuleType) and _is_machinery(value.__name__)):
        raise MachineryLeft(f"an exercise's way of calling needs {value!r}")
    return value


class _StandIn(types.ModuleType):
    """Stands for a module of the answer machinery while grading: touching it is reported and
    fails."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        _refusing(f"{self.__name__}.{name}")()


def _refusing(what):
    """A stand-in for a function of the machinery: calling it is reported and fails."""
    def refusing(*args, **kwargs):
        student.machinery_used(what)
        raise RuntimeError(f"{what}: the course's answer machinery is not available while "
                           "grading. Write the function yourself.")
    return refusing


def _reporting(what, function):
    """function, reporting each call made while an exercise is being called."""
    def reporting(*args, **kwargs):
        student.machinery_used(what)
        return function(*args, **kwargs)
    reporting.__name__ = reporting.__qualname__ = function.__name__
    reporting.__doc__ = function.__doc__
    return reporting
