"""Source mutations that make the reference solutions commit each catalogued mistake.

Each module here holds MUTATIONS: {(exercise, mistake name): [(old, new), ...]}, the text
replacements in the exercise's solution cell (the solved release, markers removed) that turn the
instructor's code into code that makes that mistake. They live with the tests, not in the course
package, because they quote solution lines.
"""
import importlib
import pkgutil

MUTATIONS = {}
for _module in pkgutil.iter_modules(__path__):
    MUTATIONS.update(importlib.import_module(f"{__name__}.{_module.name}").MUTATIONS)
