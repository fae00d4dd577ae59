"""Computation graphs (assignment 12): the worked numbers it prints, forward evaluation, the
random graphs of the hidden checks, how orders are judged, and the numbered pictures."""
from matplotlib.figure import Figure
import numpy as np
import pytest

from autograder import notebooks
from autograder.transport import decode_case, encode_case
from course import CheckFailed, check, figures
from course.assignments.computation_graph.exercises import FORK, order_report
from course.assignments.computation_graph.forward import (
    ADD,
    ADD_MUL,
    EXAMPLES,
    FLOW,
    INPUT,
    INV,
    MAX,
    MUL,
    NEURON,
    STAGED,
    TWO_LAYER,
    ancestors,
    apply_op,
    evaluate,
    make_graph,
    node_gradients,
    random_graph,
    wires,
)
from course.assignments.computation_graph.pictures import as_circuit, draw_graph
from course.checks import ContractBroken, judge
from course.exercises import EXERCISES
from support import instructor_namespace, not_printed

NAME = "12_computation_graph"

# What the executed source notebook must print, taken from shared/seeds/NOTES.md.
WORKED_NUMBERS = [
    "q = 3, f = -12",
    "f = -12, df/dx = -4, df/dy = -4, df/dz = 3",
    "f = -20, df/dx = -8, df/dy = 6, df/dz = 2, df/dw = 0",
    "f = 1.5456, df/dx = 2.0596, df/dy = 1.5922",
    "f = 0.7311, dx = [0.3932, -0.5898], dw = [-0.1966, -0.3932, 0.1966]",
    "sum of the shares: 2.0596;   df/dx from the engine: 2.0596",
    "L = 0.01747",
    "dL/dx3 = -0.18694, dL/dx2 = [-0.18694, 0.18694], dL/dx1 = [-0.11866, 0.17108]",
    "dL/dW0 = [[-0.11866, -0.01187], [0.17108, 0.01711]]",
    "dL/dW1 = [-0.11298, -0.05446]",
    "after one step: W0 = [[1.0237, -2.9976], [0.1658, 0.9966]], W1 = [1.0226, -0.9891]",
]


@pytest.fixture(scope="module")
def instructor():
    return instructor_namespace(NAME)



def test_does_the_notebook_print_the_worked_numbers(validated):
    assert not_printed(validated, NAME, WORKED_NUMBERS) == []


def test_does_the_notebook_show_two_numbered_graph_pictures(validated):
    folder = validated[1] / NAME / "autograded" / "instructor_solution" / NAME
    pictures = [out for path in folder.glob("*.ipynb") for cell in notebooks.read(path).cells
                if cell.cell_type == "code" for out in cell.get("outputs", [])
                if "image/png" in out.get("data", {})]
    assert len(pictures) == 2


# --- the graphs and their forward pass ---------------------------------------------------------

@pytest.mark.parametrize("name, output, gradients", [
    ("add_mul", -12.0, {"x": -4, "y": -4, "z": 3, "q": -4}),
    ("flow", -20.0, {"x": -8, "y": 6, "z": 2, "w": 0}),
    ("staged", 1.5456, {"x": 2.0596, "y": 1.5922}),
    ("neuron", 0.7311, {"x0": 0.3932, "x1": -0.5898, "w0": -0.1966, "w1": -0.3932,
                        "w2": 0.1966}),
    ("two_layer", 0.01747, {"W0₀₀": -0.11866, "W0₀₁": -0.01187, "W0₁₀": 0.17108,
                            "W0₁₁": 0.01711, "W1₀": -0.11298, "W1₁": -0.05446,
                            "x3": -0.18694, "x1₀": -0.11866, "x1₁": 0.17108}),
])
def test_do_the_example_graphs_give_the_worked_numbers(name, output, gradients):
    example = EXAMPLES[name]
    values = example.values()
    decimals = len(str(output).split(".")[1])
    assert round(values[example.output], decimals) == output
    measured = node_gradients(example.graph, values, example.output)
    for node, want in gradients.items():
        decimals = len(str(float(want)).split(".")[1])
        assert round(measured[example.index(node)], decimals) == pytest.approx(want, abs=1e-9)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_does_every_example_read_only_lower_rows_so_that_going_down_them_backpropagates(name):
    graph = EXAMPLES[name].graph   # what the notebook says of its circuits
    assert all(source > i for source, i in wires(graph))


def test_does_a_visible_graph_have_a_node_reading_a_row_above_it_as_the_notebook_warns():
    assert any(source < i for source, i in wires(FORK.graph))


