"""Assignment 18: do the initialisation checks ask for the stated variances, draw for draw, does
the residual check take the fork and name each catalogued mistake, are the gradient norms the
pictures draw the norms of true gradients, and does the notebook print its worked numbers?"""
import numpy as np
import pytest

from course import CheckFailed, check
from course.assignments.depth.explorers import DepthExplorer
from course.assignments.depth.forward import (
    ACTIVATIONS,
    SCALES,
    residual_forward,
    residual_gradient_norms,
    stack_gradient_norms,
    stack_inputs,
    stack_weights,
)
from course.assignments.depth.pictures import activations_and_inits, with_and_without_skips
from course.exercises import EXERCISES
from course.numgrad import numerical_gradient
from support import instructor_namespace, not_printed, pictures_shown

from .explorer_maths import depth_explorer

NAME = "18_depth"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def instructor():
    return instructor_namespace(NAME)


def normal_with_variance(variance):
    """An init(fan_in, fan_out, rng) drawing standard normals and scaling them (the same draws as
    rng.normal(0, std, size) makes), with variance(fan_in, fan_out)."""
    return lambda fan_in, fan_out, rng: (rng.standard_normal((fan_in, fan_out))
                                         * np.sqrt(variance(fan_in, fan_out)))


XAVIER = lambda fan_in, fan_out: 2 / (fan_in + fan_out)   # noqa: E731
HE = lambda fan_in, fan_out: 2 / fan_in                    # noqa: E731


@pytest.mark.parametrize("name, variance", [("xavier_init", XAVIER), ("he_init", HE)])
def test_does_the_check_take_the_stated_variance_drawn_another_way(name, variance):
    check(name, normal_with_variance(variance))
    check(name, normal_with_variance(variance), hidden=True)


@pytest.mark.parametrize("name, variance", [("xavier_init", XAVIER), ("he_init", HE)])
def test_do_the_expected_weights_have_mean_zero_and_the_stated_variance(name, variance):
    W, = EXERCISES[name].expected({"fan_in": 300, "fan_out": 500, "seed": 4})
    assert W.shape == (300, 500)
    assert abs(W.mean()) < 4 * np.sqrt(variance(300, 500) / W.size)
    assert abs(W.var() / variance(300, 500) - 1) < 0.02   # sampling error about 0.4 %


@pytest.mark.parametrize("name, variance", [("xavier_init", XAVIER), ("he_init", HE)])
def test_does_the_check_refuse_the_right_variance_from_other_draws(name, variance):
    def uniform(fan_in, fan_out, rng):
        half_width = np.sqrt(3 * variance(fan_in, fan_out))
        return rng.uniform(-half_width, half_width, size=(fan_in, fan_out))
    with pytest.raises(CheckFailed):
        check(name, uniform)


def test_do_the_hidden_cases_hold_unequal_fans_and_fresh_seeds():
    for seed in range(5):
        cases = EXERCISES["he_init"].draw_hidden(np.random.default_rng(seed))
        assert all(case["fan_in"] != case["fan_out"] and case["fan_in"] >= 3 for case in cases)
        assert len({case["seed"] for case in cases}) == len(cases)


def reference_residual_backward(x, W, dout):
    """The residual block's gradients one example (row) at a time: the skip's dout plus the
    branch's Jacobian product W (slope * dout), and dW the sum of the rows' outer products."""
    dx, dW = np.zeros_like(x), np.zeros_like(W)
    for i, (row, upstream) in enumerate(zip(x, dout)):
        slope = 1 - np.tanh(row @ W) ** 2
        dx[i] = upstream + W @ (slope * upstream)
        dW += np.outer(row, slope * upstream)
    return dx, dW


WRONG = {
    ("xavier_init", "variance-as-std"): lambda fi, fo, rng: rng.normal(0, 2 / (fi + fo), (fi, fo)),
    ("xavier_init", "fan-in-only"): lambda fi, fo, rng: rng.normal(0, np.sqrt(1 / fi), (fi, fo)),
    ("xavier_init", "sum-not-average"): lambda fi, fo, rng: rng.normal(0, np.sqrt(1 / (fi + fo)),
                                                                       (fi, fo)),
    ("he_init", "variance-as-std"): lambda fi, fo, rng: rng.normal(0, 2 / fi, (fi, fo)),
    ("he_init", "factor-2-forgotten"): lambda fi, fo, rng: rng.normal(0, np.sqrt(1 / fi), (fi, fo)),
    ("he_init", "fan-out-for-fan-in"): lambda fi, fo, rng: rng.normal(0, np.sqrt(2 / fo), (fi, fo)),
}


def residual_mistake(mistake):
    """A residual backward pass that makes the mistake."""
    def backward(x, W, dout):
        t = np.tanh(x @ W)
        upstream = np.ones_like(dout) if mistake == "forgot-upstream" else dout
        dz = upstream if mistake == "no-tanh-slope" else upstream * (1 - t * t)
        branch = dz @ (W if mistake == "W-not-transposed" else W.T)
        if mistake == "changed-in-place":
            dout += branch
            return dout, x.T @ dz
        return (branch if mistake == "skip-dropped" else upstream + branch), x.T @ dz
    return backward


def test_does_the_residual_check_take_the_fork_and_match_a_third_derivation():
    check("residual_backward", reference_residual_backward)
    check("residual_backward", reference_residual_backward, hidden=True)
    exercise = EXERCISES["residual_backward"]
    for case in exercise.visible:
        for want, got in zip(reference_residual_backward(**case), exercise.expected(case)):
            assert np.allclose(got, want, rtol=1e-6, atol=1e-8)


