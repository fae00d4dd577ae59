"""Assignment 08: does the two-layer network show the slides' worked numbers, do its exercises
catch the layout mistakes, and do its helpers and explorers behave?"""
import inspect
import statistics
import time

import ipywidgets as widgets
import numpy as np
import pytest

from course import CheckFailed, check
from course.assignments.two_layer_network.explorers import (
    TrainingExplorer,
    TwoLayerExplorer,
    batch_size_options,
)
from course.assignments.two_layer_network.forward import (
    WORKED,
    accuracy,
    initial_weights,
    labelled_moons,
    mean_loss,
    measured_batch_gradients,
    measured_gradients,
    network_outputs,
)
from course.assignments.two_layer_network.pictures import two_layer_picture
from course.checks import judge
from course.exercises import EXERCISES
from course.functions import two_layer_values
from course.numbers import short
from course.numgrad import input_gradients
from support import instructor_namespace, not_printed

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ASSIGNMENT = "08_two_layer_network"

# What the executed source notebook must print: the two-layer row of shared/seeds/NOTES.md.
WORKED_NUMBERS = [
    "x1 = [0.7, 0.3], x2 = [0.6044, 0.2913], x3 = 0.3131, L = 0.01747",
    "dL/dx3 = -0.18694",
    "dL/dx2 = [-0.18694, 0.18694]",
    "dL/dx1 = [-0.11866, 0.17108]",
    "dL/dW0 = [[-0.11866, -0.01187], [0.17108, 0.01711]]",
    "dL/dW1 = [-0.11298, -0.05446]",
    "after one step: W0 = [[1.0237, -2.9976], [0.1658, 0.9966]], W1 = [1.0226, -0.9891]",
    # the slides' erratum: their factor -0.1186 gives another vector than their result
    "x2 * dL/dx3    = [-0.113, -0.0545]",
    "x2 * (-0.1186) = [-0.0717, -0.0345]",
]


@pytest.fixture(scope="module")
def instructor():
    return instructor_namespace(ASSIGNMENT)



def test_does_the_notebook_print_the_worked_numbers(validated):
    assert not_printed(validated, ASSIGNMENT, WORKED_NUMBERS) == []


def test_do_the_measured_gradients_give_the_worked_numbers():
    values = two_layer_values(**WORKED)
    assert short(values["x1"], 4) == "[0.7, 0.3]" and short(values["L"], 5) == "0.01747"
    grads = measured_gradients(**WORKED)
    assert short(grads["x3"], 5) == "-0.18694"
    assert short(grads["x2"], 5) == "[-0.18694, 0.18694]"
    assert short(grads["x1"], 5) == "[-0.11866, 0.17108]"
    assert short(grads["W0"], 5) == "[[-0.11866, -0.01187], [0.17108, 0.01711]]"
    assert short(grads["W1"], 5) == "[-0.11298, -0.05446]"


def test_does_the_step_exercise_expect_the_worked_update():
    # one step of 0.2 on the worked example, with the gradients measured numerically
    grads = measured_gradients(**WORKED)
    expected = {name: EXERCISES["sgd_step"].expected(
        {"W": WORKED[name], "dW": grads[name], "learning_rate": 0.2})[0] for name in ("W0", "W1")}
    assert short(expected["W0"], 4) == "[[1.0237, -2.9976], [0.1658, 0.9966]]"
    assert short(expected["W1"], 4) == "[1.0226, -0.9891]"


def test_does_the_step_exercise_reject_a_step_uphill():
    with pytest.raises(CheckFailed, match="wrong W_new"):
        check("sgd_step", lambda W, dW, learning_rate: W + learning_rate * dW)


def test_does_a_transposed_weight_gradient_fail_by_values_and_by_shape(instructor):
    def slides_layout(W0, W1, X0, Y):
        dX3, dX2, dX1, dW0, dW1 = instructor["two_layer_backward"](W0, W1, X0, Y)
        return dX3, dX2, dX1, dW0.T, dW1
    with pytest.raises(CheckFailed, match="returned a wrong dW0: expected"):
        check("two_layer_backward", slides_layout)
    exercise = EXERCISES["two_layer_backward"]
    wide = exercise.visible[1]
    assert wide["W0"].shape == (3, 4)
    message = judge(exercise, wide, exercise.run([slides_layout], wide))
    assert r"wrong dW0: expected shape (3, 4), got shape (4, 3)" in message


def test_does_the_first_wrong_signal_get_named(instructor):
    def forgets_tanh(W0, W1, X0, Y):
        dX3, dX2, dX1, dW0, dW1 = instructor["two_layer_backward"](W0, W1, X0, Y)
        return dX3, dX2, dX2, dX2.T @ X0, dW1
    with pytest.raises(CheckFailed, match="returned a wrong dX1"):
        check("two_layer_backward", forgets_tanh)


