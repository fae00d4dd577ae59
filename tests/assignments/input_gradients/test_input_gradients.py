"""Assignment 10, gradients on inputs: the worked numbers, the trained toy network, its explorers,
and whether the checks catch the usual mistakes."""

import ipywidgets as widgets
import numpy as np
import pytest

from course import CheckFailed, check
from course.assignments.input_gradients.explorers import AdversarialExplorer, AscentExplorer
from course.assignments.input_gradients.forward import (
    W1,
    adversarial,
    lookup,
    numerical_path,
    one_hot,
    score,
    score_gradient,
    unit_weights,
)
from course.assignments.input_gradients.pictures import embedding_picture, moons_picture, paths_picture
from course.exercises import EXERCISES
from course.functions import two_layer_loss, two_moons
from course.numgrad import input_gradients
from support import not_printed

NAME = "10_input_gradients"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# What the executed source notebook prints. The first five lines are shared/seeds/NOTES.md's
# two-layer tanh example; the rest are this assignment's own examples.
PRINTED = [
    "x1 = [0.7000, 0.3000], x2 = [0.6044, 0.2913], x3 = 0.3131, L = 0.01747",
    "dL/dW0 = [[-0.11866, -0.01187], [0.17108, 0.01711]]",
    "dL/dW1 = [-0.11298, -0.05446]",
    "dL/dx0 = [-0.08445, 0.52706]",
    "after one step: W0 = [[1.0237, -2.9976], [0.1658, 0.9966]], W1 = [1.0226, -0.9891]",
    "accuracy on the moons: 0.985",
    "score(x) = 2.6092, P(class 1 | x) = 0.9315",
    "ds/dx at x = [11.0597, -7.1621]",
    "first-order estimate: epsilon = 0.1980",
    "the prediction flips at epsilon = 0.168",
    "D = 150,528: moving every input by 8.3e-06 changes the score by 1",
    "unit 0: ends at [-0.58, -0.43], activation 0.991, cosine with W1[0] = 1.000",
    "unit 1: ends at [1.29, -0.80], activation 0.977, cosine with W1[1] = 1.000",
    "unit 2: ends at [-1.35, 0.66], activation 0.978, cosine with W1[2] = 1.000",
    "dE[the] = [1.0000, -2.0000, 0.5000]",
    "dE[cat] = [0.5000, -1.0000, 0.2500]",
    "dE[dog] = [0.0000, 0.0000, 0.0000]",
]


def test_does_the_notebook_print_its_worked_numbers(validated):
    assert not_printed(validated, NAME, PRINTED) == []


def test_does_the_two_layer_example_give_the_notes_gradient_on_x0():
    W0, W1_, x0 = np.array([[1.0, -3.0], [0.2, 1.0]]), np.array([1.0, -1.0]), np.array([1.0, 0.1])
    dx0, dW0 = input_gradients(two_layer_loss, {"x0": x0, "W0": W0, "W1": W1_, "y": 0.5},
                               ("x0", "W0"))
    dx1 = np.array([-0.11866, 0.17108])  # NOTES.md: dL/dx1
    assert np.allclose(dW0, np.outer(dx1, x0), atol=1e-5)
    assert np.allclose(dx0, W0.T @ dx1, atol=1e-5)  # the hop training skips


def test_does_the_shipped_network_classify_the_moons():
    X, y = two_moons()
    assert X.shape == (200, 2) and sorted(set(y)) == [0.0, 1.0]
    assert np.mean((score(X) > 0) == (y == 1)) >= 0.98


def test_does_the_score_of_many_points_match_the_score_of_each():
    X, _ = two_moons(count=5)
    assert np.allclose(score(X), [score(x) for x in X])
    assert isinstance(score(X[0]), float)


def test_is_a_hidden_unit_the_score_with_a_one_hot_output_layer():
    x = np.array([0.3, -0.7])
    for j in range(3):
        W, b, w, c = unit_weights(j)
        assert score(x, W, b, w, c) == pytest.approx(np.tanh(W1[j] @ x + b[j]))


