"""Assignment 05: does the staged circuit reproduce the worked numbers of seeds/NOTES.md?"""
import pytest

from course import CheckFailed, check
from course.assignments.staged_backprop.forward import STAGED
from support import instructor_namespace, not_printed, rounded

NAME = "05_staged_backprop"
STAGED_AT = dict(x=3, y=-4)
# What the executed source notebook must print, taken from shared/seeds/NOTES.md.
WORKED_NUMBERS = ["f = 1.5456, df/dx = 2.0596, df/dy = 1.5922"]


def test_does_the_notebook_print_the_worked_numbers(validated):
    assert not_printed(validated, NAME, WORKED_NUMBERS) == []


def test_does_the_staged_circuit_reproduce_the_worked_numbers():
    assert round(STAGED.forward(STAGED_AT)["f"], 4) == 1.5456
    assert rounded(STAGED.node_gradients(STAGED_AT), ["x", "y"]) == [2.0596, 1.5922]


def test_does_the_backward_check_fail_a_staged_backward_that_changes_the_cache():
    solution = instructor_namespace(NAME)

    def popping(cache):
        gradients = solution["staged_backward"](cache)
        cache.pop("x")
        return gradients
    with pytest.raises(CheckFailed, match="staged_backward changed its argument cache in place"):
        check("staged_backward", solution["staged_forward"], popping)
