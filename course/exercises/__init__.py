"""Every graded exercise of the course, by name (the function students write).

Each module here (but kit) defines the exercises of one assignment in a tuple EXERCISES.
"""
import importlib
import pkgutil

EXERCISES = {}
for _module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name != "kit"):
    for _exercise in importlib.import_module(f"{__name__}.{_module}").EXERCISES:
        if _exercise.name in EXERCISES:
            raise ValueError(f"two exercises are named {_exercise.name}")
        EXERCISES[_exercise.name] = _exercise
