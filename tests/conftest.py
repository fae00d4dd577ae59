"""Shared fixtures: the course root, and one validation run of every assignment per test session.
Helpers the tests share are in tests/support."""
import pytest

from autograder.release import release
from support import ROOT, chosen_assignments


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def validated(tmp_path_factory):
    """Every assignment (or those BACKPROP_ASSIGNMENTS names) built and checked as `backprop-course
    validate` does, nothing written.

    Returns (checks by name, folder): folder/<assignment>/release/<assignment> holds the fresh
    release, folder/<assignment>/autograded/<student>/<assignment> the autograded notebooks.
    """
    folder = tmp_path_factory.mktemp("validated")
    checks = release(ROOT, chosen_assignments(), write=False, keep=folder)
    return {check.name: check for check in checks}, folder
