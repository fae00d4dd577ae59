"""The autograded notebook that nbgrader's formgrader opens for a submission:
autograded/<student>/<assignment>/<notebook>.ipynb.

It is the student's notebook as submitted (code, markdown, outputs), with each test cell holding
the source students were given and, as its one output, the verdict (status, points, the message
the student sees), never a hidden test or a hidden input. Test cells carry nbgrader's grade
metadata and a checksum of the cell as written; a test cell the student deleted is put back at the
end. A notebook that was missing or could not be read gets one that says so, with its test cells,
so that a person can still give it points. The page formgrader makes of it runs in the grader's
browser, so what could run there is left out: outputs other than plain text, PNG and JPEG
pictures, cell attachments and metadata other than nbgrader's, and HTML tags and links in
markdown (shown as text)."""
from __future__ import annotations

from functools import lru_cache
import json
import os
from pathlib import Path
import re
from typing import TYPE_CHECKING

import nbformat
from nbgrader.utils import compute_checksum

from autograder.regions import visible_part

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from autograder.assignment import GradedCell
    from autograder.results import ExerciseResult, SubmissionResult
    from autograder.submission import SubmittedNotebook

SHOWN_DATA = ("text/plain", "image/png", "image/jpeg")   # output data a grader's browser shows safely
VERDICT = "backprop_course"   # the key of a verdict output's metadata: {status, score, max_score}
_TAG = re.compile(r"<(?=[A-Za-z/!?])")   # the start of an HTML tag, comment or declaration
_KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
           "language_info": {"name": "python"}}


def write_autograded(root: Path | str, result: SubmissionResult,
                     matched: Sequence[SubmittedNotebook]) -> None:
    """Write autograded/<student>/<assignment>/<notebook>.ipynb for every notebook of the
    submission (matched: its SubmittedNotebooks), each file replaced whole."""
    folder = Path(root) / "autograded" / result.student / result.assignment
    folder.mkdir(parents=True, exist_ok=True)
    verdicts = {(e.notebook, e.grade_id): e for e in result.exercises}
    for submitted in matched:
        name = submitted.spec.name
        notebook = autograded_notebook(submitted, {g.grade_id: verdicts[(name, g.grade_id)]
                                                   for g in submitted.spec.graded})
        temporary = folder / f".{name}.tmp"
        temporary.write_text(json.dumps(notebook))   # one line: json's fast encoder
        os.replace(temporary, folder / name)


def autograded_notebook(submitted: SubmittedNotebook, verdicts: Mapping[str, ExerciseResult]) -> dict:
    """The autograded notebook (nbformat 4 as plain JSON data) of one submitted notebook;
    verdicts: grade id -> the ExerciseResult of that test cell."""
    spec = submitted.spec
    tests = {g.grade_id: g for g in spec.graded}
    nb = submitted.notebook
    cells, placed, solutions = [], set(), set()
    if nb is None:
        cells.append(_markdown(f"**This notebook could not be graded:** {submitted.problem}. "
                               "Give its exercises points here by hand if it deserves them."))
    for cell in nb["cells"] if nb is not None else ():
        grade_id = _grade_id(cell)
        if grade_id in tests and grade_id not in placed:
            placed.add(grade_id)
            cells.append(_test_cell(tests[grade_id], verdicts[grade_id]))
        else:
            cells.append(_as_submitted(cell, spec.markers, solutions))
    cells += [_test_cell(g, verdicts[g.grade_id]) for g in spec.graded if g.grade_id not in placed]
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    metadata = nb.get("metadata", {}) if nb is not None else {}
    kept = {key: metadata[key] for key in _KERNEL if isinstance(metadata.get(key), dict)}
    return {"cells": cells, "metadata": {**_KERNEL, **kept}, "nbformat": 4, "nbformat_minor": 5}


def _grade_id(cell):
    meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell.get("metadata"), dict) else None
    return meta.get("grade_id") if isinstance(meta, dict) else None


