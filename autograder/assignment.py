"""What grading needs to know about an assignment, read from the instructor's source notebooks:
its notebooks, their exercises and points, and the cells students were given."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from autograder.course_dir import CourseError
from autograder.regions import Markers, course_markers, visible_part


@dataclass(frozen=True)
class GradedCell:
    """One autograded test cell: its grade id, the exercise it checks, its points, and the
    source students see (hidden tests removed)."""
    grade_id: str
    exercise: str
    points: float
    visible_source: str


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook of an assignment: its file name, graded cells, the code cells students were
    given that only display something (skipped when grading), and the course's nbgrader markers."""
    name: str
    graded: tuple
    display_only: frozenset
    markers: Markers = Markers()

    @property
    def grade_ids(self) -> set[str]:
        return {cell.grade_id for cell in self.graded}


def notebook_paths(root: Path | str, assignment: str) -> list[Path]:
    """The notebooks of source/<assignment>, sorted by name (found, not read)."""
    folder = Path(root) / "source" / assignment
    if not folder.is_dir():
        raise CourseError(f"no assignment {assignment} under source/")
    return sorted(folder.glob("*.ipynb"))


def read_assignment(root: Path | str, assignment: str) -> list[NotebookSpec]:
    """The NotebookSpecs of source/<assignment>, one per notebook, sorted by name."""
    from autograder import notebooks
    from autograder.conventions import package_name
    from course.exercises import EXERCISES

    markers = course_markers(root)
    specs = []
    for path in notebook_paths(root, assignment):
        nb = notebooks.read(path)
        graded = []
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade"):
                exercise = meta["grade_id"].removeprefix("check_")
                if exercise not in EXERCISES:
                    raise CourseError(
                        f"{path.name}: test cell {meta['grade_id']} names no exercise this grader's "
                        f"course package knows: its grade id must be check_<function>, the function "
                        f"registered in EXERCISES of course/assignments/{package_name(assignment)}/"
                        "exercises.py (`backprop-course validate` says where); if it is, this course "
                        "package is older than the notebook: update it")
                graded.append(GradedCell(meta["grade_id"], exercise, float(meta.get("points", 0)),
                                         visible_part(cell.source, markers)))
        display_only = frozenset(cell.source.strip() for cell in nb.cells
                                 if cell.cell_type == "code" and not cell.metadata.get("nbgrader")
                                 and _only_expressions(cell.source))
        specs.append(NotebookSpec(path.name, tuple(graded), display_only, markers))
    return specs


def _only_expressions(source):
    """True when a cell's code is nothing but expressions: it shows something, defines nothing."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(statement, ast.Expr) for statement in body)
