"""Does the course version mean something? Is it raised whenever the exercises change, and do
`check` and the grader say when an install is older than what it is asked to check or grade?"""
from pathlib import Path
import warnings

import nbformat
import pytest

from autograder.versions import KEY, stale_release_notes, stale_workers, stamp
import course
from course import check
from course.version import CATALOGUE_DIGEST, VERSION, StaleCourseWarning, catalogue_digest
from support import ROOT, course_copy


def test_is_the_version_raised_whenever_the_exercises_change():
    assert catalogue_digest() == CATALOGUE_DIGEST, (
        f"the exercises changed since course version {VERSION}: raise VERSION in course/version.py "
        f"and set CATALOGUE_DIGEST = {catalogue_digest()!r} there")


def test_does_check_call_an_unknown_exercise_a_stale_install_and_say_how_to_update():
    with pytest.raises(LookupError) as raised:
        check("unregistered_backward", lambda x, dout: dout)
    said = str(raised.value)
    assert f"the course package installed here (version {VERSION}, in " in said
    assert "has no exercise 'unregistered_backward'" in said
    assert "older than this notebook: update it" in said and "restart the kernel" in said
    assert "register it in EXERCISES of course/assignments/<assignment>/exercises.py" in said


def test_does_check_in_an_assignments_notebook_name_the_file_and_line_to_register_in(monkeypatch):
    monkeypatch.setenv("JPY_SESSION_NAME", str(ROOT / "source" / "04_sigmoid_neuron" / "x.ipynb"))
    with pytest.raises(LookupError) as raised:
        check("unregistered_backward", lambda x, dout: dout)
    registry = Path(course.__file__).resolve().parent / "assignments" / "sigmoid_neuron" / "exercises.py"
    lines = registry.read_text().splitlines()
    line = next(k for k, text in enumerate(lines, 1) if text.startswith("EXERCISES"))
    assert f"register it in EXERCISES of {registry}:{line} " in str(raised.value)


@pytest.mark.parametrize("recorded, stale", [("99.0.0", True), (VERSION, False), ("0.1.0", False),
                                              (None, False)])
def test_does_check_warn_when_the_notebook_in_jupyter_is_newer_than_the_package(
        tmp_path, monkeypatch, recorded, stale):
    notebook = nbformat.v4.new_notebook(metadata={KEY: {"version": recorded}} if recorded else {})
    path = tmp_path / "chain_rule.ipynb"
    nbformat.write(notebook, path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))   # what Jupyter Server gives its kernels
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check("add_backward", lambda x, y, dout: (dout, dout))
    said = [str(w.message) for w in caught if issubclass(w.category, StaleCourseWarning)]
    assert bool(said) == stale
    if stale:
        assert said[0].startswith(f"this notebook was released with course version 99.0.0, but the "
                                  f"course package installed here is {VERSION}")
        assert "restart the kernel" in said[0]


@pytest.fixture
def released(tmp_path):
    """(course root, the release notebook of 02_chain_rule) in a throwaway course."""
    course_copy(tmp_path, "02_chain_rule")
    return tmp_path, tmp_path / "release" / "02_chain_rule" / "chain_rule.ipynb"


def test_does_the_grader_warn_when_a_release_is_newer_than_its_course_package(released):
    root, path = released
    nb = nbformat.read(path, as_version=4)
    nb.metadata[KEY] = {"version": "99.0.0"}
    nbformat.write(nb, path)
    notes = stale_release_notes(root, ["02_chain_rule"])
    assert notes == [f"release/02_chain_rule was built with course 99.0.0, but this grader's course "
                     f"package is {VERSION}: its exercises may differ; update it (pip install -U "
                     "backprop-course, or pip install -e . in the course folder) before grading."]


def test_is_a_release_stamped_with_this_version_not_stale(released):
    root, path = released
    stamp(path.parent)
    assert nbformat.read(path, as_version=4).metadata[KEY] == {"version": VERSION}
    assert stale_release_notes(root, ["02_chain_rule"]) == []


def test_are_dask_workers_with_another_course_version_named():
    said = stale_workers({"tcp://a:1": "0.1.0", "tcp://b:2": VERSION,
                          "tcp://c:3": ModuleNotFoundError("No module named 'course.version'")})
    assert "tcp://a:1 has 0.1.0, tcp://c:3 has older than" in said
    assert "tcp://b:2" not in said and "on every worker and restart them" in said
    assert stale_workers({"tcp://b:2": VERSION}) is None
