"""`backprop-course export`: the grading results as CSV, one row per student, notebook and exercise."""
from __future__ import annotations

import csv
import sys
from typing import TYPE_CHECKING

from autograder.gradebook import db_url, lateness
from autograder.safe_text import csv_cell
from autograder.scores import graded

if TYPE_CHECKING:
    import os
    from pathlib import Path
    from typing import TextIO

COLUMNS = ["student_id", "assignment", "notebook", "exercise", "score", "max_score", "status",
           "message", "mistake", "seconds_late", "isolation", "manual", "penalty", "final_score"]


def write_csv(root: Path | str, assignment: str | None, out: TextIO) -> int:
    """Write the rows for one assignment (or all, with None) to the open text file out; returns
    the number of rows. Scores are the gradebook's (autograder.scores.graded): score is the
    exercise's, a person's where manual is "yes"; penalty and final_score are the whole
    submission's (the same on each of its rows): its late penalty and its score less the penalty.
    seconds_late is nbgrader's figure from the gradebook, empty where the submission has no
    timestamp or the assignment no due date; isolation is the sandbox mode the submission was
    graded in ("none": student code ran unisolated). Every cell goes through csv_cell, so no
    student-controlled text reaches a spreadsheet as a formula."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    late = lateness(db_url(root), assignment)
    count = 0
    for result in graded(root, assignment):
        submitted, due, seconds = late.get((result.assignment, result.student), (None, None, 0))
        for e in result.exercises:
            row = [result.student, result.assignment, e.notebook, e.exercise, f"{e.score:g}",
                   f"{e.max_score:g}", e.status, e.message, e.mistake,
                   f"{seconds:g}" if submitted and due else "", result.isolation,
                   "yes" if e.manual else "", f"{result.penalty:g}", f"{result.final_score:g}"]
            writer.writerow(csv_cell(cell) for cell in row)
            count += 1
    return count


def export(root: Path | str, assignment: str | None, path: str | os.PathLike[str]) -> int:
    """Write the CSV to path ("-" for standard output); returns the number of rows."""
    if path == "-":
        return write_csv(root, assignment, sys.stdout)
    with open(path, "w", newline="") as out:
        return write_csv(root, assignment, out)
