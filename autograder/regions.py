"""nbgrader's marked regions, read in one place with the markers the course configures
(ClearSolutions.begin/end_solution_delimeter and ClearHiddenTests.begin/end_test_delimeter in
nbgrader_config.py; nbgrader's own defaults otherwise)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Markers:
    """The full marker lines: begin and end of a solution, begin and end of hidden tests."""
    begin_solution: str = "### BEGIN SOLUTION"
    end_solution: str = "### END SOLUTION"
    begin_hidden: str = "### BEGIN HIDDEN TESTS"
    end_hidden: str = "### END HIDDEN TESTS"

    @property
    def hidden(self) -> tuple[str, str]:
        return self.begin_hidden, self.end_hidden

    @property
    def instructor_only(self) -> tuple[str, str]:
        """The markers only an instructor's source notebook holds."""
        return self.begin_solution, self.begin_hidden


def course_markers(root: Path | str) -> Markers:
    """The Markers of the course at root, from its nbgrader_config.py."""
    from autograder.course_dir import nbgrader_config
    config = nbgrader_config(root)
    given = {"begin_solution": config.ClearSolutions.get("begin_solution_delimeter"),
             "end_solution": config.ClearSolutions.get("end_solution_delimeter"),
             "begin_hidden": config.ClearHiddenTests.get("begin_test_delimeter"),
             "end_hidden": config.ClearHiddenTests.get("end_test_delimeter")}
    return Markers(**{name: _line(text) for name, text in given.items() if text})


def _line(delimiter):
    """A configured delimiter as a marker line: nbgrader finds it anywhere in a line, and the
    course writes it behind a comment mark."""
    return delimiter if delimiter.lstrip().startswith("#") else f"### {delimiter}"


def solution_code(source: str, markers: Markers = Markers()) -> tuple[str, int, int]:
    """A solution cell's code without its marker lines, and the numbers of the first and last
    line that were between them (counted from 1 in the code returned): (code, first, last)."""
    lines = source.split("\n")
    begin = next(i for i, line in enumerate(lines) if markers.begin_solution in line)
    end = next(i for i, line in enumerate(lines) if markers.end_solution in line)
    code = "\n".join(line for i, line in enumerate(lines) if i not in (begin, end))
    return code, begin + 1, end - 1


def split(source: str, markers: Markers = Markers()) -> tuple[list[str], list[str]]:
    """(inside, outside): the lines of a source inside solution and hidden-test regions (marker
    lines left out), and the others."""
    ends = {markers.begin_solution: markers.end_solution, markers.begin_hidden: markers.end_hidden}
    inside, outside, closing = [], [], None
    for line in source.split("\n"):
        if closing is None:
            opening = next((begin for begin in ends if begin in line), None)
            if opening is None:
                outside.append(line)
            else:
                closing = ends[opening]
        elif closing in line:
            closing = None
        else:
            inside.append(line)
    return inside, outside


def instructor_markers(source: str, markers: Markers = Markers()) -> set[str]:
    """The instructor-only markers a cell's source holds."""
    return {marker for marker in markers.instructor_only if marker in source}


def visible_part(source: str, markers: Markers = Markers()) -> str:
    """A test cell's code without its hidden tests, stripped: what a release shows. A line that
    starts (after spaces) with the begin marker (### BEGIN HIDDEN TESTS) opens a hidden part,
    with the blank lines before it; the first line that ends with the end marker (the opening one
    too) closes
    it, with the blank lines after it; one empty line stays in its place. A part never closed
    hides nothing: it and the rest stay, so text after a stray BEGIN still counts as an edit of
    a test cell. One pass over the lines, so any text takes time in proportion to its size."""
    begin, end = markers.hidden
    lines = source.split("\n")
    kept, floor, state, start = [], 0, "shown", 0   # blank lines below kept[floor] stay
    for i, line in enumerate(lines):
        if state == "closed" and not line.strip():
            floor = len(kept) - (line == "")   # a part right after an empty line takes this one's
            continue
        if state != "hidden" and line.lstrip().startswith(begin):
            start = i
            while len(kept) > floor and not kept[-1].strip():
                kept.pop()
                start -= 1
            state, line = "hidden", line.lstrip()[len(begin):]
        if state == "hidden":
            if line.rstrip().endswith(end):
                kept.append("")
                floor, state = len(kept), "closed"
            continue
        kept.append(line)
        state = "shown"
    if state == "hidden":
        kept += lines[start:]
    return "\n".join(kept).strip()


