"""Assignment 09: does the sigmoid network show its example's numbers with the right sign of
dJ/dyhat, do its checks catch the usual batch mistakes, and do its pictures and explorer behave?"""
import statistics
import time

import numpy as np
import pytest

from course import CheckFailed, check
from course.assignments.sigmoid_network.explorers import OutputSlopeExplorer, SigmoidFitExplorer
from course.assignments.sigmoid_network.forward import (
    WORKED,
    initial_parameters,
    sigmoid_network_loss,
    sigmoid_network_values,
    wave,
)
from course.assignments.sigmoid_network.pictures import za_picture
from course.exercises import EXERCISES
from course.numbers import short
from course.numgrad import input_gradients
from support import instructor_namespace, printed_by

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ASSIGNMENT = "09_sigmoid_network"
PARAMETERS = ("W1", "b1", "W2", "b2")


@pytest.fixture(scope="module")
def instructor():
    return instructor_namespace(ASSIGNMENT)



def expected_lines():
    """The example's lines, from the course's forward pass and centered differences."""
    values = sigmoid_network_values(*(WORKED[p] for p in PARAMETERS), WORKED["x"])
    yhat, y = values["a2"], WORKED["y"]
    grads = dict(zip(PARAMETERS, input_gradients(sigmoid_network_loss, WORKED, PARAMETERS)))
    return [
        "z1 = [[0.7, 0.3]], a1 = [[0.6682, 0.5744]], z2 = [[0.0937]], yhat = [[0.5234]], "
        "J = 0.1136",
        "measured dJ/dyhat = -0.4766; yhat - y = [[-0.4766]]; y - yhat = [[0.4766]]",
        f"dJ/dW1 = {short(grads['W1'], 5)}, dJ/db1 = {short(grads['b1'], 5)}",
        f"dJ/dW2 = {short(grads['W2'], 5)}, dJ/db2 = {short(grads['b2'], 5)}",
    ], values, yhat - y


def test_does_the_example_match_the_course_forward_pass():
    lines, values, error = expected_lines()
    assert short(values["z1"], 4) in lines[0] and short(values["a2"], 4) in lines[0]
    assert short(error, 4) == "[[-0.4766]]"
    # z1 is the x1 of the two-layer example of seeds/NOTES.md
    assert short(values["z1"], 4) == "[[0.7, 0.3]]"


def test_does_the_notebook_print_the_example_with_the_right_sign(validated):
    printed = printed_by(validated, ASSIGNMENT)
    for line in expected_lines()[0]:
        assert line in printed


def test_does_the_sign_of_the_source_fail_and_get_named(instructor):
    def source_sign(W1, b1, W2, b2, x, y):
        return tuple(-g for g in instructor["sigmoid_network_backward"](W1, b1, W2, b2, x, y))
    with pytest.raises(CheckFailed, match="returned a wrong dW1") as failure:
        check("sigmoid_network_backward", source_sign)
    assert "Mistake: every gradient has the wrong sign" in str(failure.value)
    assert "dJ/dyhat = yhat - y." in str(failure.value)


def test_does_an_unsummed_bias_gradient_show_as_a_wrong_shape(instructor):
    forward = instructor["sigmoid_network_forward"]

    def per_example_bias(W1, b1, W2, b2, x, y):
        dW1, _, dW2, db2 = instructor["sigmoid_network_backward"](W1, b1, W2, b2, x, y)
        yhat, cache = forward(W1, b1, W2, b2, x)
        dz2 = (yhat - y) * yhat * (1 - yhat)
        dz1 = dz2 @ W2 * cache["a1"] * (1 - cache["a1"])
        return dW1, dz1, dW2, db2   # db1 left with one row per example
    with pytest.raises(CheckFailed, match=r"wrong db1: expected shape \(2,\), got shape \(1, 2\)"):
        check("sigmoid_network_backward", per_example_bias)


def test_does_the_forward_check_judge_yhat_and_the_cache(instructor):
    check("sigmoid_network_forward", instructor["sigmoid_network_forward"])
    whole = lambda W1, b1, W2, b2, x: {"x": x, **sigmoid_network_values(W1, b1, W2, b2, x)}
    with pytest.raises(CheckFailed, match="wrong yhat"):
        check("sigmoid_network_forward", lambda *args: (whole(*args)["z2"], whole(*args)))
    with pytest.raises(CheckFailed, match="cache holds none of the keys x, z1, a1, z2, a2"):
        check("sigmoid_network_forward", lambda *args: (whole(*args)["a2"], {}))
    with pytest.raises(CheckFailed, match=r"wrong cache\['a1'\]"):
        check("sigmoid_network_forward",
              lambda *args: (whole(*args)["a2"], {**whole(*args), "a1": whole(*args)["z1"]}))


