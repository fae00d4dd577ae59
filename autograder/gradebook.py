"""Scores into nbgrader's own gradebook, so formgrader and `nbgrader export` keep working."""
from __future__ import annotations

import logging
from pathlib import Path
import random
import shutil
import tempfile
import time
from typing import TYPE_CHECKING
import warnings

from sqlalchemy.exc import DBAPIError, SAWarning

from autograder.course_dir import CourseError, nbgrader_config
from autograder.environment import own_scripts_first
from autograder.nbgrader_log import failure
from autograder.results import NEEDS_A_PERSON

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from nbgrader.api import Gradebook

    from autograder.late_policy import LatePolicy
    from autograder.results import SubmissionResult

TRIES = 6   # attempts at one gradebook step that another grader's writing at once can make fail

# nbgrader 0.9 trips SQLAlchemy 2's autoflush warnings on every submission; they are harmless.
warnings.filterwarnings("ignore", category=SAWarning)


class _TriedAgain(logging.Filter):
    """nbgrader logs a traceback for every clash it rolls back; the steps here that meet one try
    again, and raise if they keep failing, so the log would only alarm."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Rolling back session due to database error")


logging.getLogger("tornado.application").addFilter(_TriedAgain())


def db_url(root: Path | str) -> str:
    """The gradebook's SQLAlchemy URL from nbgrader_config.py (default: gradebook.db here)."""
    config = nbgrader_config(root)
    if "db_url" in config.CourseDirectory:
        return config.CourseDirectory.db_url
    return f"sqlite:///{Path(root) / 'gradebook.db'}"


def ensure_assignment(root: Path | str, assignment: str, url: str) -> None:
    """Make sure the gradebook knows the assignment's notebooks and every one of their nbgrader
    cells, as nbgrader's generate_assignment records them (run here with its release written to
    a scratch folder). Another grader recording it at the same moment commits a notebook before
    its cells, so a notebook counts as known only with all its cells."""
    wanted = _nbgrader_cells(root, assignment)
    for attempt in range(TRIES):   # another grader may be recording it at the same time
        known = _known_cells(url, assignment)
        if all(cells <= known.get(name, set()) for name, cells in wanted.items()):
            return
        result = _generate_assignment(root, assignment, url)
        if result["success"]:
            return
        _pause(attempt)
    raise CourseError(f"nbgrader could not record {assignment} in the gradebook: {failure(result)}")


def _nbgrader_cells(root, assignment):
    """notebook name -> grade ids of its nbgrader cells (graded, solution or task), from source/."""
    from autograder import notebooks
    from autograder.assignment import notebook_paths
    return {path.stem: {cell.metadata["nbgrader"]["grade_id"] for cell in notebooks.read(path).cells
                        if cell.metadata.get("nbgrader", {}).get("grade_id")}
            for path in notebook_paths(root, assignment)}


def _known_cells(url, assignment):
    """notebook name -> names of its cells, as the gradebook holds them now."""
    from nbgrader.api import MissingEntry

    with open_gradebook(url) as gradebook:
        try:
            return {nb.name: {cell.name for cell in nb._base_cells}
                    for nb in gradebook.find_assignment(assignment).notebooks}
        except MissingEntry:
            return {}


def _generate_assignment(root, assignment, url):
    from nbgrader.apps import NbGraderAPI
    scratch = tempfile.mkdtemp(prefix="gradebook-release-")
    try:
        config = nbgrader_config(root)
        config.CourseDirectory.root = str(root)
        config.CourseDirectory.db_url = url
        config.CourseDirectory.release_directory = scratch
        return NbGraderAPI(config=config).generate_assignment(assignment)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def open_gradebook(url: str) -> Gradebook:
    """nbgrader's Gradebook at url. Several graders may open a new database at once: each
    creates the tables the others have not, so a clash is tried again."""
    from nbgrader.api import Gradebook, InvalidEntry
    own_scripts_first()   # nbgrader runs `alembic` by name to make a new gradebook
    for attempt in range(TRIES):
        try:
            return Gradebook(url)
        except ModuleNotFoundError as error:
            raise CourseError(f"the gradebook {_shown(url)} needs the database driver {error.name}: "
                              "install it with pip install 'backprop-course[postgres]'") from None
        except (DBAPIError, InvalidEntry) as error:
            if attempt == TRIES - 1:
                raise CourseError(f"cannot open the gradebook {_shown(url)} ({error}): check "
                                  "c.CourseDirectory.db_url in nbgrader_config.py") from None
            _pause(attempt)


def _shown(url):
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def _pause(attempt):
    """Wait a little longer after each clash, at random, so that two graders fall out of step."""
    time.sleep(random.uniform(0.05, 0.2) * 2 ** attempt)


