"""One JupyterLab server and one headless Chromium for the whole test session, serving a
throwaway copy of the course; each test module opens and runs its notebooks (JupyterLab.run).

These tests need Debian's chromium (/usr/bin/chromium) and Playwright for Python; without them
they fail, saying what to install. BACKPROP_SKIP_BROWSER_TESTS=1 skips them on purpose.
"""
import os

import pytest

from autograder.sample_class import copy_course
from support import ROOT
from tools.jupyterlab import JupyterLab, chromium


def pytest_collection_modifyitems(items):
    if os.environ.get("BACKPROP_SKIP_BROWSER_TESTS") == "1":
        skip = pytest.mark.skip(reason="BACKPROP_SKIP_BROWSER_TESTS=1")
        for item in items:
            if "tests/browser/" in item.nodeid:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def course_dir(tmp_path_factory):
    return copy_course(ROOT, tmp_path_factory.mktemp("lab-course"))


@pytest.fixture(scope="session")
def lab(course_dir):
    with JupyterLab(course_dir) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    with chromium() as chrome:
        yield chrome
