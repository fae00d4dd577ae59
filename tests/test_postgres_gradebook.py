"""Can the gradebook live on a real PostgreSQL server? Does a whole `backprop-course autograde`
run land there, where nbgrader's own `nbgrader export` reads it, and do graders writing to it at
the same time lose nothing?

The server is a throwaway one from Debian's postgresql package (see
tests/support/throwaway_postgres.py for which server is used and when these tests may skip: in CI
they always run).
"""
from concurrent.futures import ThreadPoolExecutor
import csv
import subprocess
import threading

from nbgrader.api import Gradebook
import pytest

from autograder import results, scores
from autograder.assignment import read_assignment
from autograder.gradebook import GradebookWriter, ensure_assignment
from autograder.results import ExerciseResult, SubmissionResult
from autograder.sample_class import gates_class, solved_release, write_class
from support import ROOT, course_copy, throwaway_postgres

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own


@pytest.fixture(scope="module")
def server():
    with throwaway_postgres.server_url() as url:
        yield url


def course(root, names, url):
    """A course directory with these assignments whose nbgrader_config.py puts the gradebook at url."""
    course_copy(root, *names)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
    return root


NAMES = {"01_derivative": "derivative.ipynb", "03_gates": "gates.ipynb"}
GATES = {"sample-01-correct": 6, "sample-02-blank": 0, "sample-03-mul-not-swapped": 3,
         "sample-10-corrupted": 0, "sample-11-nothing-submitted": 0}   # scores of 6


def recorded(url):
    """(assignment, student) -> score of every submission in the gradebook, and its students."""
    with Gradebook(url) as gradebook:
        return ({(a.name, s.student.id): s.score for a in gradebook.assignments for s in a.submissions},
                sorted(s.id for s in gradebook.students))


def test_do_two_whole_grading_runs_at_once_land_in_postgres_where_nbgrader_export_reads_them(
        server, tmp_path):
    """Two `backprop-course autograde` processes start together on an empty database, each with
    half of the class: both create its tables and record the same two assignments at once."""
    url = throwaway_postgres.new_database(server, "two_graders")
    root = course(tmp_path / "course", NAMES, url)
    write_class(root, "03_gates", "gates.ipynb",
                {s: nb for s, nb in gates_class(ROOT).items() if s in GATES})
    write_class(root, "01_derivative", "derivative.ipynb",
                {s: solved_release(ROOT, "01_derivative", "derivative.ipynb") for s in GATES})
    students = sorted(GATES)
    graders = [subprocess.Popen(["backprop-course", "autograde", *NAMES, "--workers", "1",
                                 *[arg for s in half for arg in ("--student", s)]],
                                cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for half in (students[::2], students[1::2])]
    for grader in graders:
        output, _ = grader.communicate(timeout=300)
        assert grader.returncode == 0, output
    assert not (root / "gradebook.db").exists()
    export = subprocess.run(["nbgrader", "export", "--to", "grades.csv"], cwd=root,
                            capture_output=True, text=True, timeout=300)
    assert export.returncode == 0, export.stdout + export.stderr

    expected = {**{("03_gates", s): float(score) for s, score in GATES.items()},
                **{("01_derivative", s): 3.0 for s in GATES}}
    with open(root / "grades.csv", newline="") as exported:
        rows = {(row["assignment"], row["student_id"]): float(row["raw_score"])
                for row in csv.DictReader(exported)}
    assert rows == expected
    assert recorded(url) == (expected, students)
    assert {(r.assignment, r.student): r.score for r in results.load_all(root)} == expected
    assert {(r.assignment, r.student): r.score for r in scores.graded(root)} == expected
    with Gradebook(url) as gradebook:
        flagged = {s.student.id for s in gradebook.find_assignment("03_gates").submissions
                   if any(g.needs_manual_grade for nb in s.notebooks for g in nb.grades)}
    assert flagged == {"sample-10-corrupted", "sample-11-nothing-submitted"}


def test_do_graders_creating_the_same_students_at_the_same_moment_lose_nothing(server, tmp_path):
    """Two graders of different assignments start on an empty database at once, then record the
    same students in step: each new student is inserted by both at once, and one insert clashes."""
    url = throwaway_postgres.new_database(server, "same_students")
    root = course(tmp_path / "course", NAMES, url)
    students = [f"student{i:02d}" for i in range(8)]
    in_step = threading.Barrier(len(NAMES))

    def grade(name):
        spec, = read_assignment(root, name)
        in_step.wait(timeout=60)
        ensure_assignment(root, name, url)   # both create the empty database's tables
        writer = GradebookWriter(url)
        try:
            for student in students:
                result = SubmissionResult(student, name, "", [
                    ExerciseResult(spec.name, g.exercise, g.points, g.points, "passed",
                                       grade_id=g.grade_id)
                    for g in spec.graded])
                in_step.wait(timeout=60)
                writer.record([(result, None)])
        finally:
            writer.close()

    with ThreadPoolExecutor(len(NAMES)) as graders:
        list(graders.map(grade, NAMES))
    full_marks = {name: sum(g.points for spec in read_assignment(root, name) for g in spec.graded)
                  for name in NAMES}
    assert recorded(url) == ({(name, s): full_marks[name] for name in NAMES for s in students},
                             students)