def test_does_the_adversarial_step_move_exactly_epsilon_towards_the_other_class():
    x = np.array([1.0, -0.3])
    for epsilon in (0.01, 0.1, 0.5):
        moved = adversarial(x, epsilon)
        assert np.linalg.norm(moved - x) == pytest.approx(epsilon)
        assert score(moved) < score(x)
    x0 = np.array([-0.5, 0.6])  # class 0: the step raises the score
    assert score(x0) < 0 < score(adversarial(x0, 1.0)) - score(x0)


def test_does_the_ascent_on_a_hidden_unit_follow_its_weight_vector():
    for j in range(3):
        end = numerical_path([0.0, 0.0], steps=100, lr=0.1, lam=0.1, unit=j)[-1]
        cosine = end @ W1[j] / (np.linalg.norm(end) * np.linalg.norm(W1[j]))
        assert cosine == pytest.approx(1.0, abs=1e-6)


def test_does_a_large_regularizer_make_two_hills_and_ascent_climb_the_one_it_starts_on():
    near = numerical_path([0.0, 0.0], 200, 0.03, 2.0)[-1]
    far = numerical_path([2.0, 1.5], 200, 0.03, 2.0)[-1]
    assert near == pytest.approx([-0.34, -0.47], abs=0.01)
    assert far == pytest.approx([0.55, -1.55], abs=0.01)
    for end in (near, far):
        assert np.linalg.norm(score_gradient(end, lam=2.0)) < 1e-3


def test_does_a_stronger_regularizer_keep_the_favourite_input_closer_to_the_origin():
    ends = [numerical_path([0.0, 0.0], 150, 0.01, lam)[-1] for lam in (0.1, 0.5, 2.0)]
    norms = [np.linalg.norm(end) for end in ends]
    assert norms[0] > norms[1] > norms[2]


def test_does_ascent_raise_the_objective_at_every_step():
    path = numerical_path([0.5, 0.5], steps=40, lr=0.01, lam=0.5)
    values = [score(p) - 0.25 * p @ p for p in path]
    assert all(b > a for a, b in zip(values, values[1:]))


def test_is_the_embedding_lookup_a_one_hot_product():
    E = np.arange(15.0).reshape(5, 3)
    ids = np.array([4, 0, 4])
    assert np.array_equal(one_hot(ids, 5) @ E, lookup(ids, E))


# --- the checks -------------------------------------------------------------------------------

def _embedding_overwriting(ids, E, dout):
    dE = np.zeros_like(E)
    dE[ids] += dout  # fancy indexing keeps one row per repeated id
    return dE


def _input_gradient_without_tanh_slope(x, W1, b1, w2, b2):
    return W1.T @ w2


def _ascent_downhill(x, W1, b1, w2, b2, lr, lam):
    h = np.tanh(W1 @ x + b1)
    return x - lr * (W1.T @ ((1 - h**2) * w2) - lam * x)


@pytest.mark.parametrize("name, wrong, advice", [
    ("embedding_backward", _embedding_overwriting, "Mistake: a word read twice"),
    ("input_gradient", _input_gradient_without_tanh_slope, "Hint:"),
    ("ascent_step", _ascent_downhill, "Mistake: x moved against the gradient"),
])
def test_do_the_checks_catch_a_common_mistake(name, wrong, advice):
    with pytest.raises(CheckFailed, match=advice):
        check(name, wrong)
    with pytest.raises(CheckFailed, match="hidden test"):
        check(name, wrong, hidden=True, rng=np.random.default_rng(0))


def test_does_every_hidden_embedding_draw_repeat_a_word():
    for seed in range(20):
        cases = EXERCISES["embedding_backward"].draw_hidden(np.random.default_rng(seed))
        assert any(len(set(case["ids"].tolist())) < len(case["ids"]) for case in cases)


def test_does_the_embedding_gradient_fill_only_the_rows_looked_up():
    E, dout = np.ones((6, 2)), np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    dE, = EXERCISES["embedding_backward"].expected({"ids": np.array([1, 4, 1]), "E": E,
                                                    "dout": dout})
    assert np.allclose(dE, [[0, 0], [6, 8], [0, 0], [0, 0], [3, 4], [0, 0]])


# --- the pictures and explorers ---------------------------------------------------------------

