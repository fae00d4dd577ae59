"""The course package's version: it changes whenever the exercises do.

VERSION is raised whenever an exercise is added, removed or renamed, or changes its arguments,
outputs or catalogued mistakes; tests/test_course_version.py fails until CATALOGUE_DIGEST, the
digest of the exercises this version holds, is brought up to date with it. Releases record VERSION
in their notebooks' metadata, and the grader and `check` compare it with the package installed
beside them, so a stale install says so instead of failing on a name it does not know.
"""
from __future__ import annotations

from functools import lru_cache
import hashlib
import json
import os
from pathlib import Path

VERSION = "0.6.1"
CATALOGUE_DIGEST = "c3b348b235e9"


def installed() -> str:
    """The version of the course package this Python imports (also what a Dask worker reports)."""
    return VERSION


def identity() -> list[str]:
    """[version, folder] of this course package: a grader and its workers compare theirs."""
    return [VERSION, str(Path(__file__).resolve().parent)]


def catalogue_digest() -> str:
    """12 hex digits summing up every exercise: its name, arguments, outputs and mistakes' names."""
    from course.exercises import EXERCISES
    text = "\n".join(f"{e.name}{e.arguments}{e.outputs}{tuple(m.name for m in e.mistakes)}"
                     for e in sorted(EXERCISES.values(), key=lambda e: e.name))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def as_numbers(version: str) -> tuple[int, ...]:
    """"0.2.0" -> (0, 2, 0), to compare versions."""
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def unknown_exercise(name: str) -> str:
    """What `check` says about an exercise this package does not know."""
    where = Path(__file__).resolve().parent
    return (f"the course package installed here (version {VERSION}, in {where}) has no exercise "
            f"{name!r}. If you are a student, your course package is older than this notebook: "
            "update it as your course says (pip install -U backprop-course, or pip install -e . "
            "in the course folder), then restart the kernel. If you wrote this exercise, register "
            f"it in EXERCISES of {_registry(where)} (`backprop-course validate` says where).")


def _registry(package: Path) -> str:
    """Where the exercises of the notebook this kernel runs for are registered: the file and line
    of EXERCISES in course/assignments/<name>/exercises.py, the assignment read from the notebook's
    folder (NN_name: JPY_SESSION_NAME's folder in Jupyter, else the current one), or that path
    with <assignment> when the folder is not an assignment's."""
    notebook = os.environ.get("JPY_SESSION_NAME", "")
    folder = Path(notebook).parent if notebook.endswith(".ipynb") else Path.cwd()
    number, _, name = folder.name.partition("_")
    registry = package / "assignments" / name / "exercises.py"
    if not (number.isdigit() and name and registry.is_file()):
        return "course/assignments/<assignment>/exercises.py"
    lines = registry.read_text(encoding="utf-8").splitlines()
    line = next((k for k, text in enumerate(lines, 1) if text.startswith("EXERCISES")), 1)
    return f"{registry}:{line}"


class StaleCourseWarning(UserWarning):
    """The notebook was released with a newer course version than the package installed."""


def stale_notebook_note() -> str | None:
    """What to do when the notebook this kernel runs for was released with a newer course than
    the package installed here; None otherwise, or where the notebook is not known (Jupyter
    Server gives its kernels the notebook's path as JPY_SESSION_NAME; nbconvert does not)."""
    recorded = _released_with(os.environ.get("JPY_SESSION_NAME", ""))
    if recorded is None or as_numbers(recorded) <= as_numbers(VERSION):
        return None
    return (f"this notebook was released with course version {recorded}, but the course package "
            f"installed here is {VERSION}, so its checks may not be this notebook's: update it as "
            "your course says (pip install -U backprop-course, or pip install -e . in the course "
            "folder), then restart the kernel.")


@lru_cache(maxsize=8)
def _released_with(path: str) -> str | None:
    """The course version recorded in the metadata of the notebook at path (see
    autograder.versions.stamp), or None."""
    if not path.endswith(".ipynb"):
        return None
    try:
        with open(path, encoding="utf-8") as file:
            version = json.load(file)["metadata"]["backprop_course"]["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return version if isinstance(version, str) and as_numbers(version) else None
