"""Assignment 02: does f = (x + y) z reproduce the worked numbers of seeds/NOTES.md?"""
from course.assignments.chain_rule.forward import ADD_MUL
from course.exercises import EXERCISES
from support import not_printed, rounded

NAME = "02_chain_rule"
ADD_MUL_AT = dict(x=-2, y=5, z=-4)
# What the executed source notebook must print, taken from shared/seeds/NOTES.md.
WORKED_NUMBERS = ["q = 3, f = -12", "df/dz = 3, df/dq = -4, df/dx = -4, df/dy = -4"]


def test_does_the_notebook_print_the_worked_numbers(validated):
    assert not_printed(validated, NAME, WORKED_NUMBERS) == []


def test_does_the_add_mul_circuit_reproduce_the_worked_numbers():
    values = ADD_MUL.forward(ADD_MUL_AT)
    grads = ADD_MUL.node_gradients(ADD_MUL_AT)
    assert rounded(values, ["q", "f"]) == [3, -12]
    assert rounded(grads, ["z", "q", "x", "y"]) == [3, -4, -4, -4]


def test_does_the_explorer_show_df_dz_zero_at_the_questions_answer_and_at_no_wrong_answer():
    """chain_rule_question_1: move x alone from the worked example until df/dz reads 0."""
    question = EXERCISES["chain_rule_question_1"]
    dz = lambda x: ADD_MUL.node_gradients({**ADD_MUL_AT, "x": x})["z"]   # noqa: E731
    (answer,) = question.expected({})
    assert ADD_MUL_AT["x"] - 5 <= answer <= ADD_MUL_AT["x"] + 5   # the explorer's x slider reaches it
    assert abs(dz(answer)) < 1e-6
    assert all(abs(dz(*mistake.returns())) >= 1 for mistake in question.mistakes)
