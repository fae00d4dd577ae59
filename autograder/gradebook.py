"""Scores into nbgrader's own gradebook, so formgrader and `nbgrader export` keep working."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
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
    from sqlalchemy.engine import Connection

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


@dataclass
class _Grade:
    """A grade row of a submitted notebook, as far as a late penalty needs it."""
    id: str
    auto: float | None = None
    manual: float | None = None
    extra: float | None = None


@dataclass
class _Submission:
    """A student's submitted assignment: its id, extension, and per notebook name (its submitted
    notebook's id, cell name -> its _Grade)."""
    id: str
    extension: timedelta | None
    notebooks: dict = field(default_factory=dict)


@dataclass
class _Assignment:
    """An assignment as the gradebook knows it: id, due date, and its notebooks as (name, id,
    [(name, id) of the cells graded: grade and task cells], [ids of the cells commented: solution
    and task cells])."""
    id: str
    duedate: datetime | None
    notebooks: list


class _Rows:
    """The rows one transaction inserts and updates, executed together (one statement per kind)."""

    def __init__(self) -> None:
        self.inserts = {name: [] for name in ("student", "submitted_assignment",
                                               "submitted_notebook", "grade", "comment")}
        self.timestamps, self.grades, self.penalties = [], [], []

    def execute(self, connection: Connection) -> None:
        from nbgrader.api import Base
        from sqlalchemy import bindparam, case, update
        tables = Base.metadata.tables
        for name, rows in self.inserts.items():
            if rows:
                connection.execute(tables[name].insert(), rows)
        submitted, grade, notebook = (tables[name] for name in ("submitted_assignment", "grade",
                                                                "submitted_notebook"))
        for table, values, rows in (
                (submitted, {"timestamp": bindparam("when")}, self.timestamps),
                (grade, {"auto_score": bindparam("auto"), "needs_manual_grade": case(
                    (grade.c.manual_score.is_(None), bindparam("flag")),
                    else_=grade.c.needs_manual_grade)}, self.grades),
                (notebook, {"late_submission_penalty": bindparam("penalty")}, self.penalties)):
            if rows:
                connection.execute(update(table).where(table.c.id == bindparam("row"))
                                   .values(values), rows)