EXPLORERS = {"adversarial": AdversarialExplorer, "ascent": AscentExplorer,
             "ascent_hidden_unit": lambda: AscentExplorer(unit=1, lr=0.1, steps=60)}


@pytest.fixture(params=EXPLORERS)
def explorer(request):
    return EXPLORERS[request.param]()


def test_does_each_explorer_build_headless_with_float_sliders(explorer):
    assert isinstance(explorer, widgets.VBox)
    assert bytes(explorer.picture.value).startswith(PNG_MAGIC)
    assert "<table>" in explorer.readout.value
    assert all(type(s) is widgets.FloatSlider and s.continuous_update
               for s in explorer.controls.values())


def test_does_moving_the_first_slider_redraw_the_picture(explorer):
    slider = next(iter(explorer.controls.values()))
    picture = bytes(explorer.picture.value)
    for fraction in (0.9, 0.2, 0.6):
        slider.value = slider.min + fraction * (slider.max - slider.min)
    assert bytes(explorer.picture.value) != picture


def test_does_the_adversarial_explorer_flip_just_where_the_notebook_says():
    explorer = AdversarialExplorer()
    explorer.controls["epsilon"].value = 0.165
    assert explorer.numbers["flipped"] == 0.0
    explorer.controls["epsilon"].value = 0.17
    assert explorer.numbers["flipped"] == 1.0
    assert explorer.numbers["score(x')"] < 0 < explorer.numbers["score(x)"]
    assert explorer.numbers["|score| / ||g||"] == pytest.approx(0.1980, abs=1e-4)


def test_does_the_adversarial_explorer_flip_at_the_questions_answer_and_at_no_wrong_answer():
    """input_gradients_question_1: at x = [1.5, -0.5] the prediction flips first at the answer
    (one slider step below it, not yet); the catalogued wrong answers are the first-order
    estimate shown there, far beyond the slider, and the orange point's numbers, which flip
    nothing here."""
    question = EXERCISES["input_gradients_question_1"]
    (answer,) = question.expected({})
    explorer = AdversarialExplorer(x=(1.5, -0.5))
    step = explorer.controls["epsilon"].step
    explorer.controls["epsilon"].value = answer - step
    assert explorer.numbers["flipped"] == 0.0
    explorer.controls["epsilon"].value = answer
    assert explorer.numbers["flipped"] == 1.0
    wrong = {mistake.name: mistake.returns()[0] for mistake in question.mistakes}
    assert explorer.numbers["|score| / ||g||"] == pytest.approx(wrong["first-order-estimate"],
                                                                abs=0.01)
    assert wrong["first-order-estimate"] > explorer.controls["epsilon"].max
    for name in ("orange-point", "estimate-at-orange-point"):
        explorer.controls["epsilon"].value = wrong[name]
        assert explorer.numbers["flipped"] == 0.0


def test_does_the_first_order_estimate_fail_where_the_units_saturate():
    x = np.array([0.3, 0.6])  # deep in class 0: tiny gradient
    estimate = abs(score(x)) / np.linalg.norm(score_gradient(x))
    explorer = AdversarialExplorer(x=x, epsilon=1.0)
    assert explorer.numbers["flipped"] == 1.0 and estimate > 10


def test_does_the_ascent_explorer_report_the_end_of_its_path():
    explorer = AscentExplorer(lam=0.5)
    end = numerical_path([0.0, 0.0], explorer.steps, explorer.lr, 0.5)[-1]
    assert [explorer.numbers["end x[0]"], explorer.numbers["end x[1]"]] == pytest.approx(end)
    assert explorer.numbers["unit at end"] == pytest.approx(score(end))


@pytest.mark.parametrize("make", [
    lambda: moons_picture([np.array([1.0, -0.3])]),
    lambda: paths_picture([numerical_path([0, 0], 5, 0.1, 0.1, j) for j in range(3)],
                          [0, 1, 2], 0.1),
    lambda: embedding_picture([0, 2, 0], np.ones((3, 2)), np.ones((3, 2)), ["a", "b", "c"]),
])
def test_does_each_picture_render_as_png(make):
    assert make()._repr_png_().startswith(PNG_MAGIC)