def test_does_evaluate_ignore_the_given_values_of_gates_and_keep_its_argument():
    start = np.array([99.0, 99.0, -2.0, 5.0, -4.0])
    values = evaluate(ADD_MUL.graph, start)
    assert values.tolist() == [-12.0, 3.0, -2.0, 5.0, -4.0]
    assert start[0] == 99.0


def test_does_evaluate_force_a_replaced_node():
    values = evaluate(ADD_MUL.graph, ADD_MUL.values(), {1: 10.0})
    assert values[0] == -40.0


@pytest.mark.parametrize("graph, said", [
    ([[ADD, 1, 2], [MUL, 0, 2], [INPUT, -1, -1]], "cycle"),
    ([[ADD, 1, 5], [INPUT, -1, -1]], "not a node"),
])
def test_does_evaluate_refuse_a_broken_graph(graph, said):
    with pytest.raises(ValueError, match=said):
        evaluate(np.array(graph), np.zeros(len(graph)))


def test_does_make_graph_check_how_many_inputs_an_op_takes():
    with pytest.raises(ValueError, match="inv takes 1 inputs, got 2"):
        make_graph([("x", "input"), ("r", "inv", "x", "x")])


def test_does_a_max_gate_read_twice_have_gradient_one():
    graph, names = make_graph([("x", "input"), ("m", "max", "x", "x")])
    assert node_gradients(graph, np.array([0.5, 0.0]), 1)[0] == pytest.approx(1.0)


def test_do_ancestors_leave_out_a_gate_the_output_ignores():
    needed = ancestors(FORK.graph, FORK.output)
    assert [name for name, n in zip(FORK.names, needed) if not n] == ["dead"]


# --- random graphs for the hidden checks --------------------------------------------------------

GRAPHS = [random_graph(np.random.default_rng(seed)) for seed in range(200)]


@pytest.mark.parametrize("seed", range(0, 200, 20))
def test_does_a_random_graph_evaluate_to_the_values_it_comes_with(seed):
    graph, values, output = GRAPHS[seed]
    assert np.allclose(evaluate(graph, values), values)
    assert graph[output, 0] != INPUT


def test_are_random_graphs_shuffled_and_sometimes_with_a_dead_gate():
    shuffled = [any(s > i for s, i in wires(g)) for g, _, _ in GRAPHS]
    dead = [not ancestors(g, o)[g[:, 0] != INPUT].all() for g, _, o in GRAPHS]
    twice = [any(g[i, 1] == g[i, 2] >= 0 for i in range(len(g))) for g, _, _ in GRAPHS]
    assert 0.8 < np.mean(shuffled) < 1 and 0.3 < np.mean(dead) < 0.8 and np.mean(twice) > 0.2


def test_do_random_graphs_keep_away_from_kinks_and_poles():
    for graph, values, _ in GRAPHS:
        for op, a, b in graph:
            if op == INV:
                assert abs(values[a]) >= 0.3
            if op == MAX and a != b:
                assert abs(values[a] - values[b]) >= 0.05
        assert np.abs(values).max() <= 30


# --- how the checks judge -----------------------------------------------------------------------

def test_does_the_order_report_accept_any_valid_order():
    x, y, z, q, f = (ADD_MUL.index(n) for n in "xyzqf")
    expected = EXERCISES["topological_order"].expected({"graph": ADD_MUL.graph, "output": f})
    for order in ([x, y, q, z, f], [z, y, x, q, f], np.array([y, x, z, q, f])):
        for got, want in zip(order_report(ADD_MUL.graph, f, order), expected):
            assert got.tolist() == want.tolist()


@pytest.mark.parametrize("order, times_listed, inputs_first", [
    ([0, 1, 2, 3, 4], [1, 1, 1, 1, 1], [0, 0, 0, 0]),
    ([2, 3, 1, 4, 0, 2], [1, 1, 2, 1, 1], [1, 1, 1, 1]),
    ([2, 3, 1, 0], [1, 1, 1, 1, 0], [1, 0, 1, 1]),
])
def test_does_the_order_report_count_listings_and_wires(order, times_listed, inputs_first):
    report = order_report(ADD_MUL.graph, ADD_MUL.output, order)
    assert report[0].tolist() == times_listed and report[1].tolist() == inputs_first


@pytest.mark.parametrize("order", [[0, 1, 7], [0.5, 1], "abc"])
def test_does_the_order_report_refuse_what_is_not_a_node_index(order):
    with pytest.raises(ContractBroken, match="topological_order"):
        order_report(ADD_MUL.graph, ADD_MUL.output, order)


def test_does_a_missing_return_say_none():
    with pytest.raises(CheckFailed, match="it is None"):
        check("topological_order", lambda graph, output: None)


