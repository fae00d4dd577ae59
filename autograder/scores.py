"""The scores as the gradebook records them, read in one place: export, report and feedback all
take their numbers from graded(). The gradebook is the one record of scores: a manual score a
person set (formgrader, nbgrader's API) wins over the automatic one, and the late penalty is the
one stored there. Messages, statuses and diagnoses come from the results files."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from autograder import results
from autograder.gradebook import db_url, grade_score, open_gradebook

if TYPE_CHECKING:
    from autograder.results import SubmissionResult


def graded(root: Path | str, assignment: str | None = None) -> list[SubmissionResult]:
    """Every saved result of one assignment (or all), sorted by assignment and student, with the
    gradebook's scores in it: each exercise's score is its grade's score as nbgrader counts it
    (manual if a person set one, plus extra credit; `manual` says so), and each submission's
    penalty is the sum of its notebooks' late penalties. A submission or exercise the gradebook
    does not hold keeps the score grading gave it."""
    saved = results.load_all(root, assignment)
    grades, penalties = _gradebook(db_url(root), assignment)
    for result in saved:
        key = (result.assignment, result.student)
        result.penalty = penalties.get(key, result.penalty)
        for e in result.exercises:
            score, manual = grades.get((*key, Path(e.notebook).stem, e.grade_id), (e.score, False))
            e.score, e.manual = score, manual
    return saved


def _gradebook(url, assignment):
    """(grades, penalties): (assignment, student, notebook, grade id) -> (score, manual), and
    (assignment, student) -> late penalty, for every submission in the gradebook, in two queries."""
    from nbgrader.api import Assignment, BaseCell, Grade, Notebook, SubmittedAssignment, SubmittedNotebook
    from sqlalchemy import func

    with open_gradebook(url) as gradebook:
        submissions = (gradebook.db.query(SubmittedNotebook)
                       .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                       .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id))
        if assignment is not None:
            submissions = submissions.filter(Assignment.name == assignment)
        rows = (submissions.join(Grade, Grade.notebook_id == SubmittedNotebook.id)
                .join(BaseCell, Grade.cell_id == BaseCell.id)
                .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
                .with_entities(Assignment.name, SubmittedAssignment.student_id, Notebook.name,
                               BaseCell.name, Grade.auto_score, Grade.manual_score, Grade.extra_credit))
        grades = {(a, s, nb, cell): (grade_score(auto, manual, extra), manual is not None)
                  for a, s, nb, cell, auto, manual, extra in rows}
        penalties = dict(((a, s), p) for a, s, p in submissions.with_entities(
            Assignment.name, SubmittedAssignment.student_id,
            func.coalesce(func.sum(SubmittedNotebook.late_submission_penalty), 0.0))
            .group_by(Assignment.name, SubmittedAssignment.student_id))
    return grades, penalties

