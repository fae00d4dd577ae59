"""A small sample class made from the course's own notebooks: a dozen submissions of one
assignment that cover every status, for the demo and the benchmark."""
from __future__ import annotations

import copy
from pathlib import Path
import shutil
from typing import TYPE_CHECKING

import nbformat

from autograder import notebooks
from autograder.regions import course_markers, solution_code

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


def copy_course(root: Path | str, folder: Path | str, names: Iterable[str] | None = None) -> Path:
    """A throwaway course directory at folder with root's nbgrader_config.py and the source and
    release of the named assignments (default: all); returns folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(root) / "nbgrader_config.py", folder)
    for sub in ("source", "release"):
        for name in names or [p.name for p in (Path(root) / sub).iterdir() if p.is_dir()]:
            shutil.copytree(Path(root) / sub / name, folder / sub / name)
    return folder


def solutions(root: Path | str, assignment: str, notebook: str) -> dict[str, str]:
    """The instructor's solution cells of a source notebook, solution markers removed: dict
    grade_id -> cell source."""
    source = notebooks.read(Path(root) / "source" / assignment / notebook)
    markers = course_markers(root)
    return {c.metadata["nbgrader"]["grade_id"]: solution_code(c.source, markers)[0]
            for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}


def solved_release(root: Path | str, assignment: str, notebook: str) -> nbformat.NotebookNode:
    """The release notebook with every solution cell filled in from the source: what a student
    who got everything right submits."""
    release = notebooks.read(Path(root) / "release" / assignment / notebook)
    solved = solutions(root, assignment, notebook)
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in solved:
            cell.source = solved[grade_id]
    return release


def replace_in(nb: nbformat.NotebookNode, grade_id: str, old: str, new: str) -> nbformat.NotebookNode:
    """A copy of nb whose cell grade_id has old replaced by new (old must be there)."""
    source = _cell(nb, grade_id).source
    assert old in source, f"{old!r} is not in {grade_id}"
    return with_source(nb, grade_id, source.replace(old, new))


def with_source(nb: nbformat.NotebookNode, grade_id: str, source: str) -> nbformat.NotebookNode:
    """A copy of nb whose cell grade_id holds source instead."""
    nb = copy.deepcopy(nb)
    _cell(nb, grade_id).source = source
    return nb


def _cell(nb, grade_id):
    found = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    if not found:
        raise LookupError(f"no cell has the grade id {grade_id}: a solution cell's grade id is the name "
                          "of the function it defines (backprop-course validate finds the cell)")
    return found[0]


def with_cell(nb: nbformat.NotebookNode, source: str, before: str | None = None) -> nbformat.NotebookNode:
    """A copy of nb with a code cell added at the end, or before the cell whose grade id is given."""
    nb = copy.deepcopy(nb)
    index = len(nb.cells)
    if before is not None:
        index = next(i for i, c in enumerate(nb.cells)
                     if c.metadata.get("nbgrader", {}).get("grade_id") == before)
    nb.cells.insert(index, nbformat.v4.new_code_cell(source))
    return nb


def gates_class(root: Path | str) -> dict[str, nbformat.NotebookNode | bytes | None]:
    """student id -> notebook (or bytes for a broken file, None for nothing submitted), for
    03_gates: one submission per status and common mistake."""
    solved = solved_release(root, "03_gates", "gates.ipynb")
    blank = notebooks.read(Path(root) / "release" / "03_gates" / "gates.ipynb")
    tampered = replace_in(solved, "check_mul_backward", 'check("mul_backward", mul_backward)',
                          'print("mul_backward: passed 1 visible check.")')
    return {
        "sample-01-correct": solved,
        "sample-02-blank": blank,
        "sample-03-mul-not-swapped": replace_in(solved, "mul_backward", "return y * dout, x * dout",
                                                "return x * dout, y * dout"),
        "sample-04-max-tie-to-y": replace_in(solved, "max_backward", "if x >= y:", "if x > y:"),
        "sample-05-numpy-warning": with_cell(solved, "import numpy as np\nnp.log(-1.0)"),
        "sample-06-infinite-loop": replace_in(solved, "add_backward", "return 1.0 * dout, 1.0 * dout",
                                              "while True:\n        pass"),
        "sample-07-exits-at-the-end": with_cell(solved, "import os\nos._exit(0)"),
        "sample-08-segfault": replace_in(solved, "max_backward", "if x >= y:",
                                         "import ctypes\n    ctypes.string_at(0)\n    if x >= y:"),
        "sample-09-memory-bomb": replace_in(solved, "mul_backward", "return y * dout, x * dout",
                                            "hoard = bytearray(8 * 2**30)\n    return y * dout, x * dout"),
        "sample-10-corrupted": b'{"cells": [{"cell_type": "code", "source": "def mul_backward(',
        "sample-11-nothing-submitted": None,
        "sample-12-edited-test-cell": tampered,
    }


def write_class(root: Path | str, assignment: str, notebook: str,
                submissions: Mapping[str, nbformat.NotebookNode | bytes | None]) -> None:
    """Write submissions (student id -> notebook, bytes or None) as root/submitted/<student>/
    <assignment>/<notebook>."""
    for student, content in submissions.items():
        folder = Path(root) / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / notebook
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            nbformat.write(content, path)
