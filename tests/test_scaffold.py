"""Is a new assignment one command? In a copy of the repository, does `backprop-course new` make an
assignment that releases at once and whose tests pass, and does it refuse names it cannot use?"""
import os
import shutil
import subprocess
import sys

import pytest

from autograder.course_dir import CourseError
from autograder.scaffold import new_assignment
from support import ROOT

PARTS = ("autograder", "course", "source", "release", "tests", "tools", "nbgrader_config.py",
         "pyproject.toml")


def _repository_copy(folder):
    for part in PARTS:
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / part, folder / part)
    return folder


def _run(copy, *command, cwd=None):
    """Run a command against the copy's own packages (not the installed ones)."""
    environment = {**os.environ, "PYTHONPATH": str(copy)}
    return subprocess.run([sys.executable, *command], cwd=cwd or copy, env=environment,
                          capture_output=True, text=True, timeout=900)


def test_does_a_new_assignment_release_and_pass_its_tests(tmp_path):
    copy = _repository_copy(tmp_path / "repo")
    made = _run(copy, "-m", "autograder.cli", "new", "topic")
    assert made.returncode == 0, made.stdout + made.stderr
    folder = next(p.name for p in (copy / "source").iterdir() if p.name.endswith("_topic"))
    assert folder == "13_topic" and "backprop-course release 13_topic" in made.stdout
    released = _run(copy, "-m", "autograder.cli", "release", folder)
    assert released.returncode == 0, released.stdout + released.stderr
    assert (copy / "release" / folder / "topic.ipynb").exists()
    tested = _run(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", "assignments/topic",
                  "test_checks.py", "test_mistake_catalogue.py", "test_release.py", cwd=copy / "tests")
    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-2000:]


@pytest.mark.parametrize("name", ["Topic", "2topic", "to-pic", "gates", ""])
def test_is_a_name_that_cannot_be_a_package_or_is_taken_refused(tmp_path, name):
    copy = tmp_path / "course"
    shutil.copytree(ROOT / "source", copy / "source")
    (copy / "course" / "assignments" / "gates").mkdir(parents=True)
    with pytest.raises(CourseError):
        new_assignment(copy, name)
    assert sorted(p.name for p in (copy / "source").iterdir()) == sorted(
        p.name for p in (ROOT / "source").iterdir())