def test_does_the_check_accept_an_order_that_lists_every_leaf_first(instructor):
    def leaves_first(graph, output):
        order = instructor["topological_order"](graph, output)
        return sorted(order, key=lambda node: graph[node, 0] != INPUT)
    check("topological_order", leaves_first)
    check("topological_order", leaves_first, hidden=True, rng=np.random.default_rng(0))


def test_does_the_check_refuse_an_order_with_a_dead_gate(instructor):
    def with_dead(graph, output):
        dead = np.flatnonzero(~ancestors(graph, output)).tolist()
        return dead + list(instructor["topological_order"](graph, output))
    with pytest.raises(CheckFailed, match="wrong times_listed"):
        check("topological_order", with_dead)


def test_does_the_engine_check_catch_assigning_instead_of_adding(instructor):
    local = instructor["local_gradients"]
    order = instructor["topological_order"]

    def assigning(graph, values, output):
        grads = np.zeros(len(graph))
        grads[output] = 1.0
        for node in reversed(order(graph, output)):
            op, a, b = graph[node]
            if op != INPUT:
                da, db = local(op, values[a], values[b] if b >= 0 else 0.0)
                grads[a] = da * grads[node]
                if b >= 0:
                    grads[b] = db * grads[node]
        return grads
    with pytest.raises(CheckFailed, match="returned a wrong grads"):
        check("graph_backward", assigning)


def test_does_a_max_tie_go_to_the_first_input(instructor):
    def tie_to_b(op, a, b):
        return ((1.0, 0.0) if a > b else (0.0, 1.0)) if op == MAX else \
            instructor["local_gradients"](op, a, b)
    with pytest.raises(CheckFailed, match=r"local_gradients\(op=4, a=1, b=1\) returned a wrong da"):
        check("local_gradients", tie_to_b)


@pytest.mark.parametrize("name", ["local_gradients", "topological_order", "graph_backward"])
def test_do_cases_that_crossed_the_grading_boundary_keep_their_types_and_results(instructor, name):
    exercise = EXERCISES[name]
    cases = list(exercise.visible) + exercise.draw_hidden(np.random.default_rng(3))
    for case in cases:
        crossed = decode_case(encode_case(case))
        assert {k: np.asarray(v).dtype.kind for k, v in crossed.items()} == {
            k: "i" if np.asarray(v).dtype.kind in "iu" else np.asarray(v).dtype.kind
            for k, v in case.items()}   # a graph of node indices stays integers
        returned = exercise.run([instructor[name]], crossed)
        assert judge(exercise, case, returned) is None


# --- pictures ----------------------------------------------------------------------------------

def test_does_a_graph_picture_number_every_node_in_the_order_given(instructor):
    order = instructor["topological_order"](STAGED.graph, STAGED.output)
    fig = draw_graph(STAGED.graph, STAGED.names, STAGED.values(), order)
    assert isinstance(fig, Figure)
    badges = [t for t in fig.axes[0].texts if t.get_bbox_patch() is not None]
    assert sorted(int(t.get_text()) for t in badges) == list(range(1, len(order) + 1))
    where = {t.get_text(): t.xy for t in badges}
    assert where[str(len(order))][0] == max(x for x, _ in where.values())  # the output, rightmost


def test_does_a_picture_refuse_an_order_that_is_not_topological():
    x, y, z, q, f = (ADD_MUL.index(n) for n in "xyzqf")
    with pytest.raises(ValueError, match="lists f before its input z"):
        draw_graph(ADD_MUL.graph, ADD_MUL.names, ADD_MUL.values(), [x, y, q, f, z])


def test_does_a_picture_draw_nothing_where_pictures_are_off(monkeypatch):
    monkeypatch.setattr(figures, "_drawing", [True])   # restored after the test
    figures.pictures_off()
    order = [FLOW.index(n) for n in ("two", "x", "y", "z", "w", "xy", "m", "s", "f")]
    assert draw_graph(FLOW.graph, FLOW.names, FLOW.values(), order) is None
    circuit = as_circuit(FLOW.graph, FLOW.names, order)
    assert circuit.draw({name: 1.0 for name in circuit.inputs}) is None


def test_do_graph_gates_compute_what_the_op_table_says():
    assert apply_op(ADD, 2.0, 3.0) == 5.0 and apply_op(MUL, 2.0, 3.0) == 6.0
    assert apply_op(MAX, -1.0, -2.0) == -1.0 and apply_op(INV, 4.0) == 0.25
    with pytest.raises(ValueError, match="leaf"):
        apply_op(INPUT, 1.0)
    assert NEURON.values()[NEURON.output] == pytest.approx(0.7310586)
    assert TWO_LAYER.values()[TWO_LAYER.index("x1₀")] == pytest.approx(0.7)
