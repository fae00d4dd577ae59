"""When a student's function raises inside a check, what do JupyterLab and nbgrader's Validate show?

Their own frame, the error, and the check's one-line summary: no frame of the course's code (hint
texts, mistake catalogues and expected values stay out of sight). The same is tested without a
browser, in nbconvert's output, by tests/test_student_tracebacks.py.
"""
import nbformat
import pytest

from autograder.sample_class import solutions
from course.exercises import EXERCISES
from support import ARTIFACTS, ROOT

ASSIGNMENT, NOTEBOOK = "05_staged_backprop", "staged_backprop.ipynb"
SLIP = ('c["xpy"]', 'c["xy"]')   # a key the cache does not have


def _never_course(text):
    assert "course/" not in text and "exercises.py" not in text and "checks.py" not in text
    assert EXERCISES["staged_backward"].hint not in " ".join(text.split())


@pytest.fixture(scope="module")
def student(lab, browser, course_dir):
    """The release notebook with the solutions typed in, staged_backward reading a wrong key,
    run top to bottom."""
    cells = nbformat.read(course_dir / "release" / ASSIGNMENT / NOTEBOOK, as_version=4).cells
    grade_ids = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in cells]
    typed = solutions(ROOT, ASSIGNMENT, NOTEBOOK)
    typed["staged_backward"] = typed["staged_backward"].replace(*SLIP)
    notebook = lab.open(browser, f"release/{ASSIGNMENT}/{NOTEBOOK}")
    try:
        for grade_id, source in typed.items():
            notebook.type_into(grade_ids.index(grade_id), source)
        notebook.run_all()
        yield notebook
    finally:
        notebook.page.close()
        lab.shut_down_kernels()


def test_does_jupyterlab_show_the_students_frame_and_the_checks_summary(student):
    (error,) = student.errors()
    student.screenshot(ARTIFACTS / f"{ASSIGNMENT}-student-error.png")
    assert "KeyError" in error and SLIP[1] in error
    assert "check('staged_backward'): your code raised the error above on visible case 1" in error
    _never_course(error)


def test_does_validate_show_the_same_and_no_course_code(student):
    message = student.validate()
    text = message.inner_text()
    student.screenshot(ARTIFACTS / f"{ASSIGNMENT}-validate-student-error.png")
    assert "validation-failed" in message.get_attribute("class")
    assert "KeyError" in text and SLIP[1] in text
    _never_course(text)
    student.close_dialog()