def _test_cell(graded: GradedCell, verdict: ExerciseResult) -> dict:
    """A test cell as released, with the verdict as its output, its metadata nbgrader's."""
    text = (f"Autograder: {verdict.status}, {verdict.score:g} of {verdict.max_score:g} point(s)\n"
            + (verdict.message or "Right on every check."))
    output = {"output_type": "display_data", "data": {"text/plain": text},
              "metadata": {VERDICT: {"status": str(verdict.status), "score": verdict.score,
                                     "max_score": verdict.max_score}}}
    meta = {**_test_meta(graded), "checksum": _checksum(graded)}
    return {"cell_type": "code", "execution_count": None, "outputs": [output],
            "metadata": {"deletable": False, "editable": False, "nbgrader": meta},
            "source": graded.visible_source}


def _test_meta(graded):
    return {"cell_type": "code", "grade": True, "grade_id": graded.grade_id, "locked": True,
            "points": graded.points, "schema_version": 3, "solution": False, "task": False}


@lru_cache(maxsize=None)
def _checksum(graded):
    """nbgrader's checksum of a test cell as released: it covers the cell's source, kind, grade
    id, points and flags, not its output, so it is the same for every submission."""
    cell = {"cell_type": "code", "metadata": {"nbgrader": _test_meta(graded)},
            "source": graded.visible_source}
    return compute_checksum(nbformat.from_dict(cell))


def _as_submitted(cell, markers, solutions):
    """A student's cell as they submitted it, with only what is safe to show: any hidden-test
    region taken out (a submitted source notebook has them), nbgrader metadata kept only on the
    first solution cell of each grade id (solutions: the grade ids already kept)."""
    source = cell.get("source", "")
    source = "".join(map(str, source)) if isinstance(source, list) else str(source)
    if markers.begin_hidden in source:
        source = visible_part(source, markers)
    kind = cell.get("cell_type")
    if kind == "code":
        return {"cell_type": "code", "execution_count": _count(cell.get("execution_count")),
                "metadata": _solution_meta(cell, solutions), "source": source,
                "outputs": [kept for output in _list(cell.get("outputs")) if (kept := _output(output))]}
    if kind == "markdown":
        return _markdown(source, _solution_meta(cell, solutions))
    return {"cell_type": "raw", "metadata": {}, "source": source}


def _markdown(source, metadata=None):
    """A markdown cell whose HTML tags and links show as text (a link could run a script)."""
    shown = _TAG.sub("&lt;", source).replace("](", "]\\(").replace("]:", "]\\:")
    return {"cell_type": "markdown", "metadata": metadata or {}, "source": shown}


def _solution_meta(cell, solutions):
    meta = cell.get("metadata", {}).get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    if not (isinstance(grade_id, str) and meta.get("solution") is True and not meta.get("grade")
            and grade_id not in solutions):
        return {}
    solutions.add(grade_id)
    kept = {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
            "solution": True, "task": False, "cell_type": cell.get("cell_type")}
    if isinstance(meta.get("checksum"), str):
        kept["checksum"] = meta["checksum"]
    return {"nbgrader": kept}


def _output(output):
    """An output with only what is safe to show, or None."""
    if not isinstance(output, dict):
        return None
    kind = output.get("output_type")
    if kind == "stream":
        return {"output_type": "stream", "name": "stderr" if output.get("name") == "stderr" else "stdout",
                "text": _text(output.get("text"))}
    if kind == "error":
        return {"output_type": "error", "ename": _text(output.get("ename")),
                "evalue": _text(output.get("evalue")),
                "traceback": [_text(line) for line in _list(output.get("traceback"))]}
    if kind in ("display_data", "execute_result"):
        data = output.get("data") if isinstance(output.get("data"), dict) else {}
        data = {mime: _text(data[mime]) for mime in SHOWN_DATA if mime in data}
        if not data:
            return None
        kept = {"output_type": kind, "data": data, "metadata": {}}
        if kind == "execute_result":
            kept["execution_count"] = _count(output.get("execution_count"))
        return kept
    return None


def _text(value):
    return "".join(map(str, value)) if isinstance(value, list) else str(value if value is not None else "")


def _list(value):
    return value if isinstance(value, list) else []


def _count(value):
    return value if type(value) is int else None
