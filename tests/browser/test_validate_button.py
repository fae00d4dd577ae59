"""Does a student's unsolved release notebook behave in JupyterLab as nbgrader promises?

The stubs fail saying what to write, nbgrader's Validate button names every failing exercise,
and once the student has typed in the solutions, Validate passes.
"""
import nbformat
import pytest

from autograder.sample_class import solutions
from support import ARTIFACTS, ROOT

ASSIGNMENT, NOTEBOOK = "03_gates", "gates.ipynb"


@pytest.fixture(scope="module")
def student(lab, browser):
    """The unsolved release notebook, opened and run as a student first would."""
    with lab.run(browser, f"release/{ASSIGNMENT}/{NOTEBOOK}") as notebook:
        yield notebook


def exercises():
    return list(solutions(ROOT, ASSIGNMENT, NOTEBOOK))


def test_a_stub_stops_the_run_saying_which_function_to_write(student):
    (error,) = student.errors()
    assert "NotImplementedError" in error
    assert f"{exercises()[0]} is yours to write" in error
    assert "checks.py" not in error, "the traceback should show the student's code only"


def test_validate_names_every_exercise_still_to_write(student):
    message = student.validate()
    student.screenshot(ARTIFACTS / f"{ASSIGNMENT}-validate-failed.png")
    assert "validation-failed" in message.get_attribute("class")
    for name in exercises():
        assert f"{name} is yours to write" in message.inner_text()
    student.close_dialog()


def test_validate_passes_once_the_solutions_are_typed_in(student, course_dir):
    cells = nbformat.read(course_dir / "release" / ASSIGNMENT / NOTEBOOK, as_version=4).cells
    grade_ids = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in cells]
    for grade_id, source in solutions(ROOT, ASSIGNMENT, NOTEBOOK).items():
        index = grade_ids.index(grade_id)
        student.type_into(index, source)
        assert student.source(index) == source, f"{grade_id} did not take the typed text"
    message = student.validate()
    student.screenshot(ARTIFACTS / f"{ASSIGNMENT}-validate-passed.png")
    assert "validation-success" in message.get_attribute("class")
    assert "Success! Your notebook passes all the tests." in message.inner_text()
    student.close_dialog()
