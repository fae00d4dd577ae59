"""Shared fixtures: the course root, and one validation run of every assignment per test session."""
from pathlib import Path

import pytest

from autograder import notebooks, reference
from autograder.course_dir import assignments
from autograder.release import release
from autograder.sample_class import copy_course

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def validated(tmp_path_factory):
    """Every assignment built and checked as `backprop-course validate` does, nothing written.

    Returns (checks by name, folder): folder/<assignment>/release/<assignment> holds the fresh
    release, folder/<assignment>/autograded/<student>/<assignment> the autograded notebooks.
    """
    folder = tmp_path_factory.mktemp("validated")
    checks = release(ROOT, assignments(ROOT), write=False, keep=folder)
    return {check.name: check for check in checks}, folder


def instructor_namespace(assignment):
    """The instructor's functions of an assignment of this repository (see autograder.reference)."""
    return reference.instructor_namespace(ROOT, assignment)


def printed_by(validated, name):
    """Everything the executed source notebook of an assignment printed, as one string."""
    folder = validated[1] / name / "autograded" / "instructor_solution" / name
    return "\n".join(out.get("text", "") for path in folder.glob("*.ipynb")
                     for cell in notebooks.read(path).cells if cell.cell_type == "code"
                     for out in cell.get("outputs", []))


def course_copy(folder, assignment):
    """A throwaway course directory at folder with one assignment (nothing is ever written into
    the repository)."""
    return copy_course(ROOT, folder, [assignment])