CATALOGUE = [(name, mistake.name) for name in ("xavier_init", "he_init", "residual_backward")
             for mistake in EXERCISES[name].mistakes]


@pytest.mark.parametrize("name, mistake", CATALOGUE, ids=[f"{n}:{m}" for n, m in CATALOGUE])
def test_does_the_visible_check_name_each_catalogued_mistake(name, mistake):
    wrong = WRONG.get((name, mistake)) or residual_mistake(mistake)
    diagnosis = next(m.diagnosis for m in EXERCISES[name].mistakes if m.name == mistake)
    with pytest.raises(CheckFailed) as failed:
        check(name, wrong)
    assert diagnosis in str(failed.value)


@pytest.mark.parametrize("name", ["xavier_init", "he_init", "residual_backward"])
def test_does_a_hard_coded_worked_answer_fail_the_visible_check(name):
    exercise = EXERCISES[name]
    worked = exercise.expected(exercise.visible[0])
    answer = worked[0] if len(worked) == 1 else worked
    with pytest.raises(CheckFailed):
        check(name, lambda *args: answer)


def centered_difference_norms(block, weights, x, g):
    """The norm of the gradient on each block's input, by centered differences of the loss
    sum(g * top) of the stack h_l = block(h_(l-1), W_l), h_0 = x. Returns a list, one per block."""
    inputs, h = [], x
    for W in weights:
        inputs.append(h)
        h = block(h, W)

    def loss_from(first):
        def loss(h):
            for W in weights[first:]:
                h = block(h, W)
            return np.sum(g * h)
        return loss
    return [np.linalg.norm(numerical_gradient(loss_from(k), inputs[k])) for k in range(len(weights))]


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_are_the_stack_norms_the_norms_of_centered_difference_gradients(activation):
    f = ACTIVATIONS[activation][0]
    weights = stack_weights(3, 1.3, seed=5, width=4)
    x, g = stack_inputs(seed=5, width=4, batch=2)
    want = centered_difference_norms(lambda h, W: f(h @ W), weights, x, g)
    assert np.allclose(stack_gradient_norms(activation, weights, x, g), want, rtol=1e-5)


def test_are_the_residual_norms_the_norms_of_centered_difference_gradients():
    weights = stack_weights(3, 0.9, seed=6, width=4)
    x, g = stack_inputs(seed=6, width=4, batch=2)
    want = centered_difference_norms(residual_forward, weights, x, g)
    got = residual_gradient_norms(reference_residual_backward, weights, x, g)
    assert np.allclose(got, want, rtol=1e-5)


def test_do_the_pictures_tell_the_story_the_notebook_tells():
    x, g = stack_inputs()
    relu_xavier = stack_gradient_norms("relu", stack_weights(30, SCALES["Xavier"]), x, g)
    relu_he = stack_gradient_norms("relu", stack_weights(30, SCALES["He"]), x, g)
    small = stack_weights(30, SCALES["std 0.01"])
    assert relu_xavier[0] < 1e-3 * relu_xavier[-1] and 0.5 < relu_he[0] / relu_he[-1] < 2
    assert stack_gradient_norms("tanh", small, x, g)[0] < 1e-25
    assert residual_gradient_norms(reference_residual_backward, small, x, g)[0] > 0.5 * np.linalg.norm(g)
    assert bytes(activations_and_inits(depth=4)._repr_png_()).startswith(PNG_MAGIC)
    picture = with_and_without_skips(reference_residual_backward, depth=4)
    assert len(picture.axes[0].get_lines()) == 4


@pytest.mark.parametrize("depth, scale, activation", [(20, 1.0, "tanh"), (33, 1.45, "relu"),
                                                     (5, 2.35, "sigmoid")])
def test_does_the_explorer_show_what_the_jacobian_products_give(depth, scale, activation):
    explorer = DepthExplorer(depth, scale, activation)
    want = depth_explorer({"depth": str(depth), "scale × 1/√64": f"{scale:.2f}",
                           "activation": activation})
    assert explorer.numbers == pytest.approx(want, rel=1e-9)


def test_does_the_notebook_print_its_worked_numbers(validated, instructor):
    rng = np.random.default_rng(18)
    x = rng.normal(size=(1000, 256))
    variances = [np.var(x @ rng.normal(0.0, np.sqrt(v), size=(256, 100))) for v in (1.0, 1 / 256)]
    assert abs(variances[0] / 256 - 1) < 0.05 and abs(variances[1] - 1) < 0.05
    lines = [f"weights of variance 1.00000: variance of x W = {variances[0]:.2f}",
             f"weights of variance 0.00391: variance of x W = {variances[1]:.2f}",
             f"0.25 ** 30 = {1 / 4**30:.3g}"]
    x, g = stack_inputs()
    rng = np.random.default_rng(30)
    for name, variance in (("Xavier", XAVIER), ("He", HE)):
        init = normal_with_variance(variance)
        norms = stack_gradient_norms("relu", [init(64, 64, rng) for _ in range(30)], x, g)
        lines.append(f"relu, {name}: layer 30 {norms[-1]:.3g}, layer 1 {norms[0]:.3g}")
    assert not_printed(validated, NAME, lines) == []
    assert pictures_shown(validated, NAME) == 2