def test_do_hidden_cases_hold_a_single_example_and_varied_shapes():
    exercise = EXERCISES["sigmoid_network_backward"]
    cases = [case for seed in range(10)
             for case in exercise.draw_hidden(np.random.default_rng(seed))]
    assert all(case["x"].shape[0] == 1 for case in cases[::3])
    for case in cases:
        (hidden, inputs), (outputs, _) = case["W1"].shape, case["W2"].shape
        assert case["W2"].shape[1] == hidden and case["x"].shape[1] == inputs
        assert case["y"].shape == (case["x"].shape[0], outputs)
        assert case["b1"].shape == (hidden,) and case["b2"].shape == (outputs,)
    assert len({case["W1"].shape + case["W2"].shape for case in cases}) > 5


def test_is_the_loss_half_the_squared_distance_summed_over_the_batch():
    x, y = wave(7)
    params = initial_parameters(hidden=3, seed=1)
    yhat = sigmoid_network_values(*params, x)["a2"]
    assert yhat.shape == (7, 1)
    assert sigmoid_network_loss(*params, x, y) == pytest.approx(0.5 * np.sum((y - yhat) ** 2))


def test_does_the_za_picture_draw():
    figure = za_picture()
    texts = " ".join(text.get_text() for ax in figure.axes for text in ax.texts)
    assert "\\hat y - y" in texts and "y - \\hat y" not in texts.replace("\\|y - \\hat y\\|", "")
    assert figure._repr_png_().startswith(PNG_MAGIC)


@pytest.fixture
def history():
    """A few snapshots of a network on the wave, as the notebook records them (the steps here
    are plain numerical-gradient steps)."""
    x, y = wave(15)
    params, snapshots = initial_parameters(hidden=3, seed=0), []
    for step in range(0, 50, 10):
        snapshots.append((step, params))
        grads = input_gradients(sigmoid_network_loss, dict(zip(PARAMETERS, params), x=x, y=y),
                                PARAMETERS)
        params = tuple(p - 0.5 * g for p, g in zip(params, grads))
    return snapshots, x, y


def test_does_the_fit_explorer_show_each_snapshot(history):
    snapshots, x, y = history
    explorer = SigmoidFitExplorer(snapshots, x, y)
    assert list(explorer.controls["step"].options) == [0, 10, 20, 30, 40]
    assert explorer.numbers["step"] == 40  # starts at the end of training
    picture = bytes(explorer.picture.value)
    assert picture.startswith(PNG_MAGIC)
    explorer.controls["step"].value = 0
    assert explorer.numbers["J"] == pytest.approx(sigmoid_network_loss(*snapshots[0][1], x, y))
    assert bytes(explorer.picture.value) != picture
    assert explorer.output.get_ydata() == pytest.approx(
        sigmoid_network_values(*snapshots[0][1], explorer.grid)["a2"][:, 0])


def test_is_a_fit_explorer_update_quick_enough(history):
    explorer = SigmoidFitExplorer(*history)
    times = []
    for step in (0, 20, 10, 30, 0):
        start = time.perf_counter()
        explorer.controls["step"].value = step
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.5  # seconds, as for the unit-1 explorers


def test_does_the_output_explorer_show_the_largest_gradient_at_the_questions_answer():
    """sigmoid_network_question_1: over every setting of the z2 slider, dJ/dz2 is largest in size
    at the answer, and clearly smaller at every catalogued wrong answer."""
    explorer = OutputSlopeExplorer(z2=2.0, y=1.0)
    slider = explorer.controls["z2"]
    shown = {}
    for k in range(round((slider.max - slider.min) / slider.step) + 1):
        slider.value = round(slider.min + k * slider.step, 1)
        shown[slider.value] = abs(explorer.numbers["dJ/dz2"])
    question = EXERCISES["sigmoid_network_question_1"]
    (answer,) = question.expected({})
    assert max(shown, key=shown.get) == pytest.approx(answer)
    assert answer == pytest.approx(np.log(0.5), abs=question.atol)   # the maximum of yhat (1 - yhat)^2
    for mistake in question.mistakes:
        (wrong,) = mistake.returns()
        assert shown[wrong] < shown[answer] - 0.02
