"""The course package's version: it changes whenever the exercises do.

VERSION is raised whenever an exercise is added, removed or renamed, or changes its arguments,
outputs or catalogued mistakes; tests/test_course_version.py fails until CATALOGUE_DIGEST, the
digest of the exercises this version holds, is brought up to date with it. Releases record VERSION
in their notebooks' metadata, and the grader and `check` compare it with the package installed
beside them, so a stale install says so instead of failing on a name it does not know.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

VERSION = "0.5.0"
CATALOGUE_DIGEST = "8e45d5c9fe96"


def installed() -> str:
    """The version of the course package this Python imports (also what a Dask worker reports)."""
    return VERSION


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
            "it in EXERCISES of course/assignments/<assignment>/exercises.py "
            "(`backprop-course validate` says where).")
