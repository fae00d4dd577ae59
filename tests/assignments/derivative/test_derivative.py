"""Assignment 01: do forward and centered differences behave as the notebook says, step by step?"""
import numpy as np
import pytest

from course.assignments.derivative.explorers import DerivativeExplorer
from course.exercises import EXERCISES


def test_does_the_centered_difference_beat_the_forward_difference_at_moderate_steps():
    explorer = DerivativeExplorer()  # f = x**3 at x = 1.5, f' = 6.75
    explorer.controls["log10_h"].value = -4.0
    numbers = explorer.numbers
    assert numbers["true f'(x)"] == pytest.approx(6.75, abs=1e-9)
    assert numbers["forward error"] == pytest.approx(3 * 1.5 * 1e-4, rel=0.01)  # about 3 x h
    assert numbers["centered error"] == pytest.approx(1e-8, rel=0.01)  # h**2 for a cubic
    assert numbers["h"] == pytest.approx(1e-4)


def test_does_a_tiny_step_ruin_both_estimates():
    explorer = DerivativeExplorer()
    explorer.controls["log10_h"].value = -15.0
    assert explorer.numbers["forward error"] > 1e-3
    assert explorer.numbers["centered error"] > 1e-3


def test_does_a_given_derivative_serve_as_the_truth():
    explorer = DerivativeExplorer(f=np.sin, x=0.5, df=np.cos(0.5))
    assert explorer.numbers["true f'(x)"] == np.cos(0.5)
    assert explorer.numbers["centered error"] < 1e-7


def test_does_the_explorer_show_the_questions_step_as_the_forward_differences_best_of_three():
    """derivative_question_1: of h = 1e-2, 1e-8 and 1e-14, where the forward error reads smallest."""
    question, explorer = EXERCISES["derivative_question_1"], DerivativeExplorer()
    slider = explorer.controls["log10_h"]

    def forward_error(choice):
        slider.value = float(choice.split("e")[1])
        assert explorer.numbers["h"] == pytest.approx(float(choice))   # the slider reaches it
        return explorer.numbers["forward error"]
    choices = ("1e-2", "1e-8", "1e-14")
    (marks,) = question.expected({})
    assert marks.tolist() == [0.0, 1.0, 0.0]
    errors = {choice: forward_error(choice) for choice in choices}
    assert min(errors, key=errors.get) == "1e-8"
    assert all(errors[c] > 100 * errors["1e-8"] for c in choices if c != "1e-8")   # no close call
