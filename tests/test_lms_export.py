"""Grades back to the LMS: after `collect` of a Canvas zip and `autograde`, does `export --format
canvas` write the CSV Canvas's gradebook import takes (Student, ID, SIS User ID, SIS Login ID,
Section, then the assignment's "NAME (ID)" column), one row per Canvas student with their final
score, and does `--format moodle` write Moodle's grading worksheet; is a student who is not an
LMS id named and left out, never dropped silently?"""
import csv
from datetime import datetime, timedelta, timezone
import io
import subprocess
import zipfile

import nbformat
from nbgrader.api import Gradebook
import pytest

from autograder.sample_class import replace_in, solved_release, write_class
from support import ROOT, course_copy

A, NOTEBOOK = "03_gates", "gates.ipynb"
COLUMN = "Gates backward (4711)"


def _cli(course, *args):
    return subprocess.run(["backprop-course", "--course-dir", str(course), *args],
                          capture_output=True, text=True, cwd=course)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Two Canvas uploads collected (user ids 12345 right, 23456 wrong) and one submission put in
    by hand under a name, graded, and half a point given by hand to 23456's mul_backward; returns
    (course, each student's final score in the plain CSV)."""
    tmp = tmp_path_factory.mktemp("lms-export")
    course = course_copy(tmp / "course", A)
    solved = solved_release(ROOT, A, NOTEBOOK)
    wrong = replace_in(solved, "mul_backward", "return y * dout, x * dout", "return x * dout, y * dout")
    with zipfile.ZipFile(tmp / "canvas.zip", "w") as archive:
        archive.writestr("doejane_12345_100001_gates.ipynb", nbformat.writes(solved))
        archive.writestr("roebob_23456_100003_gates.ipynb", nbformat.writes(wrong))
    write_class(course, A, NOTEBOOK, {"ann.lee": solved})
    for step in (["collect", str(tmp / "canvas.zip"), A], ["autograde", A]):
        run = _cli(course, *step)
        assert run.returncode == 0, run.stdout + run.stderr
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:   # a TA's point, by hand
        gradebook.find_grade("check_mul_backward", "gates", A, "23456").manual_score = 0.5
        gradebook.db.commit()
    run = _cli(course, "export", A, "-o", str(course / "grades.csv"))
    assert run.returncode == 0, run.stderr
    with open(course / "grades.csv") as grades:
        totals = {row["student_id"]: float(row["final_score"]) for row in csv.DictReader(grades)}
    return course, totals


def _rows(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def test_is_the_canvas_file_what_canvas_imports(graded):
    course, totals = graded
    run = _cli(course, "export", A, "--format", "canvas", "--canvas-column", COLUMN,
               "-o", str(course / "canvas.csv"))
    header, *rows = _rows(course / "canvas.csv")
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", COLUMN]
    assert {row[1]: float(row[5]) for row in rows} == {"12345": totals["12345"], "23456": totals["23456"]}
    assert totals["12345"] == 6 and totals["23456"] % 1 == 0.5   # the manual half point counts
    assert not (course / "canvas.csv").read_bytes().startswith(b"\xef\xbb\xbf")   # no byte-order mark
    assert run.returncode == 1 and "ann.lee" in run.stderr and "NOT in the file" in run.stderr


def test_is_the_moodle_file_a_grading_worksheet_moodle_uploads(graded):
    course, totals = graded
    run = _cli(course, "export", A, "--format", "moodle", "-o", "-")
    header, *rows = list(csv.reader(io.StringIO(run.stdout)))
    assert header == ["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)"]
    assert {row[0]: float(row[2]) for row in rows} == {"Participant 12345": totals["12345"],
                                                        "Participant 23456": totals["23456"]}
    assert {row[3] for row in rows} == {"6"}
    written = {datetime.fromisoformat(row[4]) for row in rows}   # Moodle's importer needs the column
    assert len(written) == 1 and abs(datetime.now(timezone.utc) - written.pop()) < timedelta(hours=1)
    assert run.returncode == 1 and "ann.lee" in run.stderr


@pytest.mark.parametrize("column", ["Gates", "Gates (abc)", " (4711)", ""])
def test_is_a_column_that_is_not_canvas_refused_plainly(graded, column):
    course, _ = graded
    run = _cli(course, "export", A, "--format", "canvas", "--canvas-column", column, "-o", "-")
    assert run.returncode == 2
    assert "NAME (ID)" in run.stderr and not run.stdout


def test_does_an_lms_format_ask_for_one_assignment(graded):
    course, _ = graded
    run = _cli(course, "export", "--format", "moodle")
    assert run.returncode == 2 and "exports one assignment" in run.stderr
