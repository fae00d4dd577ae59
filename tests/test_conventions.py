"""Does `validate` name each authoring slip before students see it, saying where and what to change?

Each test makes one slip in a copy of the chain-rule assignment (its source notebook and its
catalogue of mutations) and asks the conventions check, which `validate` and `release` run first,
what it finds."""
from dataclasses import replace
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder.assignment import read_assignment
from autograder.conventions import findings, too_few_mistakes
from autograder.course_dir import CourseError
from course.exercises import EXERCISES
from support import ROOT, course_copy

NOTEBOOK = "chain_rule.ipynb"
SOLUTION, TEST = "add_mul_backward", "check_add_mul_backward"
DEFINITIONS = "course/assignments/chain_rule/exercises.py"
REGISTRY_LINE = next(number for number, line in enumerate((ROOT / DEFINITIONS).read_text().splitlines(), 1)
                     if line.startswith("EXERCISES"))


@pytest.fixture
def course(tmp_path):
    """(root, notebook): a course copy of 02_chain_rule with its mutations file, to break."""
    course_copy(tmp_path, "02_chain_rule")
    shutil.copytree(ROOT / "tests" / "assignments" / "chain_rule", tmp_path / "tests" / "assignments"
                    / "chain_rule", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path, nbformat.read(tmp_path / "source" / "02_chain_rule" / NOTEBOOK, as_version=4)


def _slip(root, nb):
    """Save the broken notebook; return what the check finds, one string."""
    nbformat.write(nb, root / "source" / "02_chain_rule" / NOTEBOOK)
    return "\n".join(findings(root, "02_chain_rule"))


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_does_the_untouched_copy_have_no_finding(course):
    assert findings(course[0], "02_chain_rule") == []


@pytest.mark.parametrize("cell, new_id, said", [
    # JupyterLab's Create Assignment panel proposes cell-<random>
    (TEST, "cell-8a1f4c2e", ["chain_rule.ipynb code cell 6 (grade id cell-8a1f4c2e) is a test cell",
                             "must be check_<exercise>, one of: add_mul_backward"]),
    (SOLUTION, "cell-answer", ["code cell 5 (grade id cell-answer) defines add_mul_backward: a "
                               "solution cell defines one function"]),
    (TEST, "check_unregistered_backward", [
        "unregistered_backward is not an exercise of this assignment: register it in EXERCISES in",
        f"{DEFINITIONS}:{REGISTRY_LINE}"]),
], ids=["test-cell-default-id", "solution-id-not-its-function", "unregistered-exercise"])
def test_is_a_grade_id_off_the_convention_named_with_what_to_change(course, cell, new_id, said):
    root, nb = course
    _cell(nb, cell).metadata["nbgrader"]["grade_id"] = new_id
    found = _slip(root, nb)
    assert [text for text in said if text not in found] == []


def test_is_an_exercise_without_its_test_cell_named(course):
    root, nb = course
    nb.cells.remove(_cell(nb, TEST))
    found = _slip(root, nb)
    assert "exercise add_mul_backward (EXERCISES in " in found
    assert "has no test cell: add one with grade id check_add_mul_backward" in found


def test_is_a_test_cell_that_checks_another_exercise_named(course):
    root, nb = course
    cell = _cell(nb, TEST)
    cell.source = cell.source.replace('check("add_mul_backward", add_mul_backward)\n',
                                      'check("mul_backward", add_mul_backward)\n', 1)
    found = _slip(root, nb)
    assert "(grade id check_add_mul_backward) calls check with mul_backward, add_mul_backward" in found


def test_is_a_test_cell_without_a_hidden_part_named(course):
    root, nb = course
    cell = _cell(nb, TEST)
    cell.source = cell.source.split("\n")[0]
    assert "(grade id check_add_mul_backward) has no hidden part" in _slip(root, nb)


def test_are_solution_markers_in_a_plain_cell_named_with_what_to_mark(course):
    root, nb = course
    del _cell(nb, SOLUTION).metadata["nbgrader"]
    found = _slip(root, nb)
    assert "holds ### BEGIN SOLUTION but is not a solution cell: mark it 'Autograded answer'" in found
    assert "function add_mul_backward has no solution cell" in found


def test_is_a_catalogued_mistake_without_its_mutation_named(course):
    root, nb = course
    path = root / "tests" / "assignments" / "chain_rule" / "mutations.py"
    path.write_text("\n".join(line for line in path.read_text().splitlines() if "dz-is-x" not in line))
    found = _slip(root, nb)
    assert "tests/assignments/chain_rule/mutations.py: no entry for ('add_mul_backward', 'dz-is-x')" in found


@pytest.mark.parametrize("old, new, said", [
    ("dz = q", "dz = x + y",
     ["('add_mul_backward', 'not-swapped') quotes 'dz = q', which is not in the solution"]),
    ("    q = x + y", "    q = x + y\n    return 1.0 / (1.0 + np.exp(-x))",
     ["course/functions.py:12 equals a line of a solution", "'return 1.0 / (1.0 + np.exp(-x))'"]),
    ("dq = z", "dq = z  # TODO(new-exercise): check the sign",
     ["code cell 5 (grade id add_mul_backward): fill in the TODO(new-exercise)"]),
], ids=["mutation-not-quoting-the-solution", "course-line-equal-to-a-solution-line", "todo-left"])
def test_is_a_slip_in_the_solution_named_with_its_place(course, old, new, said):
    root, nb = course
    cell = _cell(nb, SOLUTION)
    cell.source = cell.source.replace(old, new)
    found = _slip(root, nb)
    assert [text for text in said if text not in found] == []


def test_is_an_exercise_with_fewer_than_three_mistakes_named_unless_fewer_exist(course):
    root, _ = course
    exercise = EXERCISES["add_mul_backward"]
    two = replace(exercise, mistakes=exercise.mistakes[:2])
    found = "\n".join(too_few_mistakes(root, "02_chain_rule", [two]))
    assert f"{DEFINITIONS}:" in found and "add_mul_backward catalogues 2 mistake(s)" in found
    assert "FEWER_EXIST in tests/test_mistake_catalogue.py" in found
    (root / "tests" / "test_mistake_catalogue.py").write_text(
        'FEWER_EXIST = {\n    # only two occur\n    "add_mul_backward": 2,\n}\n')
    assert too_few_mistakes(root, "02_chain_rule", [two]) == []


def test_is_a_mistakes_tuple_without_its_comma_sent_to_its_line(tmp_path):
    shutil.copytree(ROOT / "course", tmp_path / "course", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "autograder", tmp_path / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    course_copy(tmp_path / "root", "02_chain_rule")
    path = tmp_path / "course" / "assignments" / "chain_rule" / "exercises.py"
    text = path.read_text()
    start = text.index("mistakes=(") + len("mistakes=(")
    path.write_text(text[:start] + "Mistake('only-one', 'one mistake.', lambda x, y, z: (0.0,))))\n"
                    + "\nEXERCISES = (add_mul_backward,)\n")
    run = subprocess.run(
        [sys.executable, "-c", "from autograder.conventions import findings; "
         "print(*findings('root', '02_chain_rule'), sep='\\n')"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)}, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert f"{path}:6: TypeError: add_mul_backward: mistakes= must be a tuple" in run.stdout
    assert "mistakes=(Mistake(...),)" in run.stdout


def test_does_validate_print_the_slips_and_fail(course):
    root, nb = course
    _cell(nb, TEST).metadata["nbgrader"]["grade_id"] = "cell-8a1f4c2e"
    nbformat.write(nb, root / "source" / "02_chain_rule" / NOTEBOOK)
    run = subprocess.run([sys.executable, "-m", "autograder.cli", "--course-dir", str(root), "validate",
                          "02_chain_rule"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 1
    assert "- chain_rule.ipynb code cell 6 (grade id cell-8a1f4c2e) is a test cell" in run.stdout


def test_does_the_grader_send_an_unknown_test_cell_to_the_registry_and_the_install(course):
    root, nb = course
    _cell(nb, TEST).metadata["nbgrader"]["grade_id"] = "check_unregistered_backward"
    nbformat.write(nb, root / "source" / "02_chain_rule" / NOTEBOOK)
    with pytest.raises(CourseError) as refused:
        read_assignment(root, "02_chain_rule")
    assert "registered in EXERCISES of course/assignments/chain_rule/exercises.py" in str(refused.value)
    assert "this course package is older than the notebook: update it" in str(refused.value)


def test_does_the_mutation_sweep_name_a_solution_id_off_the_convention_instead_of_dying(
        course, monkeypatch, capsys):
    from tools.mutation_sweep import main
    root, nb = course
    _cell(nb, SOLUTION).metadata["nbgrader"]["grade_id"] = "cell-answer"
    nbformat.write(nb, root / "source" / "02_chain_rule" / NOTEBOOK)
    monkeypatch.chdir(root)
    assert main(["--assignment", "02_chain_rule"]) == 2
    assert "code cell 5 (grade id cell-answer) defines add_mul_backward" in capsys.readouterr().out
