"""What does a student see when a check fails, or their function raises inside one, in a notebook
run by nbconvert (the engine under nbgrader's Validate and JupyterLab's kernel display alike)?

Their own frames and the check's words, never a frame of the course's code: no hint texts, no
mistake catalogues, no expected-value functions. The browser suite sees the same in JupyterLab
(tests/browser/test_student_tracebacks.py).
"""
import re

from nbconvert.preprocessors import ExecutePreprocessor
import nbformat
import pytest

from autograder.sample_class import solutions
from course.exercises import EXERCISES
from support import ROOT

CELLS = {
    "imports": "import numpy as np\nfrom course import check\nfrom course.functions import sigmoid",
    "functions": solutions(ROOT, "05_staged_backprop", "staged_backprop.ipynb")["staged_forward"]
    + "\n\ndef staged_backward(cache):\n    return cache['xy'], 0.0\n\n"
    "def sgd_step(W, dW, learning_rate):\n    W -= learning_rate * dW\n    return W",
    "raises": "check('staged_backward', staged_forward, staged_backward)",
    "bare f": "check('staged_forward', lambda x, y: staged_forward(x, y)[0])",
    "in place": "check('sgd_step', sgd_step)",
    "wrong value": "check('mul_backward', lambda x, y, dout: (x * dout, y * dout))",
    "shape error": "def neuron_backward(w, x):\n    return w @ np.ones(5), x\n\n"
                   "check('neuron_backward', neuron_backward)",
}


@pytest.fixture(scope="module")
def shown():
    """Cell name -> the traceback text (colours removed) its error output shows."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in CELLS.values()])
    ExecutePreprocessor(timeout=120, allow_errors=True).preprocess(notebook, {"metadata": {"path": ROOT}})
    texts = {}
    for name, cell in zip(CELLS, notebook.cells):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        texts[name] = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(errors[0].traceback)) if errors else ""
    return texts


def test_do_the_first_cells_run_and_every_check_cell_fail(shown):
    assert [name for name, text in shown.items() if text] == list(CELLS)[2:]


@pytest.mark.parametrize("name", list(CELLS)[2:])
def test_does_no_traceback_show_a_frame_of_the_course(shown, name):
    text = shown[name]
    assert str(ROOT / "course") not in text and "exercises.py" not in text and "checks.py" not in text
    assert "Mistake(" not in text and "def " + "expect" not in text and "hint=" not in text


def test_does_the_students_own_error_show_their_frame_and_the_checks_summary(shown):
    text = shown["raises"]
    assert "KeyError" in text and "return cache['xy'], 0.0" in text
    assert EXERCISES["staged_backward"].hint not in text
    assert text.rstrip().endswith("check('staged_backward'): your code raised the error above on "
                                  "visible case 1 (x=3, y=-4).")


def test_is_an_error_in_numpy_called_by_the_student_theirs(shown):
    text = shown["shape error"]
    assert "ValueError" in text and "return w @ np.ones(5), x" in text
    assert "check('neuron_backward'): your code raised the error above" in text


def test_does_a_broken_contract_read_as_one_message_under_the_students_line(shown):
    assert "ContractBroken: staged_forward returned a number; it should return a tuple of 2 " \
           "values: (f, cache)." in shown["bare f"]
    assert "----> 1 check('staged_forward'" in shown["bare f"]


def test_does_a_change_in_place_name_the_argument_and_the_mistake(shown):
    text = shown["in place"]
    diagnosis = next(m.diagnosis for m in EXERCISES["sgd_step"].mistakes if m.name == "changed-in-place")
    assert "ArgumentChanged: sgd_step changed its argument W in place" in text
    assert f"Mistake: {diagnosis}" in " ".join(text.split())


def test_does_a_wrong_value_show_the_message_only(shown):
    assert "CheckFailed: mul_backward(x=3, y=-4, dout=2) returned a wrong dx" in shown["wrong value"]
