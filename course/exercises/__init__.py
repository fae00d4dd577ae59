"""Every graded exercise of the course, by name (the function students write).

Each assignment defines its exercises in course/assignments/<name>/exercises.py, a tuple
EXERCISES; kit holds the building blocks and the mistakes that several of them share.
"""
import importlib
import pkgutil

import course.assignments

EXERCISES = {}
for _assignment in pkgutil.iter_modules(course.assignments.__path__):
    _package = importlib.import_module(f"course.assignments.{_assignment.name}")
    for _exercise in importlib.import_module(f"{_package.__name__}.exercises").EXERCISES:
        if _exercise.name in EXERCISES:
            raise ValueError(f"two exercises are named {_exercise.name}")
        EXERCISES[_exercise.name] = _exercise
    # The definitions stay reachable here and in sys.modules, not as an attribute of their
    # assignment's package: a grading worker's stand-ins then replace them wholly.
    vars(_package).pop("exercises", None)
for _module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name != "kit"):  # moving
    for _exercise in importlib.import_module(f"{__name__}.{_module}").EXERCISES:
        if _exercise.name in EXERCISES:
            raise ValueError(f"two exercises are named {_exercise.name}")
        EXERCISES[_exercise.name] = _exercise
