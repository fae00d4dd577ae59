"""Every graded exercise of the course, by name (the function students write): EXERCISES.

Each assignment defines its exercises in course/assignments/<name>/exercises.py, a tuple
EXERCISES; kit holds the building blocks and the mistakes that several of them share. The
registry is gathered when first asked for, so an assignment's definitions (which import kit,
and so this package) may be imported before it.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

import course.assignments

if TYPE_CHECKING:
    from course.checks import Exercise


def __getattr__(name: str) -> dict[str, Exercise]:
    if name != "EXERCISES":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    exercises = {}
    for assignment in pkgutil.iter_modules(course.assignments.__path__):
        package = importlib.import_module(f"course.assignments.{assignment.name}")
        for exercise in importlib.import_module(f"{package.__name__}.exercises").EXERCISES:
            if exercise.name in exercises:
                raise ValueError(f"two exercises are named {exercise.name}")
            exercises[exercise.name] = exercise
        # The definitions stay reachable here and in sys.modules, not as an attribute of their
        # assignment's package: a grading worker's stand-ins then replace them wholly.
        vars(package).pop("exercises", None)
    globals()["EXERCISES"] = exercises
    return exercises
