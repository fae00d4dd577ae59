"""Is a new assignment one command? In a copy of the repository, does `backprop-course new` make an
assignment that releases at once and whose tests pass, and does it refuse names it cannot use?"""
import shutil

import pytest

from autograder.course_dir import CourseError
from autograder.scaffold import new_assignment
from support import ROOT, repository_copy, run_in


def test_does_a_new_assignment_release_and_pass_its_tests(tmp_path):
    copy = repository_copy(tmp_path / "repo")
    number = 1 + max(int(p.name.split("_")[0]) for p in (copy / "source").iterdir())
    made = run_in(copy, "-m", "autograder.cli", "new", "topic")
    assert made.returncode == 0, made.stdout + made.stderr
    folder = next(p.name for p in (copy / "source").iterdir() if p.name.endswith("_topic"))
    assert folder == f"{number:02d}_topic" and f"backprop-course release {folder}" in made.stdout
    released = run_in(copy, "-m", "autograder.cli", "release", folder)
    assert released.returncode == 0, released.stdout + released.stderr
    assert (copy / "release" / folder / "topic.ipynb").exists()
    tested = run_in(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", "assignments/topic",   # the
                    "test_checks.py", "test_mistake_catalogue.py", "test_release.py",  # README's
                    cwd=copy / "tests", env={"BACKPROP_ASSIGNMENTS": folder})  # one-assignment run
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
