"""Assignment 04: does the 2-D sigmoid neuron, of small gates or one sigmoid gate, reproduce the
worked numbers of seeds/NOTES.md, and does the sigmoid's slope peak at 1/4?"""
import numpy as np
import pytest

from course.assignments.sigmoid_neuron.explorers import SigmoidExplorer
from course.assignments.sigmoid_neuron.forward import NEURON, NEURON_SIGMOID
from course.circuits import CircuitExplorer
from course.exercises import EXERCISES
from support import instructor_namespace, not_printed, rounded

NAME = "04_sigmoid_neuron"
NEURON_AT = dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3)
# What the executed source notebook must print, taken from shared/seeds/NOTES.md.
WORKED_NUMBERS = ["dot = 1, f = 0.7311", "through the four gates: d dot = 0.1966", "d dot = 0.1966",
                  "dx = [ 0.3932 -0.5898]", "dw = [-0.1966 -0.3932  0.1966]"]


def test_does_the_notebook_print_the_worked_numbers(validated):
    assert not_printed(validated, NAME, WORKED_NUMBERS) == []


def test_does_the_sigmoid_walked_back_through_its_four_gates_give_the_worked_slope():
    """sigmoid_by_gates_backward at the worked example's weighted sum, dot = 1: sigma'(1) =
    sigma(1) (1 - sigma(1)) = 0.1966, and dout scales it."""
    by_gates = instructor_namespace(NAME)["sigmoid_by_gates_backward"]
    assert round(by_gates(1.0, 1.0), 4) == 0.1966
    assert round(by_gates(1.0, 2.0), 4) == 0.3932
    sigma = 1 / (1 + np.exp(2.5))
    assert by_gates(-2.5, -0.5) == pytest.approx(sigma * (1 - sigma) * -0.5)


@pytest.mark.parametrize("circuit", [NEURON, NEURON_SIGMOID], ids=["small_gates", "sigmoid_gate"])
def test_does_the_neuron_reproduce_the_worked_numbers(circuit):
    values = circuit.forward(NEURON_AT)
    grads = circuit.node_gradients(NEURON_AT)
    assert rounded(values, ["dot", "f"]) == [1, 0.7311]
    assert round(grads["dot"], 4) == 0.1966
    assert rounded(grads, ["x0", "x1"]) == [0.3932, -0.5898]
    assert rounded(grads, ["w0", "w1", "w2"]) == [-0.1966, -0.3932, 0.1966]


def test_does_the_circuit_explorer_start_at_the_worked_numbers():
    numbers = CircuitExplorer(NEURON, NEURON_AT).numbers
    assert [round(numbers[k], 4) for k in ("f", "df/dx0", "df/dx1")] == [0.7311, 0.3932, -0.5898]
    dw = [round(numbers[k], 4) for k in ("df/dw0", "df/dw1", "df/dw2")]
    assert dw == [-0.1966, -0.3932, 0.1966]


@pytest.mark.parametrize("x", [0.0, 3.0, -6.5])
def test_does_the_sigmoid_explorer_show_the_slope_sigma_times_one_minus_sigma(x):
    explorer = SigmoidExplorer()
    explorer.controls["x"].value = x
    sigma = 1 / (1 + np.exp(-x))
    assert explorer.numbers["σ(x)"] == pytest.approx(sigma)
    assert explorer.numbers["slope"] == pytest.approx(sigma * (1 - sigma), abs=1e-9)
    assert explorer.numbers["slope"] <= 0.25


def test_does_the_sigmoid_explorer_show_the_worked_slope_at_the_questions_answer_only():
    """sigmoid_neuron_question_1: the other x where the slope reads 0.1966, sigma'(1)."""
    question, explorer = EXERCISES["sigmoid_neuron_question_1"], SigmoidExplorer()
    slider = explorer.controls["x"]

    def slope_at(x):
        slider.value = x
        assert slider.value == pytest.approx(x)   # the slider reaches it
        return round(explorer.numbers["slope"], 4)
    (answer,) = question.expected({})
    assert answer != 1 and slope_at(answer) == 0.1966
    wrong = [x for mistake in question.mistakes for x in mistake.returns()]
    assert [x for x in wrong if slope_at(x) == 0.1966] == [1.0]   # only the x the question names
