"""Is every assignment right under plain nbgrader, and is the committed release what source/ makes?"""
from concurrent.futures import ProcessPoolExecutor
import json
import subprocess
import sys

import nbformat
import pytest

from autograder import notebooks
from autograder.conventions import generic
from autograder.release import build_and_check
from support import ROOT, chosen_assignments, course_copy

ASSIGNMENTS = chosen_assignments()


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_does_the_source_earn_full_marks_and_the_untouched_release_zero(validated, name):
    check = validated[0][name]
    assert check.problems == []
    assert check.max_score > 0
    assert check.solution_score == check.max_score
    assert check.untouched_score == 0


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_is_the_committed_release_what_source_generates(validated, name):
    fresh = validated[1] / name / "release" / name
    committed = ROOT / "release" / name
    assert sorted(p.name for p in committed.iterdir()) == sorted(p.name for p in fresh.iterdir())
    for path in fresh.glob("*.ipynb"):
        assert _content(committed / path.name) == _content(path), (
            f"release/{name}/{path.name} is out of date: run `backprop-course release {name}`")


def _content(path):
    """A notebook's cells and nbgrader metadata, without volatile metadata such as versions."""
    nb = json.loads(path.read_text())
    return [(c["cell_type"], "".join(c["source"]), c["metadata"].get("nbgrader"))
            for c in nb["cells"]]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_does_the_release_hold_no_solution_and_no_hidden_test(name):
    for path in (ROOT / "release" / name).glob("*.ipynb"):
        text = path.read_text()
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "hidden=True"):
            assert marker not in text, f"{path.name} shows {marker!r}"
        release = notebooks.read(path)
        source = notebooks.read(ROOT / "source" / name / path.name)
        assert not notebooks.hidden_lines(source) & (
            notebooks.shown_lines(release) - notebooks.shown_lines(source))
        for cell in release.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                assert "raise NotImplementedError(todo())" in cell.source


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_does_the_untouched_release_raise_only_in_its_stubs(validated, name):
    folder = validated[1] / name / "autograded" / "untouched_release" / name
    raised = [error for path in folder.glob("*.ipynb") for error in notebooks.errors(notebooks.read(path))]
    assert raised, "an untouched release should fail its checks"
    assert {ename for _, ename, _ in raised} == {"NotImplementedError"}
    assert all("is yours to write" in message for _, _, message in raised)


def test_does_the_course_package_hold_no_solution_line():
    package = "\n".join(p.read_text() for p in (ROOT / "course").rglob("*.py"))
    package_lines = {line.strip() for line in package.splitlines()}
    for path in (ROOT / "source").glob("*/*.ipynb"):
        solution_lines = {line for line in notebooks.hidden_lines(notebooks.read(path))
                          if not generic(line)}
        assert not solution_lines & package_lines, path.name


def _solution_in_a_plain_cell(nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            del cell.metadata["nbgrader"]
            cell.source = "\n".join(line for line in cell.source.splitlines() if "###" not in line)


def _source_raises(nb):
    nb.cells[1].source += "\nundefined_name"


def _broken_check(folder, breaking):
    """build_and_check of a copy of the course with the chain-rule assignment broken by breaking."""
    course_copy(folder, "02_chain_rule")
    path = folder / "source" / "02_chain_rule" / "chain_rule.ipynb"
    nb = nbformat.read(path, as_version=4)
    breaking(nb)
    nbformat.write(nb, path)
    return build_and_check(folder, "02_chain_rule")


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """breaking function -> the AssignmentCheck of a course it broke; both built at once."""
    breakings = (_solution_in_a_plain_cell, _source_raises)
    with ProcessPoolExecutor(len(breakings)) as pool:
        checks = pool.map(_broken_check, [tmp_path_factory.mktemp(b.__name__) for b in breakings],
                          breakings)
        return dict(zip(breakings, checks))


def test_does_validation_catch_a_solution_left_in_a_plain_cell(broken):
    check = broken[_solution_in_a_plain_cell]
    assert not check.ok
    assert check.untouched_score == check.max_score
    assert any(f"untouched release earns {check.max_score:g}," in problem for problem in check.problems)


def test_does_validation_catch_a_source_that_raises(broken):
    check = broken[_source_raises]
    assert any("chain_rule.ipynb: the source raises NameError in code cell 1:" in problem
               for problem in check.problems)
    assert any("the untouched release raises NameError" in problem for problem in check.problems)


def test_does_the_command_refuse_an_unknown_assignment_plainly():
    result = subprocess.run([sys.executable, "-m", "autograder.cli", "validate", "99_nothing"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "no assignment 99_nothing under source/" in result.stderr
    assert "01_derivative" in result.stderr


def test_does_the_command_say_where_a_course_directory_is_needed(tmp_path):
    result = subprocess.run([sys.executable, "-m", "autograder.cli", "validate"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 2
    assert "is not inside a course directory" in result.stderr
