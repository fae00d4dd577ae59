"""Assignment 13: does the notebook show its worked numbers and the overflow by running it, are the
expected values the definitions, do the hidden cases hold huge and tiny logits that break the
naive formulas, and does each catalogued mistake get its own diagnosis?"""
import math

import numpy as np
import pytest

from course import CheckFailed, check
from course.assignments.softmax_cross_entropy.exercises import exact_cross_entropy, exact_softmax
from course.assignments.softmax_cross_entropy.pictures import loss_against_logit, probability_bars
from course.exercises import EXERCISES
from support import instructor_namespace, not_printed, printed_by

NAME = "13_softmax_cross_entropy"
NAMES = ("softmax", "cross_entropy", "softmax_cross_entropy_backward", "logistic_loss")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# The worked example z = (3, 1, -2), label 0, and what running the naive formulas shows.
WORKED_NUMBERS = [
    "e^z = [20.0855  2.7183  0.1353], total 22.9392",
    "p = [0.8756 0.1185 0.0059], sum 1.0000",
    "-log p[0] = 0.1328",
    "through the Jacobian: [-0.1244  0.1185  0.0059]",
    "p - y:                [-0.1244  0.1185  0.0059]",
]
OVERFLOW_SHOWN = [
    "e^z: [inf inf inf]",
    "softmax as written: [nan nan nan]",
    "e^z of z - 2000: [0. 0. 0.]",
    "p = [1. 0. 0.], so -log p[1] = inf",
    "log-sum-exp: -log p[1] = 800.0",
    "z = 40.0: 1 - sigma(z) = 0.000000e+00, -log(1 - sigma(z)) = inf",
]


@pytest.fixture(scope="module")
def instructor():
    return instructor_namespace(NAME)


def test_are_the_worked_numbers_the_definitions():
    exps = [math.exp(v) for v in (3.0, 1.0, -2.0)]
    p = [e / sum(exps) for e in exps]
    assert [round(v, 4) for v in (*exps, sum(exps))] == [20.0855, 2.7183, 0.1353, 22.9392]
    assert [round(v, 4) for v in p] == [0.8756, 0.1185, 0.0059]
    assert round(-math.log(p[0]), 4) == 0.1328
    assert [round(v, 4) for v in (p[0] - 1, p[1], p[2])] == [-0.1244, 0.1185, 0.0059]


def test_does_the_notebook_print_the_worked_numbers_and_the_overflow(validated):
    assert not_printed(validated, NAME, WORKED_NUMBERS + OVERFLOW_SHOWN) == []


def test_do_the_printed_checks_find_the_gradient_right_and_the_rows_summing_to_zero(validated):
    printed = printed_by(validated, NAME)
    assert float(printed.split("dZ (4, 5): relative error ")[1].split()[0]) < 1e-6
    assert "row sums of dZ: [0. 0. 0. 0.]" in printed


def test_is_the_exact_softmax_the_definition_and_blind_to_a_shift():
    Z = np.array([[1.0, -2.0, 0.5], [0.0, 0.0, 3.0]])
    plain = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    assert np.allclose(exact_softmax(Z), plain, rtol=1e-14, atol=0)
    assert np.allclose(exact_softmax(Z + 1000.0), plain, rtol=1e-14, atol=0)
    assert np.allclose(exact_softmax(Z - 5000.0), plain, rtol=1e-14, atol=0)


def test_is_the_exact_cross_entropy_the_label_logits_distance_below_a_huge_lead():
    assert exact_cross_entropy(np.array([[800.0, 0.0, -5.0]]), [1]) == pytest.approx(800.0)
    assert exact_cross_entropy(np.array([[3.0, 1.0, -2.0]]), [0]) == pytest.approx(0.13284523, 1e-7)


@pytest.mark.parametrize("seed", range(3))
def test_is_the_expected_gradient_p_minus_y_over_n(seed):
    exercise = EXERCISES["softmax_cross_entropy_backward"]
    for case in [*exercise.visible, *exercise.draw_hidden(np.random.default_rng(seed))]:
        Z, y = case["Z"], case["y"]
        fused = (exact_softmax(Z) - np.eye(Z.shape[1])[y]) / len(y)
        assert np.allclose(exercise.expected(case)[0], fused, rtol=1e-7, atol=1e-10)


