"""Scores into nbgrader's own gradebook, so formgrader and `nbgrader export` keep working."""
from pathlib import Path
import shutil
import tempfile
import warnings

from sqlalchemy.exc import SAWarning

from autograder.course_dir import nbgrader_config
from autograder.results import NEEDS_A_PERSON

# nbgrader 0.9 trips SQLAlchemy 2's autoflush warnings on every submission; they are harmless.
warnings.filterwarnings("ignore", category=SAWarning)


def db_url(root):
    """The gradebook's SQLAlchemy URL from nbgrader_config.py (default: gradebook.db here)."""
    config = nbgrader_config(root)
    if "db_url" in config.CourseDirectory:
        return config.CourseDirectory.db_url
    return f"sqlite:///{Path(root) / 'gradebook.db'}"


def ensure_assignment(root, assignment, url):
    """Make sure the gradebook knows the assignment's notebooks and cells, as nbgrader's
    generate_assignment records them (run here with its release written to a scratch folder)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(url) as gradebook:
        try:
            known = {nb.name for nb in gradebook.find_assignment(assignment).notebooks}
        except MissingEntry:
            known = set()
    wanted = {p.stem for p in (Path(root) / "source" / assignment).glob("*.ipynb")}
    if wanted <= known:
        return
    from nbgrader.apps import NbGraderAPI
    scratch = tempfile.mkdtemp(prefix="gradebook-release-")
    try:
        config = nbgrader_config(root)
        config.CourseDirectory.root = str(root)
        config.CourseDirectory.db_url = url
        config.CourseDirectory.release_directory = scratch
        result = NbGraderAPI(config=config).generate_assignment(assignment)
        if not result["success"]:
            raise RuntimeError(f"nbgrader could not record {assignment} in the gradebook:\n"
                               f"{result.get('error') or result.get('log')}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class GradebookWriter:
    """An open gradebook that records SubmissionResults as nbgrader's autograde would: a student,
    a submission with its timestamp, and each test cell's auto_score (flagged for manual grading
    when its status needs a person)."""

    def __init__(self, url):
        from nbgrader.api import Gradebook
        self.gradebook = Gradebook(url)

    def record(self, result, timestamp=None):
        gb = self.gradebook
        gb.update_or_create_student(result.student)
        submission = gb.update_or_create_submission(result.assignment, result.student,
                                                    timestamp=timestamp)
        by_cell = {(e.notebook.removesuffix(".ipynb"), "check_" + e.exercise): e
                   for e in result.exercises}
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                graded = by_cell.get((notebook.name, grade.name))
                if graded is not None:
                    grade.auto_score = graded.score
                    grade.needs_manual_grade = graded.status in NEEDS_A_PERSON
        gb.db.commit()

    def close(self):
        self.gradebook.close()


def lateness(url, assignment=None):
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
