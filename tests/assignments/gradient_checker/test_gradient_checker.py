"""Assignment 14: are the handed-over layers wrong where the notebook says, does the notebook show
the checker's rules by running them, and can no answer be hard-coded?"""
import re
import statistics
import time

import ipywidgets as widgets
import numpy as np
import pytest

from assignments.gradient_checker.explorer_maths import kink
from autograder.autograde import autograde
from autograder.sample_class import copy_course, solved_release, with_source, write_class
from course import CheckFailed, check
from course.assignments.gradient_checker.exercises import BUGGY
from course.assignments.gradient_checker.explorers import KinkExplorer
from course.assignments.gradient_checker.forward import KINDS, handed_over, line_up
from course.assignments.gradient_checker.pictures import best_step, step_errors, step_sweep_picture
from course.exercises import EXERCISES
from course.numgrad import input_gradients, relative_error
from support import ROOT, instructor_namespace, printed_by

NAME = "14_gradient_checker"
HUNT = EXERCISES["buggy_layers"]


pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own


@pytest.fixture(scope="module")
def solution():
    return instructor_namespace(NAME)


def _wrong_gradients(layer, rng):
    """Whether some gradient of the layer's backward differs from centered differences
    (course.numgrad, not the student's checker) by a relative error above 1e-6."""
    forward, backward, inputs = layer
    dout = rng.standard_normal(np.shape(forward(*inputs)))
    names = [f"input{k}" for k in range(len(inputs))]
    numerical = input_gradients(lambda **given: forward(*given.values()), dict(zip(names, inputs)),
                                names, dout)
    return any(relative_error(a, n) > 1e-6 for a, n in zip(backward(*inputs, dout), numerical))


@pytest.mark.parametrize("seed", range(5))
def test_is_a_kind_of_layer_wrong_exactly_when_it_is_marked_buggy(seed):
    kinds = np.arange(len(KINDS))
    layers = line_up(kinds, seed)
    rng = np.random.default_rng(seed)
    assert [_wrong_gradients(layer, rng) for layer in layers.values()] == [
        kind in BUGGY for kind in kinds]


def test_does_the_notebook_name_the_three_buggy_layers_and_none_after_the_fixes(validated):
    printed = printed_by(validated, NAME)
    assert "named: ['prelu', 'silu', 'softplus']" in printed
    assert "named after the fixes: []" in printed


def test_does_the_kink_demo_fail_a_correct_layer_only_when_a_point_straddles_the_kink(validated):
    rows = re.findall(r"(\d+) points, (\d+) of them within h of the kink: relative error (\S+)",
                      printed_by(validated, NAME))
    assert len(rows) == 4
    for _, near, error in rows:
        assert (float(error) > 1e-2) == (int(near) > 0)
    assert int(rows[0][1]) == 0 and int(rows[-1][1]) > 0


def test_does_a_growing_penalty_hide_the_planted_bug(validated):
    errors = [float(e) for e in re.findall(r"lambda = +\S+: relative error (\S+)",
                                           printed_by(validated, NAME))]
    assert errors[0] > 1e-1 and errors[-1] < 1e-6
    assert errors == sorted(errors, reverse=True)


def test_is_the_centered_step_best_near_1e_5_and_float32_never_under_the_threshold():
    errors = step_errors()
    assert 1e-6 <= best_step(errors["centered, float64"]) <= 1e-4
    assert best_step(errors["one-sided, float64"]) < 1e-7   # its V bottoms out near sqrt(eps)
    assert errors["centered, float32"].min() > 1e-7
    assert step_sweep_picture()._repr_png_().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("seed", range(30))
def test_does_every_hidden_line_up_tell_every_catalogued_mistake_from_the_right_answer(seed):
    for case in HUNT.draw_hidden(np.random.default_rng(seed)):
        right, = HUNT.expected(case)
        predicted = [tuple(m.returns(**case))[0].tolist() for m in HUNT.mistakes]
        assert right.tolist() not in predicted
        assert len({tuple(p) for p in predicted}) == len(predicted)


MINE = ("centered_gradient", "sampled_gradient", "relative_error", "buggy_layers", "silu_backward",
        "softplus_backward", "prelu_backward")


def _differs(exercise, case, returns):
    predicted, expected = tuple(returns(**case)), exercise.expected(case)
    return not all(np.allclose(p, e, exercise.rtol, exercise.atol) for p, e in zip(predicted, expected))


@pytest.mark.parametrize("name", MINE)
def test_does_every_hidden_draw_show_every_catalogued_mistake(name):
    exercise = EXERCISES[name]
    for seed in range(10):
        cases = exercise.draw_hidden(np.random.default_rng(seed))
        for mistake in exercise.mistakes:
            assert any(_differs(exercise, case, mistake.returns) for case in cases), (seed, mistake.name)