def test_is_the_worked_example_a_visible_batch_of_one_row_beside_a_batch_of_several():
    worked, wide = EXERCISES["two_layer_backward"].visible
    assert worked["X0"].shape == (1, 2) and worked["Y"].tolist() == [0.5]
    dX3, dX2, dX1, dW0, dW1 = EXERCISES["two_layer_backward"].expected(worked)
    assert short(dX3, 5) == "[-0.18694]" and short(dX1, 5) == "[[-0.11866, 0.17108]]"
    assert short(dW0, 5) == "[[-0.11866, -0.01187], [0.17108, 0.01711]]"
    assert len(wide["X0"]) > 1


def test_do_the_batch_gradients_add_up_the_rows_one_example_gradients_over_n():
    X, Y = labelled_moons(6, seed=2)
    W0, W1 = initial_weights(hidden=3, inputs=3, seed=1)
    batch = measured_batch_gradients(W0, W1, X, Y)
    for name in ("W0", "W1"):
        rows = [measured_gradients(W0, W1, x, y)[name] for x, y in zip(X, Y)]
        assert batch[name] == pytest.approx(np.mean(rows, axis=0), abs=1e-8)
    assert batch["x3"] == pytest.approx([measured_gradients(W0, W1, x, y)["x3"] / 6
                                         for x, y in zip(X, Y)], abs=1e-8)


def test_is_the_summed_loss_named_and_the_instructor_backward_free_of_a_loop(instructor):
    def summed(W0, W1, X0, Y):
        return tuple(len(X0) * g for g in instructor["two_layer_backward"](W0, W1, X0, Y))
    with pytest.raises(CheckFailed, match="Mistake: every gradient is N times too large"):
        check("two_layer_backward", summed)
    assert "for " not in inspect.getsource(instructor["two_layer_backward"])


def test_do_hidden_cases_come_in_several_shapes():
    cases = EXERCISES["two_layer_backward"].draw_hidden(np.random.default_rng(3))
    for case in cases:
        hidden, inputs = case["W0"].shape
        rows = len(case["X0"])
        assert case["W1"].shape == (hidden,) and case["X0"].shape == (rows, inputs)
        assert case["Y"].shape == (rows,)
    shapes = {case["W0"].shape + case["X0"].shape for seed in range(10)
              for case in EXERCISES["two_layer_backward"].draw_hidden(np.random.default_rng(seed))}
    assert len(shapes) > 5
    assert len({len(case["X0"]) for seed in range(10) for case in
                EXERCISES["two_layer_backward"].draw_hidden(np.random.default_rng(seed))}) > 2


def test_does_the_batch_forward_pass_agree_with_the_one_example_pass():
    X, Y = labelled_moons(12, seed=1)
    W0, W1 = initial_weights(hidden=4, inputs=3, seed=2)
    one_by_one = [two_layer_values(W0, W1, x, y) for x, y in zip(X, Y)]
    assert network_outputs(W0, W1, X) == pytest.approx([v["x3"] for v in one_by_one])
    assert mean_loss(W0, W1, X, Y) == pytest.approx(np.mean([v["L"] for v in one_by_one]))


def test_is_the_data_set_fixed_by_its_seed_and_balanced():
    X, Y = labelled_moons(80, seed=0)
    again, _ = labelled_moons(80, seed=0)
    assert X.shape == (80, 3) and Y.shape == (80,)
    assert np.array_equal(X, again)
    assert np.all(X[:, 2] == 1.0)
    assert sorted(set(Y)) == [-1.0, 1.0] and np.sum(Y == 1) == 40
    assert not np.array_equal(X, labelled_moons(80, seed=1)[0])


def test_does_the_network_picture_draw():
    figure = two_layer_picture(**WORKED)
    texts = {text.get_text() for ax in figure.axes for text in ax.texts}
    assert {"0.7000", "0.6044", "0.3131", "-0.1869", "-0.1187", "0.1711"} <= texts
    assert figure._repr_png_().startswith(PNG_MAGIC)


# ---------------------------------------------------------------- explorers

def test_does_the_two_layer_explorer_start_at_the_worked_numbers():
    explorer = TwoLayerExplorer()
    assert bytes(explorer.picture.value).startswith(PNG_MAGIC)
    numbers = explorer.numbers
    assert round(numbers["L"], 5) == 0.01747
    assert [round(numbers[f"dL/dW0[{i},{j}]"], 5) for i in range(2) for j in range(2)] == [
        -0.11866, -0.01187, 0.17108, 0.01711]
    assert [round(numbers[f"dL/dW1[{i}]"], 5) for i in range(2)] == [-0.11298, -0.05446]
    assert all(type(s) is widgets.FloatSlider and s.continuous_update
               for s in explorer.controls.values())


def test_does_saturating_a_hidden_unit_shrink_its_weight_gradients():
    explorer = TwoLayerExplorer()
    before = abs(explorer.numbers["dL/dW0[0,0]"])
    picture = bytes(explorer.picture.value)
    explorer.controls["W0[0,0]"].value = 3.0
    assert abs(explorer.numbers["dL/dW0[0,0]"]) < 0.2 * before
    assert bytes(explorer.picture.value) != picture


