"""Shared fixtures: the course root, and one validation run of every assignment per test session.
Helpers the tests share are in tests/support."""
import functools

import pytest

from autograder.release import release
from support import ROOT, chosen_assignments


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session", autouse=True)
def alembic_asked_once():
    """nbgrader runs `alembic heads` (seconds) for every new gradebook to learn the schema's head
    revision, which cannot change during a session: this process, and the processes it forks, ask
    once. Other programs (our CLI, nbgrader's commands, the grading workers) still ask each time."""
    from nbgrader import api
    asked = api.get_alembic_version
    api.get_alembic_version = functools.cache(asked)
    yield
    api.get_alembic_version = asked


@pytest.fixture(scope="session")
def validated(tmp_path_factory):
    """Every assignment (or those BACKPROP_ASSIGNMENTS names) built and checked as `backprop-course
    validate` does, nothing written.

    Returns (checks by name, folder): folder/<assignment>/release/<assignment> holds the fresh
    release, folder/<assignment>/autograded/<student>/<assignment> the autograded notebooks.
    """
    from nbgrader import api
    api.get_alembic_version()   # asked once here, so the builds' forked processes need not ask
    folder = tmp_path_factory.mktemp("validated")
    checks = release(ROOT, chosen_assignments(), write=False, keep=folder)
    return {check.name: check for check in checks}, folder
