"""`backprop-course export ASSIGNMENT --format canvas|moodle`: one assignment's scores as the CSV an
LMS imports as it is, one row per student.

Students are matched by the id `collect` filed them under, which is the LMS's own: the Canvas user
id of Canvas's upload names (Canvas's gradebook import matches its ID column), the participant id
of Moodle's folders (Moodle's "Upload grading worksheet" matches "Participant <id>" in its
Identifier column; its importer refuses a worksheet without a "Last modified (grade)" column and
keeps a grade changed in Moodle after that time, so the file carries the time it was written).
Both are numbers; a student filed under anything else (a Blackboard user name, a folder made by
hand) cannot be matched, and is returned to be listed, never dropped silently. Scores are the
gradebook's final scores (autograder.scores.graded): a person's scores where they set one, less
any late penalty."""
from __future__ import annotations

import csv
from datetime import datetime, timezone
import re
import sys
from typing import TYPE_CHECKING

from autograder.course_dir import CourseError
from autograder.gradebook import db_url, open_gradebook
from autograder.safe_text import csv_cell
from autograder.scores import graded

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    import os
    from pathlib import Path
    from typing import TextIO

    from autograder.results import SubmissionResult

FORMATS = ("canvas", "moodle")
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_COLUMNS = ["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)"]
LMS_ID = re.compile(r"[0-9]{1,20}")
CANVAS_COLUMN = re.compile(r".*\S.* \([0-9]+\)")   # "Gates (123456)": name, then the assignment id


def write_lms_csv(graded: Sequence[SubmissionResult], lms: str, out: TextIO, column: str | None = None,
                  names: Mapping[str, str] | None = None) -> list[str]:
    """Write the CSV of one assignment's results for lms ("canvas" or "moodle") to out; column:
    Canvas's header of the assignment, "NAME (ID)"; names: student id -> full name, where the
    gradebook has one. Returns the ids of the students it could not match, in order."""
    names = names or {}
    written = datetime.now(timezone.utc).isoformat(timespec="seconds")   # PHP's strtotime reads it
    writer = csv.writer(out)
    writer.writerow(CANVAS_COLUMNS + [column] if lms == "canvas" else MOODLE_COLUMNS)
    unmatched = []
    for result in graded:
        if not LMS_ID.fullmatch(result.student):
            unmatched.append(result.student)
            continue
        name = csv_cell(names.get(result.student, ""))
        if lms == "canvas":
            writer.writerow([name, result.student, "", "", "", f"{result.final_score:g}"])
        else:
            writer.writerow([f"Participant {result.student}", name, f"{result.final_score:g}",
                             f"{result.max_score:g}", written])
    return unmatched


def export_lms(root: Path | str, assignment: str, lms: str, path: str | os.PathLike[str],
               column: str | None = None) -> tuple[int, list[str]]:
    """Write the LMS's CSV of one assignment to path ("-": standard output); returns (rows
    written, ids of the students not matched)."""
    if lms == "canvas" and not (column and CANVAS_COLUMN.fullmatch(column)):
        raise CourseError(f"--canvas-column {column!r} is not a Canvas assignment column: give its "
                          "header as Canvas's gradebook export writes it, NAME (ID), e.g. "
                          "\"Gates (123456)\"")
    students = graded(root, assignment)
    names = _names(db_url(root))
    if path == "-":
        unmatched = write_lms_csv(students, lms, sys.stdout, column, names)
    else:
        with open(path, "w", newline="", encoding="utf-8") as out:
            unmatched = write_lms_csv(students, lms, out, column, names)
    return len(students) - len(unmatched), unmatched


def _names(url):
    """student id -> "Last, First" (or whichever of the two the gradebook has), for those it has."""
    from nbgrader.api import Student
    with open_gradebook(url) as gradebook:
        people = gradebook.db.query(Student).all()
        return {s.id: ", ".join(part for part in (s.last_name, s.first_name) if part)
                for s in people if s.last_name or s.first_name}