def test_does_a_hunt_that_memorised_the_visible_answers_fail_hidden_line_ups():
    memorised = set()
    for case in HUNT.visible:
        names = list(line_up(case["kinds"], case["seed"]))
        memorised |= {name for name, kind in zip(names, case["kinds"]) if kind in BUGGY}

    def by_heart(layers):
        return set(layers) & memorised
    check("buggy_layers", by_heart)
    with pytest.raises(CheckFailed, match="buggy_layers returned a wrong named"):
        for seed in range(5):
            check("buggy_layers", by_heart, hidden=True, rng=np.random.default_rng(seed))


def test_do_line_ups_hide_the_kind_behind_the_name_and_the_function():
    first, second = line_up(np.array([2, 2]), seed=7).items()
    assert first[0] != second[0] and "prelu" not in first[0] + second[0]
    assert first[1].backward is not second[1].backward


@pytest.mark.parametrize("answer, error, says", [
    (3, CheckFailed, "buggy_layers returned a number: return a set of layer names"),
    ({0, 1}, CheckFailed, "return a set of layer names"),
    ({"silu"}, CheckFailed, "named 'silu', which is not a key of the layers it was given"),
])
def test_does_an_answer_that_is_not_a_set_of_the_layers_names_say_what_to_return(answer, error, says):
    with pytest.raises(error, match=says):
        check("buggy_layers", lambda layers: answer)


def test_does_a_sample_that_estimates_every_entry_get_named(solution):
    def every_entry(f, x, h, entries):
        return solution["centered_gradient"](f, x, h).reshape(-1)[entries]
    with pytest.raises(CheckFailed, match="f was evaluated for every entry"):
        check("sampled_gradient", every_entry)


def test_does_a_checker_in_single_precision_get_named():
    def in_float32(f, x, h=1e-5):
        x = np.array(x)
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[i] += h
            down[i] -= h
            grad[i] = (f(up) - f(down)) / (2 * h)
        return grad
    with pytest.raises(CheckFailed, match="Mistake: x came in single precision"):
        check("centered_gradient", in_float32)


def test_does_the_relative_error_keep_zero_entries_at_zero(solution):
    assert solution["relative_error"](np.zeros(3), np.zeros(3)) == 0.0
    assert solution["relative_error"](np.array([1e-9]), np.array([-1e-9])) == pytest.approx(0.2)


def test_are_the_handed_over_inputs_away_from_kinks_with_both_signs_in_every_column():
    for name, (_, _, inputs) in handed_over().items():
        x = inputs[0]
        assert np.min(np.abs(x)) >= 0.2, name
        assert np.all(np.any(x < 0, axis=0)) and np.all(np.any(x > 0, axis=0)), name


@pytest.fixture
def explorer():
    return KinkExplorer()


@pytest.mark.parametrize("x, log10_h", [(0.3, -1.0), (0.05, -1.0), (-0.02, -1.5), (0.0, -2.0),
                                        (-0.4, -0.5), (0.2, -3.0)])
def test_does_the_kink_explorer_show_the_straddled_chord_the_maths_gives(explorer, x, log10_h):
    explorer.controls["x"].value = x
    explorer.controls["log10_h"].value = log10_h
    expected = kink({"x": str(x), "log10(h)": str(log10_h)})
    assert explorer.numbers == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_is_a_correct_relu_wrong_by_the_checker_only_when_the_step_straddles_the_kink(explorer):
    explorer.controls["log10_h"].value = -1.0
    explorer.controls["x"].value = 0.05
    assert explorer.numbers["relative error"] > 0.1
    explorer.controls["x"].value = 0.15
    assert explorer.numbers["relative error"] < 1e-12


def test_does_the_kink_explorer_build_headless_and_redraw_when_x_moves(explorer):
    assert isinstance(explorer, widgets.VBox) and "<table>" in explorer.readout.value
    picture = bytes(explorer.picture.value)
    assert picture.startswith(b"\x89PNG\r\n\x1a\n")
    times = []
    for x in (-0.2, -0.05, 0.0, 0.05, 0.2):
        start = time.perf_counter()
        explorer.controls["x"].value = x
        times.append(time.perf_counter() - start)
    assert bytes(explorer.picture.value) != picture
    assert statistics.median(times) < 0.25   # seconds; about 0.03 s on a 2-core VM


def test_does_a_relative_error_borrowed_from_the_course_earn_nothing_and_get_flagged(tmp_path):
    root = copy_course(ROOT, tmp_path / "course", [NAME])
    borrowed = with_source(solved_release(ROOT, NAME, "gradient_checker.ipynb"), "relative_error",
                           "from course.numgrad import relative_error as theirs\n\n"
                           "def relative_error(a, b):\n    return theirs(a, b)")
    write_class(root, NAME, "gradient_checker.ipynb", {"borrower": borrowed})
    (result,), _, _ = autograde(root, [NAME], workers=1, progress=False)
    graded = {e.exercise: e for e in result.exercises}
    assert (graded["relative_error"].status, graded["relative_error"].score) == ("tampered", 0.0)
    assert "course.numgrad.relative_error" in graded["relative_error"].message
    assert graded["silu_backward"].status == "passed"