def test_do_the_hidden_cases_hold_huge_far_negative_and_near_zero_logits():
    for seed in range(5):
        cases = EXERCISES["cross_entropy"].draw_hidden(np.random.default_rng(seed))
        largest = [float(np.max(np.abs(case["Z"]))) for case in cases]
        assert largest[1] > 709 and largest[3] < 1e-6
        assert np.max(cases[2]["Z"]) < -745


def naive_softmax(Z):
    exps = np.exp(Z)
    return exps / exps.sum(axis=1, keepdims=True)


def batch_max_softmax(Z):
    exps = np.exp(Z - Z.max())
    return exps / exps.sum(axis=1, keepdims=True)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("wrong", [naive_softmax, batch_max_softmax])
def test_do_the_hidden_cases_break_a_softmax_without_a_shift_per_row(wrong):
    for seed in range(5):
        with pytest.raises(CheckFailed, match="hidden test"):
            check("softmax", wrong, hidden=True, rng=np.random.default_rng(seed))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_do_the_hidden_cases_break_the_log_of_a_shifted_softmax(instructor):
    def log_of_softmax(Z, y):
        return -np.mean(np.log(instructor["softmax"](Z))[np.arange(len(y)), y])
    for seed in range(5):
        with pytest.raises(CheckFailed, match="hidden test"):
            check("cross_entropy", log_of_softmax, hidden=True, rng=np.random.default_rng(seed))


@pytest.mark.parametrize("name", NAMES)
def test_do_the_instructors_solutions_pass_on_many_hidden_draws(instructor, name):
    for seed in range(10):
        check(name, instructor[name], hidden=True, rng=np.random.default_rng(seed))


@pytest.mark.parametrize("name, worked", [
    ("softmax", np.array([0.8756006, 0.11849965, 0.00589975])),
    ("cross_entropy", 0.13284523372757556),
    ("softmax_cross_entropy_backward", np.array([[-0.1243994, 0.11849965, 0.00589975]])),
    ("logistic_loss", 0.471422227580434)])
def test_does_a_hard_coded_worked_answer_fail_the_visible_check(name, worked):
    with pytest.raises(CheckFailed):
        check(name, lambda *args: worked)


CATALOGUE = [(name, mistake) for name in NAMES for mistake in EXERCISES[name].mistakes]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, mistake", CATALOGUE,
                         ids=[f"{name}:{mistake.name}" for name, mistake in CATALOGUE])
def test_does_the_visible_check_name_each_catalogued_mistake(name, mistake):
    exercise = EXERCISES[name]

    def making_it(*args):
        return mistake.returns(**dict(zip(exercise.arguments, args)))[0]
    with pytest.raises(CheckFailed) as failed:
        check(name, making_it)
    assert f"Mistake: {mistake.diagnosis}" in str(failed.value)


def test_are_the_pictures_drawn_with_the_broken_values_marked():
    bars = probability_bars([3.0, 1.0, -2.0], {"T = 1": np.array([0.8756, 0.1185, 0.0059])}, label=0)
    assert bytes(bars._repr_png_()).startswith(PNG_MAGIC)
    curve = loss_against_logit([-1.0, 0.0, 1.0], {"stable": [1.3, 0.7, 0.3],
                                                 "naive": [np.inf, 0.7, np.nan]})
    labels = [line.get_label() for line in curve.axes[0].get_lines()]
    assert labels == ["stable", "naive", "naive: inf or nan"]
    assert len(curve.axes[0].get_lines()[2].get_xdata()) == 2


def test_does_the_explorer_show_the_probabilities_loss_and_fused_gradient(instructor):
    from assignments.softmax_cross_entropy.explorer_maths import softmax_explorer
    from course.assignments.softmax_cross_entropy.explorers import SoftmaxExplorer
    explorer = SoftmaxExplorer(instructor["softmax"], instructor["cross_entropy"])
    for name, value in (("z1", 4.5), ("T", 2.5), ("label", 2), ("z2", -9.0)):
        explorer.controls[name].value = value
        shown = {control.description: str(control.value) for control in explorer.controls.values()}
        expected = softmax_explorer(shown)
        assert explorer.numbers == pytest.approx(expected, rel=1e-6, abs=1e-8), name
    assert bytes(explorer.picture.value).startswith(PNG_MAGIC)