def test_does_the_two_layer_explorer_show_the_questions_weight_fitting_the_example():
    """two_layer_network_question_1: moving W1[1] alone, L reaches 0 near -0.36 (-0.358)."""
    explorer = TwoLayerExplorer()
    slider = explorer.controls["W1[1]"]
    shown = {}
    for step in range(int(round((slider.max - slider.min) / slider.step)) + 1):
        slider.value = round(slider.min + step * slider.step, 10)
        shown[slider.value] = explorer.numbers["L"]
    best = min(shown, key=shown.get)
    exercise = EXERCISES["two_layer_network_question_1"]
    (answer,) = exercise.expected({})
    assert abs(best - answer) <= exercise.atol and shown[best] < 1e-5
    for mistake in exercise.mistakes:   # every catalogued answer leaves a visible loss
        (wrong,) = mistake.returns()
        assert abs(wrong - answer) > exercise.atol
        slider.value = wrong
        assert explorer.numbers["L"] > 1e-3


def test_is_a_two_layer_explorer_update_quick_enough():
    explorer = TwoLayerExplorer()
    times = []
    for value in (0.5, 1.5, -2.0, 2.5, 1.0):
        start = time.perf_counter()
        explorer.controls["W1[0]"].value = value
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.5  # seconds, as for the unit-1 explorers


def test_are_the_batch_sizes_powers_of_two_then_the_full_batch():
    assert batch_size_options(80) == [1, 2, 4, 8, 16, 32, 64, 80]
    assert batch_size_options(8) == [1, 2, 4, 8]


@pytest.fixture
def data():
    return labelled_moons(40, seed=0)


def numerical_train(X, Y, epochs=3):
    """A training run for the explorer, stepping with centered-difference gradients (no backward
    pass needed) on batches taken in order; records its calls."""
    def train(learning_rate, batch_size):
        train.calls.append((learning_rate, batch_size))
        W0, W1 = initial_weights(hidden=3, inputs=3, seed=0)
        losses = [mean_loss(W0, W1, X, Y)]
        for _ in range(epochs):
            for start in range(0, len(X), batch_size):
                batch = {"W0": W0, "W1": W1, "X": X[start:start + batch_size],
                         "Y": Y[start:start + batch_size]}
                dW0, dW1 = input_gradients(mean_loss, batch, ("W0", "W1"))
                W0, W1 = W0 - learning_rate * dW0, W1 - learning_rate * dW1
            losses.append(mean_loss(W0, W1, X, Y))
        return W0, W1, losses
    train.calls = []
    return train


def test_does_the_training_explorer_train_and_report(data):
    X, Y = data
    train = numerical_train(X, Y)
    explorer = TrainingExplorer(train, X, Y, learning_rate=0.3, batch_size=40)
    assert train.calls == [(0.3, 40)]
    assert bytes(explorer.picture.value).startswith(PNG_MAGIC)
    numbers = explorer.numbers
    assert numbers["steps per epoch"] == 1 and numbers["batch size"] == 40
    W0, W1, losses = train(0.3, 40)
    assert numbers["final loss"] == pytest.approx(losses[-1])
    assert numbers["accuracy"] == pytest.approx(accuracy(W0, W1, X, Y))
    assert losses[-1] < losses[0]


def test_does_the_training_explorer_train_each_setting_once(data):
    X, Y = data
    train = numerical_train(X, Y, epochs=1)
    explorer = TrainingExplorer(train, X, Y, learning_rate=0.1, batch_size=8)
    explorer.controls["batch_size"].value = 16
    assert explorer.numbers["steps per epoch"] == 3
    explorer.controls["batch_size"].value = 8
    explorer.controls["batch_size"].value = 16
    assert train.calls == [(0.1, 8), (0.1, 16)]


def test_does_a_run_that_blows_up_show_as_diverged(data):
    X, Y = data

    def blows_up(learning_rate, batch_size):
        W0, W1 = initial_weights(hidden=3, inputs=3)
        return W0 * np.inf, W1, [0.9, 1e3, np.inf, np.nan]

    explorer = TrainingExplorer(blows_up, X, Y)
    assert np.isnan(explorer.numbers["accuracy"])
    assert explorer.warning.get_visible() and "blew up" in explorer.warning.get_text()
    assert bytes(explorer.picture.value).startswith(PNG_MAGIC)


def test_is_a_cached_training_explorer_update_quick_enough(data):
    X, Y = data
    explorer = TrainingExplorer(numerical_train(X, Y, epochs=1), X, Y, batch_size=40)
    explorer.controls["learning_rate"].value = 0.5
    times = []
    for value in (0.1, 0.5, 0.1, 0.5, 0.1):
        start = time.perf_counter()
        explorer.controls["learning_rate"].value = value
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.5  # seconds, as for the unit-1 explorers
