"""Source mutations that make the reference solutions commit each catalogued mistake, gathered
from tests/assignments/<name>/mutations.py.

MUTATIONS: {(exercise, mistake name): [(old, new), ...]}, the text replacements in the exercise's
solution cell (the solved release, markers removed) that turn the instructor's code into code
that makes that mistake. They live with the tests, not in the course package, because they quote
solution lines.
"""
import importlib
from pathlib import Path

MUTATIONS = {}
for _folder in sorted((Path(__file__).resolve().parents[1] / "assignments").iterdir()):
    if (_folder / "mutations.py").exists():
        MUTATIONS.update(importlib.import_module(f"assignments.{_folder.name}.mutations").MUTATIONS)
