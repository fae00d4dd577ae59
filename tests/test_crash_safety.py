"""Does `backprop-course autograde` killed with SIGKILL at any moment, then run again, end with the
gradebook and result files of a run never interrupted, nothing lost and nothing graded twice, and
leave none of its workers or sandboxes behind?

One small class of 01_derivative (right, wrong, blank and broken notebooks), its assignment already
in the gradebook, is copied once per moment; the command, a subprocess in a process group of its
own, is killed with that whole group.
"""
import json
import os
from pathlib import Path
import shutil
import signal
import subprocess
import time

from nbgrader.api import Gradebook
import psutil
import pytest

from autograder import notebooks, results
from autograder.gradebook import db_url, ensure_assignment
from autograder.sample_class import copy_course, replace_in, solved_release, write_class
from support import ROOT

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own

A, NOTEBOOK = "01_derivative", "derivative.ipynb"
STUDENTS = [f"student{i:02d}" for i in range(60)]   # a run of about 2 s on a quiet machine
GRADE = ["backprop-course", "autograde", A]


def _saved(root):
    return len(list(Path(root, "autograded").glob(f"*/{A}/grading.json")))


MOMENTS = {   # name -> when(root, seconds since the start) is true, the group is killed
    "after 0.3 s": lambda root, seconds: seconds >= 0.3,
    "after 1 s": lambda root, seconds: seconds >= 1.0,
    # a batch is in the gradebook and its result files are being written
    "once the first result file appears": lambda root, seconds: _saved(root) > 0,
    "once half the result files are there": lambda root, seconds: _saved(root) >= len(STUDENTS) // 2,
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    root = copy_course(ROOT, tmp_path_factory.mktemp("template") / "course", [A])
    solved = solved_release(ROOT, A, NOTEBOOK)
    wrong = replace_in(solved, "forward_difference", "(f(x + h) - f(x)) / h", "(f(x + h) - f(x - h)) / h")
    blank = notebooks.read(ROOT / "release" / A / NOTEBOOK)
    kinds = [solved, wrong, blank, b'{"cells": [{"cell_type": "code", "source": "def ']
    write_class(root, A, NOTEBOOK, {s: kinds[i % len(kinds)] for i, s in enumerate(STUDENTS)})
    ensure_assignment(root, A, db_url(root))   # nbgrader's generate_assignment, once for every copy
    return root


@pytest.fixture(scope="module")
def uninterrupted(template, tmp_path_factory):
    root = shutil.copytree(template, tmp_path_factory.mktemp("uninterrupted") / "course")
    subprocess.run(GRADE, cwd=root, check=True, capture_output=True)
    return final_state(root)


def final_state(root):
    """What a grader keeps of a run: student -> the gradebook's (notebook, cell, auto score, needs
    manual grading) of each of their submissions (a list, so a second submission or grade shows),
    student -> the result file's (exercise, score, status), and the students with an autograded
    notebook for formgrader."""
    with Gradebook(f"sqlite:///{Path(root, 'gradebook.db')}") as gradebook:
        book = {}
        for submission in gradebook.find_assignment(A).submissions:
            book.setdefault(submission.student.id, []).append(sorted(
                (nb.name, g.name, g.auto_score, g.needs_manual_grade)
                for nb in submission.notebooks for g in nb.grades))
    saved = {r.student: [(e.exercise, e.score, str(e.status)) for e in r.exercises]
             for r in results.load_all(root, A)}
    formgrader = {p.parent.parent.name for p in Path(root, "autograded").glob(f"*/{A}/{NOTEBOOK}")
                  if _whole(p)}
    return book, saved, formgrader


def _whole(path):
    """Whether the file is a whole notebook, not one cut short."""
    try:
        return bool(json.loads(path.read_text())["cells"])
    except (ValueError, KeyError):
        return False


def killed(root, when):
    """Run the command at root in a process group of its own and kill the group with SIGKILL once
    when(root, seconds) holds; returns (its return code, every process it had started)."""
    grading = subprocess.Popen(GRADE, cwd=root, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    command, family, started = psutil.Process(grading.pid), set(), time.monotonic()
    while grading.poll() is None and not when(root, time.monotonic() - started):
        try:
            family |= set(command.children(recursive=True))
        except psutil.NoSuchProcess:
            break
        time.sleep(0.005)
    try:
        os.killpg(grading.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass   # it had finished: the return code shows it
    return grading.wait(), family


def test_does_the_uninterrupted_run_grade_every_student_once(uninterrupted):
    book, saved, formgrader = uninterrupted
    assert sorted(book) == sorted(saved) == sorted(formgrader) == STUDENTS
    assert all(len(submissions) == 1 for submissions in book.values())
    assert {r[0][1:] for r in saved.values()} == {(2.0, "passed"), (0.0, "failed"), (0.0, "ungradable")}


@pytest.mark.parametrize("moment", MOMENTS)
def test_does_a_run_killed_and_run_again_end_as_one_never_interrupted(template, uninterrupted, tmp_path,
                                                                     moment):
    root = shutil.copytree(template, tmp_path / "course")
    code, family = killed(root, MOMENTS[moment])
    assert code == -signal.SIGKILL, f"the run finished before it was killed {moment}"
    _, alive = psutil.wait_procs(family, timeout=10)
    assert alive == [], f"killed {moment}, it left {alive} behind"

    again = subprocess.run(GRADE, cwd=root, capture_output=True, text=True)
    assert again.returncode == 0, again.stdout + again.stderr
    assert final_state(root) == uninterrupted
