"""Does every nbgrader step work when the course's environment is not activated (the console
script run by its full path, nothing of the environment on PATH, as cron or a systemd unit starts
it), and does a failed nbgrader step show nbgrader's own reason, not its wrapper's traceback?"""
import csv
import os
from pathlib import Path
import subprocess
import sysconfig

import nbformat
import pytest

from autograder.sample_class import solved_release, write_class
from support import ROOT, course_copy

A, NOTEBOOK = "03_gates", "gates.ipynb"
SCRIPT = Path(sysconfig.get_path("scripts")) / "backprop-course"
BARE_PATH = "/usr/bin:/bin"   # no alembic, no jupyter, no nbgrader there
WRAPPER = "Please see the"    # nbgrader's wrapper error, which names no cause


def _run(course, *args):
    """The console script by its full path, with a PATH that lacks its environment's scripts."""
    environment = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    environment["PATH"] = BARE_PATH
    return subprocess.run([str(SCRIPT), "--course-dir", str(course), *args], capture_output=True,
                          text=True, env=environment, timeout=300)


def test_is_nothing_of_the_environment_on_the_bare_path():
    assert SCRIPT.is_file(), f"install the course first: {SCRIPT} is missing"
    for program in ("alembic", "nbgrader", "jupyter"):
        assert not any((Path(folder) / program).exists() for folder in BARE_PATH.split(":"))


def test_do_release_autograde_and_export_work_from_an_environment_not_activated(tmp_path):
    course = course_copy(tmp_path / "course", A)
    write_class(course, A, NOTEBOOK, {"ada": solved_release(ROOT, A, NOTEBOOK)})
    for step in (["release", A], ["autograde", A], ["export", A, "-o", str(course / "grades.csv")]):
        run = _run(course, *step)
        assert run.returncode == 0, f"{step}: {run.stdout}{run.stderr}"
    assert (course / "gradebook.db").is_file()
    with open(course / "grades.csv") as grades:
        rows = list(csv.DictReader(grades))
    assert rows and {row["status"] for row in rows} == {"passed"}


@pytest.fixture
def solution_in_a_plain_cell(tmp_path):
    """A course whose source has a solution region in a cell that is not a solution cell."""
    course = course_copy(tmp_path / "course", A)
    path = course / "source" / A / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    plain = next(cell for cell in nb.cells if cell.cell_type == "code" and "nbgrader" not in cell.metadata)
    plain.source += "\n### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION"
    nbformat.write(nb, path)
    return course


@pytest.mark.parametrize("step", [["validate", A], ["autograde", A]])
def test_does_a_failed_nbgrader_step_say_nbgraders_reason(solution_in_a_plain_cell, step):
    course = solution_in_a_plain_cell
    write_class(course, A, NOTEBOOK, {"ada": solved_release(ROOT, A, NOTEBOOK)})
    run = _run(course, *step)
    said = run.stdout + run.stderr
    assert run.returncode != 0
    assert "Solution region detected in a non-solution cell" in said
    assert WRAPPER not in said and "Traceback" not in said
