"""Reading one student's submitted notebooks safely: which file stands for which notebook, which of
its cells to run, and what was tampered with."""
from dataclasses import dataclass, field
from pathlib import Path
import hashlib
import json

import nbformat

from autograder.assignment import visible_part

MAX_NOTEBOOK_BYTES = 8 * 2**20


class Ungradable(Exception):
    """A notebook file that cannot be read as a notebook; the message says why."""


@dataclass
class SubmittedNotebook:
    """A submitted notebook matched to a NotebookSpec: the code cells to run (index, source),
    notes for a person, and what was tampered with (list of sentences)."""
    spec: object
    path: Path = None
    cells: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    tampered: list = field(default_factory=list)
    problem: str = ""   # why it cannot be graded ("missing", or a reading error)


def fingerprint(folder):
    """A hash of every file in a submission folder: a changed submission is graded again."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def read_notebook(path):
    """The notebook at path as nbformat 4, or Ungradable with a plain reason."""
    size = path.stat().st_size
    if size == 0:
        raise Ungradable(f"{path.name} is an empty file")
    if size > MAX_NOTEBOOK_BYTES:
        raise Ungradable(f"{path.name} is {size // 2**20} MiB, over the {MAX_NOTEBOOK_BYTES // 2**20} MiB limit")
    try:
        raw = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as error:
        raise Ungradable(f"{path.name} is not valid notebook JSON ({error})") from None
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as error:  # nbformat raises many kinds for malformed notebooks
        raise Ungradable(f"{path.name} is not a readable notebook ({type(error).__name__}: "
                         f"{str(error)[:200]})") from None
    if not isinstance(nb.get("cells"), list):
        raise Ungradable(f"{path.name} has no list of cells")
    return nb


def match_notebooks(folder, specs):
    """SubmittedNotebooks for each spec, from the files in a submission folder.

    A spec's own file name is used when present; otherwise an unclaimed notebook that holds the
    spec's test cells (a renamed copy); otherwise the notebook is missing. Extra notebooks are
    noted and ignored.
    """
    folder = Path(folder)
    files = {p.name: p for p in sorted(folder.glob("*.ipynb"))}
    matched, readable = [], {}
    for name, path in files.items():
        try:
            readable[name] = read_notebook(path)
        except Ungradable as error:
            readable[name] = error
    claimed = set()
    for spec in specs:
        name = spec.name if spec.name in files else _renamed(spec, readable, claimed)
        submitted = SubmittedNotebook(spec)
        if name is None:
            submitted.problem = f"{spec.name} was not submitted"
        else:
            claimed.add(name)
            submitted.path = files[name]
            if name != spec.name:
                submitted.notes.append(f"{spec.name} was submitted as {name}")
            if isinstance(readable[name], Ungradable):
                submitted.problem = str(readable[name])
            else:
                _select_cells(submitted, readable[name])
        matched.append(submitted)
    for name in sorted(set(files) - claimed):
        for submitted in matched[:1]:
            submitted.notes.append(f"the extra notebook {name} was not graded")
    return matched


def _renamed(spec, readable, claimed):
    for name, nb in readable.items():
        if name not in claimed and not isinstance(nb, Ungradable) and spec.grade_ids & {
                c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}:
            return name
    return None


def _select_cells(submitted, nb):
    """Keep the code cells to run: not the test cells (the course's own checks grade), not the
    given display-only cells; record tampering with the test cells."""
    spec = submitted.spec
    kernel = nb.get("metadata", {}).get("kernelspec")
    language = str(kernel.get("language", "python"))[:20] if isinstance(kernel, dict) else "python"
    if language.lower() != "python":
        submitted.notes.append(f"{spec.name} asks for a {language} kernel; it was run as Python")
    tests = {cell.grade_id: cell for cell in spec.graded}
    visible = {cell.visible_source for cell in spec.graded}
    seen = {}
    for index, cell in enumerate(nb.cells):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        meta = cell.get("metadata", {}).get("nbgrader", {})
        meta = meta if isinstance(meta, dict) else {}
        grade_id = meta.get("grade_id")
        if grade_id in tests:
            seen[grade_id] = (cell, visible_part(source), meta)
        if cell.get("cell_type") != "code":
            continue
        if grade_id in tests or visible_part(source) in visible or source.strip() in spec.display_only:
            continue
        submitted.cells.append((index, source))
    for grade_id, test in tests.items():
        if grade_id not in seen:
            submitted.tampered.append(f"the test cell {grade_id} was deleted or lost its nbgrader metadata")
            continue
        cell, source, meta = seen[grade_id]
        if cell.get("cell_type") != "code":
            submitted.tampered.append(f"the test cell {grade_id} was turned into {cell.get('cell_type')}")
        elif source != test.visible_source:
            submitted.tampered.append(f"the test cell {grade_id} was edited")
        if meta.get("points") != test.points or not meta.get("grade"):
            submitted.tampered.append(f"the nbgrader metadata of {grade_id} was changed")
