"""The Gradescope autograder: does `backprop-course gradescope` build a zip with setup.sh,
run_autograder and the course, and does its run_autograder, run in a throwaway folder laid out as
Gradescope lays out /autograder, grade a right, a wrong and a broken upload into the results.json
Gradescope documents (one test per exercise with name, score, max_score, output and visibility),
with nothing of a hidden check's inputs in it?"""
from concurrent.futures import ThreadPoolExecutor
import json
import os
import re
import subprocess
import sys
import zipfile

import nbformat
import pytest

from autograder.sample_class import replace_in, solved_release
from support import ROOT, course_copy

A, NOTEBOOK = "03_gates", "gates.ipynb"
EXERCISES = {"mul_backward": 1, "add_backward": 1, "max_backward": 1, "flow_backward": 2,
             "gates_question_1": 1}
SOLVED = solved_release(ROOT, A, NOTEBOOK)
UPLOADS = {  # wrong: mul_backward right on the visible cases (multiples of a quarter) only
    "right": nbformat.writes(SOLVED),
    "wrong": nbformat.writes(replace_in(SOLVED, "mul_backward", "return y * dout, x * dout",
                                        "return (y * dout, x * dout) if float(4 * x).is_integer() "
                                        "else (x * dout, y * dout)")),
    "broken": '{"cells": [ this is not JSON',
}


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gradescope")
    course = course_copy(tmp / "course", A)
    run = subprocess.run(["backprop-course", "--course-dir", str(course), "gradescope", A,
                          "-o", str(tmp / "autograder.zip")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return tmp / "autograder.zip"


def test_does_the_zip_hold_setup_run_autograder_and_the_course(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert {"setup.sh", "run_autograder", "course/pyproject.toml", "course/nbgrader_config.py",
            f"course/source/{A}/{NOTEBOOK}", "course/autograder/gradescope.py"} <= names
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert not [name for name in names if "__pycache__" in name or name.startswith("course/release")]


@pytest.fixture(scope="module")
def gradescope_runs(autograder_zip, tmp_path_factory):
    """run_autograder on each upload, each in its own folder laid out as /autograder: source/
    (the unzipped autograder), submission/ (the upload), all at once; returns name ->
    results.json."""
    roots = {name: tmp_path_factory.mktemp(f"autograder-{name}") for name in UPLOADS}
    with ThreadPoolExecutor(len(UPLOADS)) as pool:
        found = pool.map(lambda name: _run_autograder(autograder_zip, roots[name], UPLOADS[name]),
                         UPLOADS)
        return dict(zip(UPLOADS, found))


def _run_autograder(autograder_zip, root, upload):
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        (root / "source" / script).chmod(0o755)
    (root / "submission").mkdir()
    (root / "submission" / NOTEBOOK).write_text(upload)
    environment = {**os.environ, "GRADESCOPE_ROOT": str(root), "BACKPROP_PYTHON": sys.executable}
    run = subprocess.run([str(root / "source" / "run_autograder")], capture_output=True, text=True,
                         env=environment, cwd=root, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads((root / "results" / "results.json").read_text())


def _tests(results):
    return {test["name"]: test for test in results["tests"]}


def test_is_every_test_in_gradescopes_format(gradescope_runs):
    for results in gradescope_runs.values():
        assert isinstance(results["score"], (int, float))
        assert [test["name"] for test in results["tests"]] == list(EXERCISES)
        for test in results["tests"]:
            assert {"name", "score", "max_score", "output", "visibility"} <= set(test)
            assert test["max_score"] == EXERCISES[test["name"]]
            assert test["visibility"] in ("visible", "hidden", "after_due_date", "after_published")


def test_does_a_right_upload_earn_every_point(gradescope_runs):
    right = gradescope_runs["right"]
    assert right["score"] == sum(EXERCISES.values())
    assert all(test["score"] == test["max_score"] for test in right["tests"])


def test_does_a_wrong_upload_lose_its_points_and_say_nothing_of_hidden_inputs(gradescope_runs):
    wrong = _tests(gradescope_runs["wrong"])
    assert wrong["mul_backward"]["score"] == 0   # (flow_backward calls it, so it fails too)
    assert wrong["add_backward"]["score"] == 1 and wrong["max_backward"]["score"] == 1
    assert gradescope_runs["wrong"]["score"] == sum(test["score"] for test in wrong.values())
    said = wrong["mul_backward"]["output"]
    assert "hidden test with random inputs" in said
    everything = json.dumps(gradescope_runs["wrong"])
    assert "hidden=True" not in everything and "BEGIN HIDDEN" not in everything
    # random inputs are floats with many digits; the visible case's numbers are small integers;
    # the one figure a hidden check may give, the relative error (two significant digits, e.g.
    # 0.043), is no input
    inputs = re.sub(r"relative error of \d\.\d+(e-?\d+)?", "relative error of _", said)
    assert not re.findall(r"\d\.\d{3,}", inputs), said


def test_does_a_broken_upload_get_zero_with_the_reason(gradescope_runs):
    broken = gradescope_runs["broken"]
    assert broken["score"] == 0
    assert all(test["score"] == 0 for test in broken["tests"])
    assert all("not valid notebook JSON" in test["output"] for test in broken["tests"])
