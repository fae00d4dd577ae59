"""Assignment 01: do forward and centered differences behave as the notebook says, step by step?"""
import numpy as np
import pytest

from course.assignments.derivative.explorers import DerivativeExplorer


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
