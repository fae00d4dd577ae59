"""Assignment 03: does the circuit f = 2 (x y + max(z, w)) show add distributing, max routing and
multiply swapping, with the worked numbers of seeds/NOTES.md, and do weight gradients grow with
the input's scale?"""
import pytest

from course.assignments.gates.explorers import InputScaleExplorer
from course.assignments.gates.forward import FLOW_PATTERNS
from course.circuits import CircuitExplorer
from course.exercises import EXERCISES
from support import not_printed, rounded

NAME = "03_gates"
FLOW_AT = dict(x=3, y=-4, z=2, w=-1)
# What the executed source notebook must print, taken from shared/seeds/NOTES.md.
WORKED_NUMBERS = ["f = -20", "add gate passes 2.00 and 2.00 to its inputs",
                  "max gate routes 2.00 to z and 0.00 to w",
                  "multiply gate swaps: df/dx = -8, df/dy = 6"]


def test_does_the_notebook_print_the_worked_numbers(validated):
    assert not_printed(validated, NAME, WORKED_NUMBERS) == []


def test_does_the_flow_patterns_circuit_reproduce_the_worked_numbers():
    assert round(FLOW_PATTERNS.forward(FLOW_AT)["f"], 4) == -20
    wires = FLOW_PATTERNS.wire_gradients(FLOW_AT)
    assert [round(wires[w], 4) for w in [("xy", "s", 0), ("m", "s", 1)]] == [2, 2]  # add passes
    assert [round(wires[w], 4) for w in [("z", "m", 0), ("w", "m", 1)]] == [2, 0]  # max routes
    assert rounded(FLOW_PATTERNS.node_gradients(FLOW_AT), ["x", "y"]) == [-8, 6]  # mul swaps


@pytest.mark.parametrize("log10_scale", [0.0, 3.0])
def test_does_the_input_scale_grow_the_weight_gradients_only(log10_scale):
    explorer = InputScaleExplorer(w=(2.0, -3.0, 0.5), x=(-1.0, -2.0, 4.0))
    explorer.controls["log10_scale"].value = log10_scale
    numbers, scale = explorer.numbers, 10**log10_scale
    assert numbers["scale"] == pytest.approx(scale)
    dw = [numbers[f"df/dw{i}"] for i in range(3)]
    dx = [numbers[f"df/dx{i}"] for i in range(3)]
    assert dw == pytest.approx([-1.0 * scale, -2.0 * scale, 4.0 * scale], rel=1e-6)
    assert dx == pytest.approx([2.0, -3.0, 0.5], abs=1e-6)


def test_does_the_input_scale_axis_end_at_a_round_number_above_the_tallest_bar():
    explorer = InputScaleExplorer()
    limits = []
    for log10_scale in (0.0, 0.05, 2.0):
        explorer.controls["log10_scale"].value = log10_scale
        top = explorer.axes[0].get_ylim()[1]
        tallest = max(abs(v) for k, v in explorer.numbers.items() if k.startswith("df/d"))
        assert 1.3 * tallest <= top < 1.3 * 1.7 * tallest
        limits.append(top)
    assert limits[0] == limits[1] == 7.0 and limits[2] == 700.0  # 1.3 * 4.488 -> 7


def test_does_the_explorer_show_df_dy_reading_4_at_the_questions_answer_and_at_no_wrong_answer():
    """gates_question_1: move x alone from the worked example until df/dy reads 4."""
    question, explorer = EXERCISES["gates_question_1"], CircuitExplorer(FLOW_PATTERNS, FLOW_AT)
    slider = explorer.controls["x"]

    def df_dy(x):
        slider.value = x
        assert slider.value == pytest.approx(x)   # the slider reaches it
        return explorer.numbers["df/dy"]
    (answer,) = question.expected({})
    assert df_dy(answer) == pytest.approx(4.0, abs=1e-6)
    assert all(abs(df_dy(*mistake.returns()) - 4.0) >= 1 for mistake in question.mistakes)