class GradebookWriter:
    """An open gradebook that records SubmissionResults as nbgrader's autograde would: a student,
    a submission with its timestamp, each test cell's auto_score (flagged for manual grading when
    its status needs a person) and each notebook's late penalty by the LatePolicy. A manual score
    a person set is never touched, nor its flag: it keeps winning over the automatic one.

    Results are written in batches, one transaction each; what a batch needs (the assignment's
    cells, its submissions and the students) is read once per run, not per submission."""

    def __init__(self, url: str, late: LatePolicy | None = None) -> None:
        self.gradebook = open_gradebook(url)
        self.gradebook.db().expire_on_commit = False   # what was read stays valid between batches
        self.late = late
        self._forget()

    def _forget(self):
        self._assignments, self._submissions, self._students = {}, {}, None

    def record(self, batch: Sequence[tuple[SubmissionResult, datetime | None]]) -> list[float]:
        """Write (result, submission timestamp) pairs in one transaction; returns each one's late
        penalty (points, 0 for none). Another grader creating the same student or submission at
        the same moment makes the transaction fail; it is rolled back, everything read again,
        and the batch written again."""
        from nbgrader.api import InvalidEntry
        from sqlalchemy.orm.exc import FlushError
        for attempt in range(TRIES):
            try:
                penalties = [self._write(result, timestamp) for result, timestamp in batch]
                self.gradebook.db.commit()
                self._let_go([result for result, _ in batch])
                return penalties
            except (DBAPIError, InvalidEntry, FlushError):
                self.gradebook.db.rollback()
                self._forget()
                if attempt == TRIES - 1:
                    raise
                _pause(attempt)

    def _write(self, result, timestamp):
        submission = self._submission(result.assignment, result.student)
        submission.timestamp = timestamp
        by_cell = {(e.notebook.removesuffix(".ipynb"), e.grade_id): e for e in result.exercises}
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                graded = by_cell.get((notebook.name, grade.name))
                if graded is not None:
                    grade.auto_score = graded.score
                    if grade.manual_score is None:
                        grade.needs_manual_grade = graded.status in NEEDS_A_PERSON
            score = sum(grade_score(g.auto_score, g.manual_score, g.extra_credit) for g in notebook.grades)
            notebook.late_submission_penalty = self.late and self.late.penalty(
                result.student, score, submission.total_seconds_late)
        return sum(n.late_submission_penalty or 0.0 for n in submission.notebooks)

    def _let_go(self, written):
        """Drop the written submissions (of the results written) from the session and the
        cache, so that memory does not grow with the class (a run writes each submission once)."""
        db = self.gradebook.db
        for result in written:
            submission = self._submissions[result.assignment].pop(result.student)
            for notebook in submission.notebooks:
                for row in (*notebook.grades, *notebook.comments, notebook):
                    db.expunge(row)
            db.expunge(submission)
        # what the read rows keep of the new ones (their collections, never loaded here)
        for assignment in self._assignments.values():
            db.expire(assignment, ["submissions"])
            for notebook in assignment.notebooks:
                db.expire(notebook, ["submissions"])
                for cell in notebook._base_cells:
                    db.expire(cell, ["grades", "comments"])
        for student in (self._students or {}).keys() & {result.student for result in written}:
            db.expire(self._students[student], ["submissions"])

    def _submission(self, assignment, student):
        """The student's SubmittedAssignment of the assignment: the one read, or a new one made as
        nbgrader's add_submission makes it (a notebook per notebook of the assignment, a grade per
        graded cell, a comment per solution or task cell), with the student if new too."""
        from nbgrader.api import Comment, Grade, Student, SubmittedAssignment, SubmittedNotebook
        submissions = self._submissions_of(assignment)
        if student not in submissions:
            if student not in self._known_students():
                self._students[student] = Student(id=student)
            submission = SubmittedAssignment(assignment=self._assignments[assignment],
                                             student=self._students[student])
            for notebook in submission.assignment.notebooks:
                submitted = SubmittedNotebook(notebook=notebook, assignment=submission)
                for cell in notebook.grade_cells + notebook.task_cells:
                    Grade(cell=cell, notebook=submitted)
                for cell in notebook.solution_cells + notebook.task_cells:
                    Comment(cell=cell, notebook=submitted)
            self.gradebook.db.add(submission)
            submissions[student] = submission
        return submissions[student]

    def _submissions_of(self, name):
        """student id -> SubmittedAssignment of the assignment, read at once with their notebooks
        and grades (and the assignment with its cells)."""
        from nbgrader.api import Assignment, Grade, Notebook, SubmittedAssignment, SubmittedNotebook
        from sqlalchemy.orm import selectinload
        if name not in self._submissions:
            db = self.gradebook.db
            self._assignments[name] = db.query(Assignment).filter(Assignment.name == name).options(
                selectinload(Assignment.notebooks).selectinload(Notebook._base_cells)).one()
            query = db.query(SubmittedAssignment).filter(
                SubmittedAssignment.assignment_id == self._assignments[name].id).options(
                selectinload(SubmittedAssignment.notebooks).selectinload(SubmittedNotebook.grades)
                .selectinload(Grade.cell),
                selectinload(SubmittedAssignment.notebooks).selectinload(SubmittedNotebook.notebook))
            self._submissions[name] = {s.student_id: s for s in query}
        return self._submissions[name]

    def _known_students(self):
        from nbgrader.api import Student
        if self._students is None:
            self._students = {s.id: s for s in self.gradebook.db.query(Student)}
        return self._students

    def close(self) -> None:
        self.gradebook.close()


def grade_score(auto: float | None, manual: float | None, extra: float | None) -> float:
    """A grade's score as nbgrader's Grade.score counts it, from its auto_score, manual_score and
    extra_credit (worked out here so that it holds before a session is flushed): the manual score
    if a person set one, else the automatic one, plus any extra credit; 0 when there is neither."""
    score = manual if manual is not None else auto
    return 0.0 if score is None else score + (extra or 0.0)


def lateness(url: str, assignment: str | None = None
             ) -> dict[tuple[str, str], tuple[datetime | None, datetime | None, float]]:
    """(assignment, student) -> (submitted, due, seconds late) for every submission in the
    gradebook, of one assignment or all: naive UTC datetimes (None where unknown) and nbgrader's
    own SubmittedAssignment.total_seconds_late (0 when on time or without a due date)."""
    from nbgrader.api import Assignment, Gradebook, SubmittedAssignment

    with Gradebook(url) as gradebook:
        query = gradebook.db.query(SubmittedAssignment).join(Assignment)
        if assignment is not None:
            query = query.filter(Assignment.name == assignment)
        return {(s.assignment.name, s.student.id): (s.timestamp, s.duedate, s.total_seconds_late)
                for s in query}
