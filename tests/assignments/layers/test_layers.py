"""Assignment 07: does the notebook show the worked two-layer numbers and a clean gradient check,
do the layer checks hold to the stated conventions, and do the pictures and explorer work?"""
import re
import statistics
import time

import ipywidgets as widgets
import numpy as np
import pytest

from course import CheckFailed, check
from course.assignments.layers.exercises import NETWORK_PARAMS, near_kink, network_layers
from course.assignments.layers.explorers import PointwiseExplorer, local_gradient
from course.assignments.layers.forward import (
    network_forward,
    network_loss,
    parameter_names,
    random_params,
    sigmoid_forward,
)
from course.assignments.layers.pictures import layer_chain_picture, network_numbers
from course.exercises import EXERCISES
from course.functions import sigmoid
from course.numbers import fixed
from support import instructor_namespace, not_printed, printed_by

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NAME = "07_layers"
# NOTES.md, the two-layer tanh net: W0=[[1,-3],[0.2,1]], W1=[1,-1], x0=[1.0,0.1], y=0.5.
WORKED_NUMBERS = [
    "x1 = [0.7000, 0.3000], x2 = [0.6044, 0.2913], x3 = [0.3131], L = 0.01747",
    "dL/dW0 = [[-0.11866, -0.01187], [0.17108, 0.01711]]",
    "dL/dW1 = [[-0.11298, -0.05446]]",
    "dL/db0 = [-0.11866, 0.17108] (= dL/dx1)",
    "dL/db1 = [-0.18694] (= dL/dx3)",
]
WORKED_LAYERS = [("linear", "W0", "b0"), ("tanh",), ("linear", "W1", "b1")]
WORKED_PARAMS = {"W0": np.array([[1.0, -3.0], [0.2, 1.0]]), "b0": np.zeros(2),
                 "W1": np.array([[1.0, -1.0]]), "b1": np.zeros(1)}
WORKED_X, WORKED_Y = np.array([[1.0, 0.1]]), np.array([[0.5]])   # a batch of one row


@pytest.fixture(scope="module")
def solution():
    return instructor_namespace(NAME)



def test_does_the_notebook_print_the_worked_two_layer_numbers(validated):
    assert not_printed(validated, NAME, WORKED_NUMBERS) == []


def test_does_the_notebook_gradient_check_every_parameter_of_its_network(validated):
    checked = dict(re.findall(r"^(\w+) +\([\d, ]+\): relative error (\S+)$",
                              printed_by(validated, NAME), flags=re.M))
    assert sorted(checked) == ["W1", "W2", "W3", "W4", "b1", "b2", "b3", "b4"]
    assert max(float(error) for error in checked.values()) < 1e-5


def test_does_relu_pass_the_gradient_at_zero_as_stated():
    to_zero_at_kink = lambda x, dout: (x > 0) * dout
    with pytest.raises(CheckFailed, match=r"relu_backward\(x=.*returned a wrong dx"):
        check("relu_backward", to_zero_at_kink)


def test_do_hidden_relu_cases_hit_the_kink():
    cases = EXERCISES["relu_backward"].draw_hidden(np.random.default_rng(0))
    assert any(np.any(case["x"] == 0.0) for case in cases)


def test_is_the_expected_relu_gradient_dout_at_zero_and_zero_below():
    dx, = EXERCISES["relu_backward"].expected({"x": np.array([-1.0, 0.0, 2.0]),
                                               "dout": np.array([5.0, 6.0, 7.0])})
    assert dx == pytest.approx([0.0, 6.0, 7.0])


def test_does_the_loss_gradient_with_the_wrong_sign_fail():
    with pytest.raises(CheckFailed, match="returned a wrong dX: expected.*\nMistake: the sign"):
        check("euclidean_loss_backward", lambda X, Y: (Y - X) / len(X))


def test_does_a_linear_backward_with_the_row_layout_weight_gradient_get_a_shape_message(solution):
    def rows_layout(X, W, b, dout):   # 06's dW = X^T dD, for a W of shape (n, m)
        dX, _, db = solution["linear_backward"](X, W, b, dout)
        return dX, X.T @ dout, db
    with pytest.raises(CheckFailed, match=r"wrong dW: expected shape \(4, 3\), got shape \(3, 4\)"):
        check("linear_backward", rows_layout)


def test_does_a_bias_gradient_not_summed_over_the_batch_get_a_shape_message(solution):
    def per_row(X, W, b, dout):
        dX, dW, _ = solution["linear_backward"](X, W, b, dout)
        return dX, dW, dout
    with pytest.raises(CheckFailed, match=r"wrong db: expected shape \(4,\), got shape \(2, 4\)"):
        check("linear_backward", per_row)


