"""Assignment 11, 1-D convolution and max pooling: the worked numbers, the forward conventions,
the tie-broken numerical gradient, the explorers, and whether the checks catch boundary mistakes."""

import ipywidgets as widgets
import numpy as np
import pytest

from course import CheckFailed, check
from course.assignments.conv_pool.explorers import ConvExplorer, PoolExplorer
from course.assignments.conv_pool.forward import (
    conv1d,
    maxpool1d,
    padding,
    pool_input_gradient,
    tie_broken,
    window_starts,
)
from course.exercises import EXERCISES
from course.numgrad import input_gradients
from support import not_printed

NAME = "11_conv_pool"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

PRINTED = [
    "padding(3) = (1, 1), conv1d(x, w) = [-2, -2, -2, -2, 4]",
    "dx = [1, 0, 0, 0, -1], dw = [10, 15, 14]",
    "size 2, stride 2: maxpool1d(x) = [3, 3, 5]",
    "side by side: dx = [0, 1, 2, 0, 3, 0, 0]",
    "tie:          dx = [1, 1, 0, 0]",
    "overlap:      dx = [0, 0, 3, 0, 0]",
    "centered differences at the tie: [0.5, 1, 0, 0.5]",
    "ties broken to the first:        [1, 1, 0, 0]",
]


def test_does_the_notebook_print_its_worked_numbers(validated):
    assert not_printed(validated, NAME, PRINTED) == []


def test_does_padding_put_the_extra_zero_of_an_even_kernel_after():
    assert [padding(k) for k in range(1, 6)] == [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2)]


@pytest.mark.parametrize("k", range(1, 7))
def test_does_conv1d_keep_the_length_and_match_numpys_correlate(k):
    x, w = np.random.default_rng(k).normal(size=(2, 9))
    w = w[:k]
    before, after = padding(k)
    reference = np.correlate(np.concatenate([np.zeros(before), x, np.zeros(after)]), w, "valid")
    assert conv1d(x, w).shape == (9,)
    assert np.allclose(conv1d(x, w), reference)


@pytest.mark.parametrize("n, size, stride", [(7, 2, 2), (9, 3, 1), (5, 3, 2), (10, 4, 3),
                                             (4, 4, 1), (6, 1, 5)])
def test_does_maxpool1d_make_one_output_per_window_that_fits(n, size, stride):
    x = np.arange(n, dtype=float)
    out = maxpool1d(x, size, stride)
    assert len(out) == (n - size) // stride + 1 == len(window_starts(n, size, stride))
    assert np.array_equal(out, [s + size - 1 for s in window_starts(n, size, stride)])


def test_does_tie_breaking_keep_the_order_and_favour_the_first_of_equals():
    x = np.array([0.5, 2.0, 2.0, 0.4, 2.0, 0.5])
    nudged, h = tie_broken(x)
    assert np.array_equal(np.argsort(-nudged, kind="stable"), [1, 2, 4, 0, 5, 3])
    assert 0 < h < np.min(np.diff(np.sort(nudged))) / 2


def test_does_the_pool_gradient_route_ties_to_the_first_maximum():
    assert np.allclose(pool_input_gradient([2.0, 2.0, 1.0, 2.0], [1.0, 1.0], 3, 1), [1, 1, 0, 0])
    assert np.allclose(pool_input_gradient(np.full(5, 3.0), [1.0, 2.0], 2, 3), [1, 0, 0, 2, 0])


def test_does_the_pool_gradient_equal_plain_centered_differences_without_ties():
    x, dout = np.random.default_rng(0).normal(size=(2, 8))
    plain = input_gradients(lambda x: maxpool1d(x, 3, 2), {"x": x}, ("x",), dout[:3])[0]
    assert np.allclose(pool_input_gradient(x, dout[:3], 3, 2), plain)


# --- the checks -------------------------------------------------------------------------------

def _conv_backward(x, w, dout, before):
    """A conv backward with `before` zeros in front: right when before = padding(k)[0]."""
    k, n = len(w), len(x)
    padded = np.concatenate([np.zeros(before), x, np.zeros(k - 1 - before)])
    dpadded, dw = np.zeros(n + k - 1), np.zeros(k)
    for i in range(n):
        dpadded[i:i + k] += dout[i] * w
        dw += dout[i] * padded[i:i + k]
    return dpadded[before:before + n], dw


