"""Assignment 05: does the staged circuit reproduce the worked numbers of seeds/NOTES.md?"""
import pytest

from course import CheckFailed, check
from course.assignments.staged_backprop.forward import STAGED
from course.circuits import CircuitExplorer
from course.exercises import EXERCISES
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


def test_does_the_explorer_show_no_gradient_on_the_wire_from_x_into_x_plus_y_at_the_answer_only():
    """staged_backprop_question_1: keep x = 3, move y until the wire x -> xpy carries 0."""
    question, explorer = EXERCISES["staged_backprop_question_1"], CircuitExplorer(STAGED, STAGED_AT)
    slider = explorer.controls["y"]

    def share_through_xpy(y):
        slider.value = y
        assert slider.value == pytest.approx(y)   # the slider reaches it
        return STAGED.wire_gradients({"x": 3.0, "y": slider.value})[("x", "xpy", 0)]
    (answer,) = question.expected({})
    assert abs(share_through_xpy(answer)) < 1e-6
    assert explorer.numbers["df/dx"] == pytest.approx(
        sum(STAGED.wire_gradients({"x": 3.0, "y": answer})[("x", to, 0)] for to in ("num", "sigx")))
    assert all(abs(share_through_xpy(*mistake.returns())) > 0.02 for mistake in question.mistakes)
