"""What grading needs to know about an assignment, read from the instructor's source notebooks:
its notebooks, their exercises and points, and the cells students were given."""
import ast
from dataclasses import dataclass
from pathlib import Path

from autograder import notebooks
from autograder.course_dir import CourseError

_BEGIN, _END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


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
    """One notebook of an assignment: its file name, graded cells, and the code cells students
    were given that only display something (skipped when grading)."""
    name: str
    graded: tuple
    display_only: frozenset

    @property
    def grade_ids(self):
        return {cell.grade_id for cell in self.graded}


def read_assignment(root, assignment):
    """The NotebookSpecs of source/<assignment>, one per notebook, sorted by name."""
    from course.exercises import EXERCISES

    folder = Path(root) / "source" / assignment
    if not folder.is_dir():
        raise CourseError(f"no assignment {assignment} under source/")
    specs = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = notebooks.read(path)
        graded = []
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade"):
                exercise = meta["grade_id"].removeprefix("check_")
                if exercise not in EXERCISES:
                    raise CourseError(f"{path.name}: test cell {meta['grade_id']} names no exercise "
                                      f"of course.exercises (expected check_<function name>)")
                graded.append(GradedCell(meta["grade_id"], exercise, float(meta.get("points", 0)),
                                         visible_part(cell.source)))
        display_only = frozenset(cell.source.strip() for cell in nb.cells
                                 if cell.cell_type == "code" and not cell.metadata.get("nbgrader")
                                 and _only_expressions(cell.source))
        specs.append(NotebookSpec(path.name, tuple(graded), display_only))
    return specs


def visible_part(source):
    """A test cell's code without its hidden tests, stripped: what a release shows. A line that
    starts (after spaces) with ### BEGIN HIDDEN TESTS opens a hidden part, with the blank lines
    before it; the first line that ends with ### END HIDDEN TESTS (the opening one too) closes
    it, with the blank lines after it; one empty line stays in its place. A part never closed
    hides nothing: it and the rest stay, so text after a stray BEGIN still counts as an edit of
    a test cell. One pass over the lines, so any text takes time in proportion to its size."""
    lines = source.split("\n")
    kept, floor, state, start = [], 0, "shown", 0   # blank lines below kept[floor] stay
    for i, line in enumerate(lines):
        if state == "closed" and not line.strip():
            floor = len(kept) - (line == "")   # a part right after an empty line takes this one's
            continue
        if state != "hidden" and line.lstrip().startswith(_BEGIN):
            start = i
            while len(kept) > floor and not kept[-1].strip():
                kept.pop()
                start -= 1
            state, line = "hidden", line.lstrip()[len(_BEGIN):]
        if state == "hidden":
            if line.rstrip().endswith(_END):
                kept.append("")
                floor, state = len(kept), "closed"
            continue
        kept.append(line)
        state = "shown"
    if state == "hidden":
        kept += lines[start:]
    return "\n".join(kept).strip()


def _only_expressions(source):
    """True when a cell's code is nothing but expressions: it shows something, defines nothing."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(statement, ast.Expr) for statement in body)
