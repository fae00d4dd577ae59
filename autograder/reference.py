"""The instructor's own functions, the exact reference for what a student's function returns.

They run in the grading process, or on a Dask worker given their source: trusted code from
source/, never a student's.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from autograder import notebooks

if TYPE_CHECKING:
    from course.checks import Exercise

Sources = tuple[tuple[str, str], ...]   # (file name, Python source) pairs, run in order


@lru_cache(maxsize=None)
def instructor_sources(root: Path | str, assignment: str) -> Sources:
    """The code of an assignment's instructor functions: of each of its source notebooks, the
    first code cell (the imports) and every solution cell. Of the first cell's imports, only
    those binding a name the solutions use are kept: pictures and explorers (matplotlib,
    ipywidgets: about a second) are not needed to compute answers."""
    sources = []
    for path in sorted((Path(root) / "source" / assignment).glob("*.ipynb")):
        cells = [c for c in notebooks.read(path).cells if c.cell_type == "code"]
        solutions = [c.source for c in cells if c.metadata.get("nbgrader", {}).get("solution")]
        used = {node.id for text in solutions for node in ast.walk(ast.parse(text))
                if isinstance(node, ast.Name)}
        imports = ast.unparse(_without_unused_imports(ast.parse(cells[0].source), used))
        sources += [(str(path), text) for text in [imports, *solutions]]
    return tuple(sources)


@lru_cache(maxsize=32)
def namespace_of(sources: Sources) -> dict[str, object]:
    """The instructor's functions: the sources run in one namespace (a dict name -> object)."""
    namespace = {}
    for path, text in sources:
        exec(compile(text, path, "exec"), namespace)
    return namespace


@lru_cache(maxsize=None)
def instructor_namespace(root: Path | str, assignment: str) -> dict[str, object]:
    """The instructor's functions of an assignment (a dict name -> object)."""
    return namespace_of(instructor_sources(Path(root), assignment))


def _without_unused_imports(tree: ast.Module, used: set[str]) -> ast.Module:
    """The module tree without its top-level imports that bind none of the names used."""
    def needed(statement):
        if not isinstance(statement, (ast.Import, ast.ImportFrom)):
            return True
        return any((alias.asname or alias.name).split(".")[0] in used for alias in statement.names)
    tree.body = [statement for statement in tree.body if needed(statement)]
    return tree


def exact_outputs(namespace: dict[str, object], exercise: Exercise,
                  case: dict[str, object]) -> tuple | None:
    """What the instructor's functions (namespace: instructor_namespace's) return on a case, as
    a tuple with one entry per output of the exercise; None where they are not there."""
    if not all(callable(namespace.get(name)) for name in exercise.functions):
        return None
    return exercise.as_outputs(exercise.run([namespace[name] for name in exercise.functions], case))


def case_outputs(root: Path | str, assignment: str, exercise: Exercise, k: int,
                 case: dict[str, object]) -> tuple | None:
    """exact_outputs on case k of an exercise's cases (its visible ones first): a visible case's
    are computed once per grading process, as they are the same for every submission."""
    if k < len(exercise.visible):
        return _visible_outputs(root, assignment, exercise.name, k)
    return exact_outputs(instructor_namespace(root, assignment), exercise, case)


@lru_cache(maxsize=None)
def _visible_outputs(root, assignment, name, k):
    from course.exercises import EXERCISES
    exercise = EXERCISES[name]
    return read_only(exact_outputs(instructor_namespace(root, assignment), exercise,
                                   exercise.visible[k]))


def read_only(outputs: tuple | None) -> tuple | None:
    """outputs with every array made read-only: values shared by every submission's judging, so
    that none can change them for the next."""
    for value in outputs or ():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return outputs