@pytest.mark.parametrize("name", ["linear_backward", "tanh_backward", "relu_backward",
                                  "sigmoid_layer_backward", "euclidean_loss_backward",
                                  "network_backward"])
def test_does_a_visible_case_hold_a_batch_of_several_rows_and_hidden_ones_vary_it(name):
    exercise = EXERCISES[name]
    first = exercise.arguments[0] if name != "network_backward" else "X"
    assert any(np.ndim(case[first]) == 2 and len(case[first]) > 1 for case in exercise.visible)
    rows = {len(case[first]) for seed in range(5)
            for case in exercise.draw_hidden(np.random.default_rng(seed))}
    assert len(rows) > 2


def test_is_the_loss_gradient_a_mean_over_the_rows(solution):
    X, Y = np.array([[1.0, 2.0], [3.0, 0.0], [0.5, 0.5]]), np.zeros((3, 2))
    assert np.allclose(solution["euclidean_loss_backward"](X, Y), X / 3)
    with pytest.raises(CheckFailed, match="Mistake: this is the gradient of the summed loss"):
        check("euclidean_loss_backward", lambda X, Y: X - Y)


def test_does_the_sigmoid_backward_take_the_cached_output(solution):
    out, cache = sigmoid_forward(np.array([[0.0, 2.0, -1.0]]))
    assert cache[0] is out or np.array_equal(cache[0], out)
    assert EXERCISES["sigmoid_layer_backward"].arguments == ("out", "dout")
    dx = solution["sigmoid_layer_backward"](out, np.ones_like(out))
    assert dx[0] == pytest.approx([0.25, 0.104994, 0.196612], abs=1e-6)
    with pytest.raises(CheckFailed, match="Mistake: out is already sigma"):
        check("sigmoid_layer_backward", lambda out, dout: sigmoid(out) * (1 - sigmoid(out)) * dout)


def test_does_a_network_backward_that_skips_the_nonlinearities_fail(solution):
    def linear_only(layers, params, x, y):
        return solution["network_backward"]([layer for layer in layers if layer[0] == "linear"],
                                            params, x, y)
    with pytest.raises(CheckFailed, match="network_backward"):
        check("network_backward", linear_only)


def test_does_a_network_backward_returning_a_list_get_a_plain_message(solution):
    def as_list(layers, params, x, y):
        grads = solution["network_backward"](layers, params, x, y)
        return [grads[name] for name in sorted(grads)]
    with pytest.raises(CheckFailed, match=r"network_backward returned a list of 6 values as its "
                                          "grads; it should be a dict with the keys W1, b1, W2"):
        check("network_backward", as_list)


def test_does_a_network_backward_missing_a_gradient_name_it(solution):
    def without_b3(layers, params, x, y):
        grads = solution["network_backward"](layers, params, x, y)
        return {name: grad for name, grad in grads.items() if name != "b3"}
    with pytest.raises(CheckFailed, match="network_backward's grads has no key 'b3'"):
        check("network_backward", without_b3)


def test_does_the_instructor_network_backward_match_centered_differences_on_the_worked_net(
        solution):
    grads = solution["network_backward"](WORKED_LAYERS, WORKED_PARAMS, WORKED_X, WORKED_Y)
    assert fixed(grads["W0"], 5) == "[[-0.11866, -0.01187], [0.17108, 0.01711]]"
    assert fixed(grads["W1"], 5) == "[[-0.11298, -0.05446]]"


@pytest.mark.parametrize("seed", range(20))
def test_do_hidden_networks_stay_away_from_relu_kinks(seed):
    for case in EXERCISES["network_backward"].draw_hidden(np.random.default_rng(seed)):
        assert not near_kink(case)


def test_are_the_visible_networks_away_from_kinks_and_of_every_kind():
    cases = EXERCISES["network_backward"].visible
    assert not any(near_kink(case) for case in cases)
    kinds = {layer[0] for case in cases for layer in network_layers(case["act1"], case["act2"])}
    assert kinds == {"linear", "tanh", "relu", "sigmoid"}


def test_does_act_code_3_leave_out_the_nonlinearity():
    assert network_layers(3, 1) == [("linear", "W1", "b1"), ("linear", "W2", "b2"), ("relu",),
                                    ("linear", "W3", "b3")]
    assert parameter_names(network_layers(0, 3)) == list(NETWORK_PARAMS)


