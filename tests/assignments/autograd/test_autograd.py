"""An autograd you can train with (assignment 15): the worked numbers it prints, the expression
graphs and their measured gradients, how orders and backward passes are judged, the pictures."""
import re

from matplotlib.figure import Figure
import numpy as np
import pytest

from course import CheckFailed, check
from course.assignments.autograd.exercises import FORK, QUOTIENT, order_report
from course.assignments.autograd.forward import (
    ADD,
    POW,
    RELU,
    TANH,
    apply_op,
    evaluate,
    exponents,
    graph_from_rows,
    measured_gradients,
    mlp_scores,
    moons,
    random_graph,
)
from course.assignments.autograd.pictures import as_circuit, training_picture
from course.exercises import EXERCISES
from support import instructor_namespace, not_printed, pictures_shown, printed_by

NAME = "15_autograd"

# The worked two-layer tanh network of shared/seeds/NOTES.md, by the notebook's autograd, and the
# a + a fork, with = and with +=.
WORKED_NUMBERS = [
    "L = 0.01747",
    "dL/dW0 = [[-0.11866, -0.01187], [0.17108, 0.01711]]",
    "dL/dW1 = [-0.11298, -0.05446]",
    "with = : 1;   with += : 2;   your autograd: 2;   measured: 2",
]


@pytest.fixture(scope="module")
def instructor():
    return instructor_namespace(NAME)


def test_does_the_notebook_print_the_worked_numbers(validated):
    assert not_printed(validated, NAME, WORKED_NUMBERS) == []


def test_does_the_training_run_in_the_notebook_bring_the_loss_down(validated):
    first, last = map(float, re.search(r"loss ([\d.]+) -> ([\d.]+)",
                                       printed_by(validated, NAME)).groups())
    assert last < first / 5


def test_does_the_notebook_show_the_expression_and_the_training_picture(validated):
    assert pictures_shown(validated, NAME) == 2


# --- the graphs and their forward pass ---------------------------------------------------------

def test_does_a_power_row_get_a_constant_exponent_leaf_with_no_gradient():
    graph, names, data = graph_from_rows([("s", "pow", "x", 3.0), ("x", "leaf")], {"x": 2.0})
    assert names == ("s", "x", "**3") and graph.tolist() == [[POW, 1, 2], [0, -1, -1], [0, -1, -1]]
    assert data.tolist() == [8.0, 2.0, 3.0]
    assert exponents(graph).tolist() == [False, False, True]
    assert np.allclose(measured_gradients(graph, data, 0), [1.0, 12.0, 0.0])


def test_does_evaluate_follow_the_inputs_whatever_the_row_order():
    graph, _, data = FORK
    assert np.isclose(data[0], np.tanh(0.8 + 0.8 * -1.3) ** 2)
    assert np.allclose(evaluate(graph, data), data)


def test_does_a_node_the_root_ignores_get_no_measured_gradient():
    graph, names, data = FORK
    assert measured_gradients(graph, data, 0)[names.index("dead")] == 0.0


@pytest.mark.parametrize("seed", range(20))
def test_are_the_random_graphs_of_the_hidden_checks_tame(seed):
    graph, data, root = random_graph(np.random.default_rng(seed))
    assert np.allclose(evaluate(graph, data), data)
    reads = np.concatenate([graph[:, 1], graph[graph[:, 0] != POW, 2]])
    assert not np.any(exponents(graph)[reads[reads >= 0]]), "an exponent is read as a value"
    relu_inputs = data[graph[graph[:, 0] == RELU, 1]]
    assert np.all(np.abs(relu_inputs) > 0.05) and np.all(np.isfinite(data))


def test_does_the_mlp_score_with_tanh_hidden_layers_and_a_linear_output():
    layers = [(np.array([[1.0, -1.0]]), np.array([0.5])), (np.array([[2.0]]), np.array([-1.0]))]
    X = np.array([[0.2, 0.1], [1.0, 3.0]])
    assert np.allclose(mlp_scores(layers, X), 2 * np.tanh(X @ [1.0, -1.0] + 0.5) - 1)


def test_are_the_moons_forty_points_labelled_plus_and_minus_one():
    X, Y = moons()
    assert X.shape == (40, 2) and sorted(set(Y)) == [-1.0, 1.0] and Y.sum() == 0


# --- the checks ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["op_backward", "backward_order", "backward_pass"])
def test_does_the_check_take_the_instructor_answer_visibly_and_on_hidden_cases(instructor, name):
    check(name, instructor[name])
    check(name, instructor[name], hidden=True, rng=np.random.default_rng(5))


def test_does_a_hard_coded_worked_answer_fail_the_visible_check():
    with pytest.raises(CheckFailed):
        check("op_backward", lambda op, a, b, out, dout: (dout, dout))


def test_does_an_op_backward_that_ignores_the_exponent_of_a_square_fail(instructor):
    def no_power_rule(op, a, b, out, dout):
        return (a * dout, 0.0) if op == POW else instructor["op_backward"](op, a, b, out, dout)
    with pytest.raises(CheckFailed, match="op_backward"):
        check("op_backward", no_power_rule)


@pytest.mark.parametrize("mistake, order", [
    ("dead-listed", [5, 6, 3, 2, 1, 0, 4]),
    ("reversed", [0, 1, 2, 3, 5, 6]),
])
def test_is_each_ordering_mistake_named_on_the_fork(mistake, order):
    diagnosis = next(m.diagnosis for m in EXERCISES["backward_order"].mistakes if m.name == mistake)
    with pytest.raises(CheckFailed) as failed:
        check("backward_order", lambda graph, root: order)
    assert diagnosis in str(failed.value)


def test_does_an_order_with_a_node_index_out_of_range_get_a_plain_error():
    with pytest.raises(CheckFailed, match="node index"):   # the course's words, not a bare error
        order_report(FORK[0], 0, [9, 0])


def test_are_the_shares_of_a_value_read_twice_added(instructor):
    graph, names, data = graph_from_rows([("d", "add", "a", "a"), ("a", "leaf")], {"a": 3.0})
    assert instructor["backward_pass"](graph, data, 0).tolist() == [1.0, 2.0]


def test_does_the_quotient_example_reach_every_op_but_tanh():
    graph, _, data = QUOTIENT
    ops = set(graph[:, 0].tolist())
    assert ops >= {ADD, POW, RELU} and TANH not in ops
    assert np.isclose(data[1], apply_op(POW, 1 + np.exp(0.3), -1.0) * np.exp(0.3))


# --- pictures ------------------------------------------------------------------------------------

def test_does_the_circuit_fold_a_square_into_its_gate_and_refuse_relu():
    graph, names, _ = graph_from_rows([("s", "pow", "x", 2.0), ("x", "leaf")], {"x": 2.0})
    circuit = as_circuit(graph, names)
    assert circuit.inputs == ("x",) and [g.op for g in circuit.gates] == ["square"]
    graph, names, _ = QUOTIENT
    with pytest.raises(ValueError, match="relu"):
        as_circuit(graph, names)


def test_does_the_training_picture_draw_the_loss_and_the_boundary():
    layers = [(np.array([[1.0, 0.0]]), np.array([0.0])), (np.array([[1.0]]), np.array([0.0]))]
    X, Y = moons()
    fig = training_picture([1.0, 0.5, 0.2], layers, X, Y)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