class GradebookWriter:
    """An open gradebook that records SubmissionResults as nbgrader's autograde would: a student,
    a submission with its timestamp, each test cell's auto_score (flagged for manual grading when
    its status needs a person) and each notebook's late penalty by the LatePolicy. A manual score
    a person set is never touched, nor its flag: it keeps winning over the automatic one.

    Results are written in batches, one transaction each, with a few SQL statements for the whole
    batch (nbgrader's tables, written directly rather than object by object); what a batch needs
    (the assignment's cells, its submissions and the students) is read once per run."""

    def __init__(self, url: str, late: LatePolicy | None = None) -> None:
        self.gradebook = open_gradebook(url)
        self.late = late
        self._forget()

    def _forget(self):
        self._assignments, self._submissions, self._students = {}, {}, None

    def record(self, batch: Sequence[tuple[SubmissionResult, datetime | None]]) -> list[float]:
        """Write (result, submission timestamp) pairs in one transaction; returns each one's late
        penalty (points, 0 for none). Another grader creating the same student or submission at
        the same moment makes the transaction fail; it is rolled back, everything read again,
        and the batch written again."""
        db = self.gradebook.db
        for attempt in range(TRIES):
            try:
                rows = _Rows()
                penalties = [self._write(result, timestamp, rows) for result, timestamp in batch]
                rows.execute(db.connection())
                db.commit()
                for result, _ in batch:   # a run writes each submission once: memory stays flat
                    self._submissions[result.assignment].pop(result.student)
                return penalties
            except DBAPIError:
                db.rollback()
                self._forget()
                if attempt == TRIES - 1:
                    raise
                _pause(attempt)

    def _write(self, result, timestamp, rows):
        assignment = self._assignment(result.assignment)
        submission = self._submission(assignment, result.assignment, result.student, rows)
        rows.timestamps.append({"row": submission.id, "when": timestamp})
        late = 0.0
        if timestamp is not None and assignment.duedate is not None:
            late = max(0.0, (timestamp - assignment.duedate - (submission.extension or timedelta()))
                       .total_seconds())
        by_cell = {(e.notebook.removesuffix(".ipynb"), e.grade_id): e for e in result.exercises}
        total = 0.0
        for name, (notebook, grades) in submission.notebooks.items():
            for cell, grade in grades.items():
                graded = by_cell.get((name, cell))
                if graded is not None:
                    grade.auto = graded.score
                    rows.grades.append({"row": grade.id, "auto": graded.score,
                                        "flag": graded.status in NEEDS_A_PERSON})
            score = sum(grade_score(g.auto, g.manual, g.extra) for g in grades.values())
            penalty = self.late and self.late.penalty(result.student, score, late)
            rows.penalties.append({"row": notebook, "penalty": penalty})
            total += penalty or 0.0
        return total

    def _submission(self, assignment, name, student, rows):
        """The student's _Submission of the assignment: the one read, or a new one made as
        nbgrader's add_submission makes it (a notebook per notebook of the assignment, a grade per
        graded cell, a comment per solution or task cell), with the student if new too."""
        from nbgrader.api import new_uuid
        submissions = self._submissions_of(assignment, name)
        if student not in submissions:
            if student not in self._known_students():
                self._students.add(student)
                rows.inserts["student"].append({"id": student})
            submission = _Submission(new_uuid(), None)
            rows.inserts["submitted_assignment"].append(
                {"id": submission.id, "assignment_id": assignment.id, "student_id": student,
                 "timestamp": None, "extension": None})
            for notebook, notebook_id, graded, commented in assignment.notebooks:
                submitted = new_uuid()
                rows.inserts["submitted_notebook"].append(
                    {"id": submitted, "assignment_id": submission.id, "notebook_id": notebook_id,
                     "flagged": False, "late_submission_penalty": None})
                grades = {cell: _Grade(new_uuid()) for cell, _ in graded}
                rows.inserts["grade"] += [
                    {"id": grades[cell].id, "notebook_id": submitted, "cell_id": cell_id,
                     "auto_score": None, "manual_score": None, "extra_credit": None,
                     "needs_manual_grade": True} for cell, cell_id in graded]
                rows.inserts["comment"] += [
                    {"id": new_uuid(), "notebook_id": submitted, "cell_id": cell_id,
                     "auto_comment": None, "manual_comment": None} for cell_id in commented]
                submission.notebooks[notebook] = (submitted, grades)
            submissions[student] = submission
        return submissions[student]

    def _assignment(self, name):
        """The _Assignment called name, read once (with its notebooks' cells)."""
        from nbgrader.api import Assignment
        if name not in self._assignments:
            found = self.gradebook.db.query(Assignment).filter(Assignment.name == name).one()
            self._assignments[name] = _Assignment(found.id, found.duedate, [
                (nb.name, nb.id, [(c.name, c.id) for c in nb.grade_cells + nb.task_cells],
                 [c.id for c in nb.solution_cells + nb.task_cells]) for nb in found.notebooks])
        return self._assignments[name]

    def _submissions_of(self, assignment, name):
        """student id -> _Submission of the assignment, read at once with their notebooks and
        grades."""
        from nbgrader.api import Base
        from sqlalchemy import select
        if name not in self._submissions:
            t = Base.metadata.tables
            sa, sn, nb, g, cell = (t[n] for n in ("submitted_assignment", "submitted_notebook",
                                                  "notebook", "grade", "base_cell"))
            query = (select(sa.c.id, sa.c.student_id, sa.c.extension, nb.c.name, sn.c.id, cell.c.name,
                            g.c.id, g.c.auto_score, g.c.manual_score, g.c.extra_credit)
                     .join(sn, sn.c.assignment_id == sa.c.id).join(nb, nb.c.id == sn.c.notebook_id)
                     .outerjoin(g, g.c.notebook_id == sn.c.id).outerjoin(cell, cell.c.id == g.c.cell_id)
                     .where(sa.c.assignment_id == assignment.id))
            submissions = {}
            for row in self.gradebook.db.execute(query):
                submission = submissions.setdefault(row[1], _Submission(row[0], row[2]))
                _, grades = submission.notebooks.setdefault(row[3], (row[4], {}))
                if row[6] is not None:
                    grades[row[5]] = _Grade(*row[6:])
            self._submissions[name] = submissions
        return self._submissions[name]

    def _known_students(self):
        from nbgrader.api import Base
        from sqlalchemy import select
        if self._students is None:
            student = Base.metadata.tables["student"]
            self._students = set(self.gradebook.db.execute(select(student.c.id)).scalars())
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