def test_does_network_forward_keep_one_cache_per_layer_and_one_for_the_loss():
    loss, caches = network_forward(WORKED_LAYERS, WORKED_PARAMS, WORKED_X, WORKED_Y)
    assert len(caches) == len(WORKED_LAYERS) + 1
    assert [len(cache) for cache in caches] == [3, 1, 3, 2]
    assert round(loss, 5) == 0.01747
    assert network_loss(WORKED_LAYERS, WORKED_PARAMS, WORKED_X, WORKED_Y) == loss


def test_do_random_params_have_the_shapes_of_the_sizes():
    layers = [("linear", "A", "a"), ("relu",), ("linear", "B", "b")]
    params = random_params(layers, (4, 3, 2), np.random.default_rng(0))
    assert {name: value.shape for name, value in params.items()} == {
        "A": (3, 4), "a": (3,), "B": (2, 3), "b": (2,)}


def test_are_the_picture_gradients_those_of_the_worked_example():
    values, wires, params = network_numbers(WORKED_LAYERS, WORKED_PARAMS, WORKED_X, WORKED_Y)
    assert fixed(values[1][0], 4) == "[0.7000, 0.3000]" and round(values[-1], 5) == 0.01747
    assert [fixed(w[0], 5) for w in wires[1:]] == ["[-0.11866, 0.17108]", "[-0.18694, 0.18694]",
                                                  "[-0.18694]"]
    assert fixed(params["W1"], 5) == "[[-0.11298, -0.05446]]"


@pytest.mark.parametrize("numbers", [False, True])
def test_does_a_network_picture_draw(numbers):
    extra = dict(params=WORKED_PARAMS, x=WORKED_X, y=WORKED_Y) if numbers else {}
    picture = layer_chain_picture(WORKED_LAYERS, title="t", **extra)
    assert picture._repr_png_().startswith(PNG_MAGIC)


@pytest.mark.parametrize("x", [-2.0, -0.3, 0.0, 0.4, 3.0])
def test_are_the_local_gradients_those_of_the_table(x):
    assert local_gradient("tanh", x) == pytest.approx(1 - np.tanh(x) ** 2, abs=1e-9)
    s = 1 / (1 + np.exp(-x))
    assert local_gradient("sigmoid", x) == pytest.approx(s * (1 - s), abs=1e-9)
    assert local_gradient("ReLU", x) == pytest.approx(1.0 if x >= 0 else 0.0, abs=1e-9)


@pytest.fixture
def explorer():
    return PointwiseExplorer()


def test_does_the_pointwise_explorer_build_headless(explorer):
    assert isinstance(explorer, widgets.VBox)
    assert bytes(explorer.picture.value).startswith(PNG_MAGIC)
    assert "<table>" in explorer.readout.value
    assert type(explorer.controls["kind"]) is widgets.Dropdown
    assert type(explorer.controls["x"]) is widgets.FloatSlider
    assert explorer.controls["x"].continuous_update


def test_does_the_relu_explorer_pass_the_gradient_at_zero(explorer):
    explorer.controls["kind"].value = "ReLU"
    explorer.controls["x"].value = 0.0
    assert explorer.numbers == {"x": 0.0, "h(x)": 0.0, "h'(x)": 1.0}
    explorer.controls["x"].value = -0.5
    assert explorer.numbers["h'(x)"] == 0.0


def test_does_a_saturated_tanh_pass_almost_nothing(explorer):
    explorer.controls["x"].value = 4.0
    assert explorer.numbers["h'(x)"] < 0.002


def test_does_moving_x_redraw_the_picture(explorer):
    picture = bytes(explorer.picture.value)
    explorer.controls["x"].value = -2.0
    assert bytes(explorer.picture.value) != picture


def test_is_a_pointwise_update_quick_enough_for_a_slider(explorer):
    times = []
    for x in (-3.0, -1.0, 0.0, 1.0, 2.0):
        start = time.perf_counter()
        explorer.controls["x"].value = x
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.25  # seconds; about 0.04 s on a 2-core VM


def test_does_the_pointwise_explorer_show_the_questions_choice_passing_more_at_2(explorer):
    """layers_question_1: at x = 2, which of tanh and the sigmoid shows the larger h'(x)."""
    shown = {}
    for kind in ("tanh", "sigmoid"):
        explorer.controls["kind"].value = kind
        explorer.controls["x"].value = 2.0
        shown[kind] = explorer.numbers["h'(x)"]
    (marks,) = EXERCISES["layers_question_1"].expected({})
    assert marks.tolist() == [0.0, 1.0, 0.0]   # ("tanh", "sigmoid", "same")
    assert shown["sigmoid"] > shown["tanh"] + 0.03   # 0.1050 against 0.0707: not a close call
