"""The course run through nbgrader's exchange on one machine: does a whole cycle work with nbgrader's
own commands and ours, from release to the feedback each student fetches, lateness included?

The instructor releases 03_gates to an exchange folder; alice, bob and carol (each with a home and a
work folder of their own; one OS user plays them all, so nbgrader's --student names them, where a hub
would use each one's user name) fetch it and submit;
alice submits twice, carol after the due date. The instructor collects, grades with `backprop-course
autograde`, writes feedback, report and CSV, and releases the feedback; the students fetch it.
"""
from concurrent.futures import ThreadPoolExecutor
import csv
from datetime import datetime, timedelta, timezone
import os
import subprocess
from types import SimpleNamespace

import nbformat
from nbgrader.api import Gradebook
import pytest

from autograder.cli import main
from autograder.gradebook import lateness
from autograder.sample_class import replace_in, solved_release
from support import ROOT, course_copy

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own

A, NOTEBOOK, PAGE = "03_gates", "gates.ipynb", "gates.html"
STUDENTS = ("alice", "bob", "carol")
SCORES = {"alice": 6, "bob": 3, "carol": 6}   # alice's second submission is the one collected


def _run(command, cwd, env=None):
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    assert run.returncode == 0, f"{' '.join(command)} failed:\n{run.stdout}\n{run.stderr}"


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exchange-cycle")
    course, exchange = course_copy(tmp / "course", A), tmp / "exchange"
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    homes = {s: tmp / s for s in STUDENTS}

    def instructor(*args):
        _run(["nbgrader", *args, f"--Exchange.root={exchange}"], course, env)

    def student(name, *args):   # in their own work folder, with their own home (and nbgrader cache)
        (homes[name] / "work").mkdir(parents=True, exist_ok=True)
        _run(["nbgrader", *args, "--course=backprop-course", f"--student={name}",
              f"--Exchange.root={exchange}"], homes[name] / "work", {**env, "HOME": str(homes[name])})

    def work(name, nb):
        nbformat.write(nb, homes[name] / "work" / A / NOTEBOOK)

    solved = solved_release(ROOT, A, NOTEBOOK)
    instructor("release_assignment", A)
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda s: student(s, "fetch_assignment", A), STUDENTS))

    def alice():   # submits the untouched release, then her finished work
        student("alice", "submit", A)
        work("alice", solved)
        student("alice", "submit", A)

    def bob():
        work("bob", replace_in(solved, "mul_backward", "return y * dout, x * dout",
                               "return x * dout, y * dout"))
        student("bob", "submit", A)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda f: f(), (alice, bob)))
    due = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0) + timedelta(seconds=1)
    instructor("db", "assignment", "add", A, f"--duedate={due:%Y-%m-%d %H:%M:%S} UTC")
    work("carol", solved)
    student("carol", "submit", A)   # after the due date

    # one OS user plays every student here, so nbgrader's owner check would only warn
    instructor("collect", A, "--ExchangeCollect.check_owner=False")
    for step in (["autograde", A], ["feedback", A], ["report", A],
                 ["export", A, "-o", str(course / "grades.csv")]):
        assert main(["--course-dir", str(course), *step]) == 0
    instructor("release_feedback", A)
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda s: student(s, "fetch_feedback", A), STUDENTS))
    return SimpleNamespace(course=course, homes=homes, due=due,
                           url=f"sqlite:///{course / 'gradebook.db'}")


def _submitted_at(cycle, student):
    """The times of a student's submissions, as nbgrader's cache in their home keeps them."""
    cache = cycle.homes[student] / ".local/share/jupyter/nbgrader_cache/backprop-course"
    return sorted(p.name.split("+")[2] for p in cache.glob(f"{student}+{A}+*"))


def test_does_autograde_score_the_newest_submission_nbgrader_collected_from_each_student(cycle):
    assert len(_submitted_at(cycle, "alice")) == 2
    for student in STUDENTS:
        stamp = (cycle.course / "submitted" / student / A / "timestamp.txt").read_text()
        assert stamp == _submitted_at(cycle, student)[-1]
    with Gradebook(cycle.url) as gradebook:
        scores = {s.student_id: s.score for s in gradebook.find_assignment(A).submissions}
    assert scores == SCORES


def test_is_only_the_submission_after_the_due_date_late_in_gradebook_report_and_csv(cycle):
    late = {student: times for (_, student), times in lateness(cycle.url, A).items()}
    assert all(due == cycle.due for _, due, _ in late.values())
    assert late["alice"][2] == late["bob"][2] == 0
    seconds = late["carol"][2]
    assert seconds > 0 and late["carol"][0] > cycle.due
    section = (cycle.course / "reports" / f"{A}.html").read_text().split("<h2>Late submissions</h2>")[1]
    assert "carol" in section and f"{seconds:g}" in section
    assert "alice" not in section and "bob" not in section
    with open(cycle.course / "grades.csv", newline="") as f:
        rows = {(r["student_id"], r["seconds_late"]) for r in csv.DictReader(f)}
    assert rows == {("alice", "0"), ("bob", "0"), ("carol", f"{seconds:g}")}


def test_does_each_student_fetch_the_feedback_written_for_their_graded_submission(cycle):
    for student in STUDENTS:
        fetched = list((cycle.homes[student] / "work" / A / "feedback").glob(f"*/{PAGE}"))
        assert [p.parent.name for p in fetched] == [_submitted_at(cycle, student)[-1]]
        ours = cycle.course / "feedback" / student / A / PAGE
        assert fetched[0].read_text() == ours.read_text()
        assert f"<b>{student}</b>" in ours.read_text()
        assert f"<b>{SCORES[student]} of 6</b>" in ours.read_text()