def _pool_backward(x, dout, size, stride, pick=np.argmax, accumulate=True):
    dx = np.zeros(len(x))
    for i, s in enumerate(range(0, len(x) - size + 1, stride)):
        where = s + pick(x[s:s + size])
        dx[where] = dx[where] + dout[i] if accumulate else dout[i]
    return dx


def test_does_the_reference_conv_backward_pass_so_the_wrong_ones_below_fail_for_a_reason():
    check("conv1d_backward", lambda x, w, dout: _conv_backward(x, w, dout, padding(len(w))[0]))
    check("maxpool1d_backward", _pool_backward)
    for seed in range(10):
        check("maxpool1d_backward", _pool_backward, hidden=True, rng=np.random.default_rng(seed))


@pytest.mark.parametrize("wrong, advice", [
    (lambda x, w, dout: _conv_backward(x, w, dout, len(w) // 2),  # extra zero before for even k
     "Mistake: the zeros are at the wrong ends"),
    (lambda x, w, dout: _conv_backward(x, w, dout, 0), "Hint:"),   # all padding after
    (lambda x, w, dout: (_conv_backward(x, w, dout, padding(len(w))[0])[0], np.zeros(len(w))),
     "Hint:"),
])
def test_does_the_conv_check_catch_misplaced_padding(wrong, advice):
    with pytest.raises(CheckFailed, match=advice):
        check("conv1d_backward", wrong)
    for seed in range(5):
        with pytest.raises(CheckFailed, match="hidden test"):
            check("conv1d_backward", wrong, hidden=True, rng=np.random.default_rng(seed))


@pytest.mark.parametrize("wrong, advice", [
    (lambda x, dout, size, stride: _pool_backward(  # ties to the last maximum
        x, dout, size, stride, pick=lambda v: len(v) - 1 - np.argmax(v[::-1])),
     "Mistake: on a tie the gradient went to the last maximum"),
    (lambda x, dout, size, stride: _pool_backward(x, dout, size, stride, accumulate=False),
     "Mistake: an input that won two overlapping windows"),
])
def test_does_the_pool_check_catch_wrong_ties_and_overwritten_overlaps(wrong, advice):
    with pytest.raises(CheckFailed, match=advice):
        check("maxpool1d_backward", wrong)
    for seed in range(5):
        with pytest.raises(CheckFailed, match="hidden test"):
            check("maxpool1d_backward", wrong, hidden=True, rng=np.random.default_rng(seed))


def test_is_a_flipped_kernel_named_as_such_and_not_as_a_wrong_sign_on_the_first_visible_case():
    case = EXERCISES["conv1d_backward"].visible[0]
    assert not np.allclose(case["w"][::-1], case["w"]) and not np.allclose(case["w"][::-1], -case["w"])

    def flipped(x, w, dout):   # the kernel read back to front in both sums
        dx, dw = _conv_backward(x, w[::-1], dout, padding(len(w))[0])
        return dx, dw[::-1]

    with pytest.raises(CheckFailed, match="Mistake: the kernel was used back to front") as failed:
        check("conv1d_backward", flipped)
    assert "w=[2. , 0.5, -1.5]" in str(failed.value)   # the first case already names it
    assert "wrong sign" not in str(failed.value)


def test_do_hidden_conv_cases_cover_even_and_odd_kernels_and_the_ends():
    for seed in range(20):
        cases = EXERCISES["conv1d_backward"].draw_hidden(np.random.default_rng(seed))
        lengths = {len(case["w"]) % 2 for case in cases}
        assert lengths == {0, 1}
        assert all(len(case["w"]) < len(case["x"]) == len(case["dout"]) for case in cases)
        assert any(np.count_nonzero(case["dout"][1:-1]) == 0 for case in cases)


def test_do_hidden_pool_cases_have_ties_overlaps_and_uncovered_inputs():
    ties = overlaps = uncovered = 0
    for seed in range(20):
        for case in EXERCISES["maxpool1d_backward"].draw_hidden(np.random.default_rng(seed)):
            x, size, stride = case["x"], case["size"], case["stride"]
            starts = list(window_starts(len(x), size, stride))
            assert len(case["dout"]) == len(starts)
            ties += any(np.sum(x[s:s + size] == x[s:s + size].max()) > 1 for s in starts)
            if stride < size:  # overlapping windows whose shared input wins both
                overlaps += np.argmax(x[:size]) == stride + np.argmax(x[stride:stride + size])
            uncovered += starts[-1] + size < len(x)
    assert min(ties, overlaps, uncovered) >= 20


# --- the explorers ----------------------------------------------------------------------------

@pytest.fixture(params=["conv", "pool"])
def explorer(request):
    return ConvExplorer() if request.param == "conv" else PoolExplorer()


def test_does_each_explorer_build_headless_and_redraw_when_moved(explorer):
    assert isinstance(explorer, widgets.VBox)
    assert bytes(explorer.picture.value).startswith(PNG_MAGIC)
    assert "<table>" in explorer.readout.value
    assert all(type(s) is widgets.FloatSlider for s in explorer.controls.values())
    slider, picture = next(iter(explorer.controls.values())), bytes(explorer.picture.value)
    for value in (1, 3, 4):
        slider.value = value
    assert bytes(explorer.picture.value) != picture


@pytest.mark.parametrize("k, m, readers", [(3, 0, 2), (3, 3, 3), (3, 6, 2), (4, 0, 2), (4, 6, 3),
                                           (5, 0, 3), (1, 6, 1)])
def test_does_the_conv_explorer_count_the_outputs_that_read_an_input(k, m, readers):
    numbers = ConvExplorer(k=k, m=m).numbers
    assert numbers[f"outputs reading x[{m}]"] == readers
    w = ConvExplorer.KERNEL[:k]
    before = padding(k)[0]
    used = [w[m - o + before] for o in range(7) if 0 <= m - o + before < k]
    assert numbers[f"dx[{m}] (dout = 1)"] == pytest.approx(sum(used))


@pytest.mark.parametrize("size, stride, outputs, unread, winners", [
    (2, 2, 4, 1, 4), (3, 2, 4, 0, 4), (4, 3, 2, 2, 2), (2, 1, 8, 0, 6), (1, 4, 3, 6, 3)])
def test_does_the_pool_explorer_count_outputs_unread_inputs_and_winners(size, stride, outputs,
                                                                         unread, winners):
    numbers = PoolExplorer(size=size, stride=stride).numbers
    assert (numbers["outputs"], numbers["inputs read by no window"],
            numbers["inputs with a gradient"]) == (outputs, unread, winners)


def _routed(size, stride, tie):
    """dx for every dout 1 on the pooling explorer's input, each window's 1 sent to its maxima as
    tie says: "first" or "last" of them, or "split" evenly among them."""
    x, dx = PoolExplorer.X, np.zeros(len(PoolExplorer.X))
    for s in range(0, len(x) - size + 1, stride):
        tied = s + np.flatnonzero(x[s:s + size] == x[s:s + size].max())
        pick = {"first": tied[:1], "last": tied[-1:], "split": tied}[tie]
        dx[pick] += 1 / len(pick)
    return dx


def test_does_the_pool_explorer_show_the_questions_answer_under_x6():
    """conv_pool_question_1: with size 4 and stride 1 the explorer writes the answer under x[6];
    each catalogued wrong answer is what another tie rule, the explorer's start or the box of
    x[5] shows."""
    question = EXERCISES["conv_pool_question_1"]
    (answer,) = question.expected({})
    wrong = {mistake.name: mistake.returns()[0] for mistake in question.mistakes}
    explorer = PoolExplorer(size=2, stride=2)
    assert float(explorer.gradients[6].get_text()) == wrong["not-moved"]
    explorer.controls["size"].value, explorer.controls["stride"].value = 4, 1
    assert float(explorer.gradients[6].get_text()) == answer == _routed(4, 1, "first")[6]
    assert float(explorer.gradients[5].get_text()) == wrong["read-x5"]
    assert _routed(4, 1, "last")[6] == wrong["tie-to-last"]
    assert _routed(4, 1, "split")[6] == wrong["ties-split"]
    assert len({answer, *wrong.values()}) == 1 + len(wrong)
