"""Reading nbgrader notebooks: their graded cells, solution regions and the errors they raised."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

import nbformat

from autograder.regions import Markers, split

if TYPE_CHECKING:
    from pathlib import Path


def read(path: Path | str) -> nbformat.NotebookNode:
    """The notebook at path (nbformat 4), as nbformat.read makes it without its schema validation
    (see as_version_4)."""
    with open(path, encoding="utf-8") as file:
        return as_version_4(json.load(file, object_hook=nbformat.NotebookNode))


def as_version_4(raw: object) -> nbformat.NotebookNode:
    """Parsed notebook JSON (its objects already NotebookNodes) as an nbformat 4 NotebookNode, as
    nbformat.reads makes it, without its schema validation: that only logs, costs more than the
    rest of reading, and builds its validator first (about 0.07 s in each process)."""
    from nbformat.v4.rwbase import rejoin_lines, strip_transient
    major, minor = nbformat.reader.get_version(raw)
    if major == 4:   # nbformat's reader would convert every object again
        return strip_transient(rejoin_lines(raw))
    if major not in nbformat.versions:
        raise nbformat.reader.NBFormatError(f"notebook format {major} is not one nbformat reads")
    return nbformat.convert(nbformat.versions[major].to_notebook_json(raw, minor=minor), 4)


def errors(nb: nbformat.NotebookNode) -> list[tuple[str, str, str]]:
    """Every error a run left in the notebook: list of (which cell, exception name, message);
    the cell as "code cell N" counting code cells from 1, with its grade id when it has one."""
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    return [(_code_cell_name(n, cell), out.get("ename", ""), out.get("evalue", ""))
            for n, cell in enumerate(code, 1)
            for out in cell.get("outputs", []) if out.output_type == "error"]


def _code_cell_name(number, cell):
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"code cell {number}" + (f" (grade id {grade_id})" if grade_id else "")


def hidden_lines(nb: nbformat.NotebookNode, markers: Markers = Markers()) -> set[str]:
    """The meaningful lines inside solution and hidden-test regions of a source notebook."""
    return set().union(*(_meaningful(split(cell.source, markers)[0]) for cell in nb.cells))


def shown_lines(nb: nbformat.NotebookNode, markers: Markers = Markers()) -> set[str]:
    """The meaningful lines of a notebook outside its solution and hidden-test regions."""
    return set().union(*(_meaningful(split(cell.source, markers)[1]) for cell in nb.cells))


def _meaningful(lines):
    return {line.strip() for line in lines if line.strip() and not line.strip().startswith("#")}
