"""Assignment 11: backward passes of same-length 1-D convolution and of 1-D max pooling.

Conventions are those of the forward module (padding, windows, ties to the first maximum).
"""
import numpy as np

from course.assignments.conv_pool.forward import (
    conv1d,
    maxpool1d,
    padding,
    pool_input_gradient,
    tie_broken,
    window_starts,
)
from course.checks import Exercise, Mistake
from course.exercises.kit import gradient_exercise, gradients_of, number_question
from course.numgrad import input_gradients


def _conv_cases(rng):
    """Random lengths; kernels odd and even, from 1 to N - 1; one case whose gradient arrives only
    at the first and last outputs (the boundaries)."""
    cases = []
    for k in (int(rng.integers(1, 4)) * 2, int(rng.integers(1, 4)) * 2 + 1, None, "ends"):
        N = int(rng.integers(2, 13)) if k in (None, "ends") else int(rng.integers(k + 1, 13))
        size = int(rng.integers(1, N)) if k in (None, "ends") else k
        dout = rng.uniform(-2, 2, N)
        if k == "ends":
            dout[1:-1] = 0.0
        cases.append({"x": rng.uniform(-2, 2, N), "w": rng.uniform(-2, 2, size), "dout": dout})
    return cases


_CONV_GRADIENTS = gradients_of(conv1d, ("x", "w"), "dout")


def _padded_gradient(x, w, dout):
    """The gradient on the padded input (length N + k - 1, padding zeros included), by centered
    differences of the convolution written on the padded input."""
    padded = np.pad(x, padding(len(w)))
    return input_gradients(lambda p: np.correlate(p, w, "valid"), {"p": padded}, ("p",), dout)[0]


def _cut(cut):
    """A mistake's returns: dx cut from the padded gradient dp by cut(dp, n), and the right dw."""
    return lambda x, w, dout: (cut(_padded_gradient(x, w, dout), len(x)),
                               _CONV_GRADIENTS(x=x, w=w, dout=dout)[1])


conv1d_backward = gradient_exercise(
    "conv1d_backward", conv1d, ("x", "w", "dout"), ("x", "w"), upstream="dout",
    expect=_CONV_GRADIENTS,
    mistakes=(
        Mistake("padding-swapped", "the zeros are at the wrong ends for an even kernel: "
                "padding(k) puts (k - 1) // 2 of them before x and k // 2 after it; pad and cut "
                "with those two numbers.",
                # the swapped padding is that of x and w reversed, read backwards
                gradients_of(lambda x, w: conv1d(x[::-1], w[::-1])[::-1], ("x", "w"), "dout")),
        Mistake("kernel-flipped", "the kernel was used back to front: this convolution does not "
                "flip it (output i is sum_j w[j] * padded[i + j]), so dout[i] * w[j] goes to padded "
                "position i + j and dw[j] collects dout[i] * padded[i + j], with the same j.",
                gradients_of(lambda x, w: conv1d(x, w[::-1]), ("x", "w"), "dout")),
        Mistake("cut-from-the-start", "dx was cut from the start of the padded gradient, whose "
                "first entries belong to the zeros before x: dx[m] is the padded gradient at "
                "m + (zeros before).", _cut(lambda dp, n: dp[:n])),
        Mistake("padding-kept", "dx kept the gradient on the padding zeros: they are constants, "
                "not inputs, so cut their entries off (dx has the shape of x).",
                _cut(lambda dp, n: dp))),
    # the first kernel is neither symmetric nor antisymmetric: read back to front it is neither
    # w nor -w, so a flipped kernel cannot pass for a right or a negated gradient
    visible=[{"x": np.array([1.0, 2.0, 3.0, 4.0, 5.0]), "w": np.array([2.0, 0.5, -1.5]),
              "dout": np.array([1.0, -2.0, 0.5, 3.0, -1.5])},
             {"x": np.array([2.0, -1.0, 0.5, 3.0]), "w": np.array([1.0, 2.0]),
              "dout": np.array([1.0, 0.0, 0.0, -2.0])},
             {"x": np.array([1.0, -2.0, 0.0, 4.0, 1.0, 3.0]), "w": np.array([0.5, -1.0, 2.0, 1.0]),
              "dout": np.array([1.0, -1.0, 2.0, 0.5, 0.0, 1.5])}],
    draw_hidden=_conv_cases,
    hint="every output is a sum of products of a weight and a padded input, so each product is "
         "a multiply gate (it swaps); every weight and every input is read by several outputs, "
         "a fork whose gradients add; the padding zeros are constants, so what reaches them is "
         "dropped and dx has the shape of x.")


def _pool_cases(rng):
    """Random lengths, sizes and strides: overlapping windows whose shared input wins both, gaps
    between windows, inputs after the last window, values with one decimal so that ties are
    common, and one all-equal input."""
    cases = []
    for kind in ("overlap", "gap", "any", "flat"):
        N = int(rng.integers(3, 13))
        size = int(rng.integers(1 if kind in ("gap", "any") else 2, min(N, 4) + 1))
        if kind == "overlap":
            stride = int(rng.integers(1, size))
        else:
            stride = size + 1 if kind == "gap" else int(rng.integers(1, size + 2))
        x = np.full(N, float(rng.integers(-2, 3))) if kind == "flat" else np.round(
            rng.uniform(-1, 1, N), 1)
        if kind == "overlap":  # one input wins the first two windows: its gradients add
            x[stride] = round(float(x.max()) + 0.5, 1)
        count = (N - size) // stride + 1
        cases.append({"x": x, "dout": rng.uniform(-2, 2, count), "size": size, "stride": stride})
    return cases


def _last_tie_routed(x, dout, size, stride):
    """dx with a tied window's gradient sent to its last maximum: centered differences on x
    nudged so that among equal values the last is the largest."""
    nudged, h = tie_broken(-np.asarray(x))
    return input_gradients(lambda x: maxpool1d(x, int(size), int(stride)), {"x": -nudged},
                           ("x",), dout, h=h)


def _winners(x, size, stride):
    """(start, index in x of its winner) of every window, each winner read off the measured
    gradient of that window's output alone."""
    starts = window_starts(len(x), int(size), int(stride))
    alone = np.eye(len(starts))
    return [(start, int(np.argmax(pool_input_gradient(x, alone[i], size, stride))))
            for i, start in enumerate(starts)]


def _window_by_window(targets, add=True):
    """A mistake's returns: dx of a pass that, window by window, sends dout[i] to the inputs
    targets(start, winner, size) (an index or a slice of x), added, or assigned when not add."""
    def returns(x, dout, size, stride):
        dx = np.zeros(len(x))
        for gradient, (start, winner) in zip(dout, _winners(x, size, stride)):
            where = targets(start, winner, int(size))
            dx[where] = dx[where] + gradient if add else gradient
        return (dx,)
    return returns


def _last_window_lost(x, dout, size, stride):
    """dx when the windows stop one start early: the last window is lost when it ends exactly at
    the end of x."""
    dout = np.array(dout, dtype=float)
    if (len(x) - int(size)) % int(stride) == 0:
        dout[-1] = 0.0
    return (pool_input_gradient(x, dout, size, stride),)


def _stepped_by_size(x, dout, size, stride):
    """dx when the windows start at 0, size, 2 size, ... (stepped by their size, not by the
    stride), dout[i] going to the winner of the i-th of them; raises IndexError where there are
    more of those windows than entries of dout (the mistaken code fails there too)."""
    count = len(window_starts(len(x), int(size), int(size)))
    if count > len(dout):
        raise IndexError("more windows than gradients")
    return (pool_input_gradient(x, np.asarray(dout)[:count], size, size),)


maxpool1d_backward = Exercise(
    name="maxpool1d_backward", arguments=("x", "dout", "size", "stride"), outputs=("dx",),
    visible=({"x": np.array([1.0, 3.0, 3.0, 2.0, 5.0, 0.0, 4.0]), "dout": np.array([1.0, 2.0, 3.0]),
              "size": 2, "stride": 2},
             {"x": np.array([1.0, 4.0, 2.0, 0.0, 3.0, 1.0]), "dout": np.array([1.0, 2.0, 3.0, 4.0]),
              "size": 3, "stride": 1},
             {"x": np.array([2.0, 2.0, 1.0, 2.0]), "dout": np.array([1.0, 1.0]),
              "size": 3, "stride": 1},
             {"x": np.array([0.0, 1.0, 5.0, 1.0, 0.0]), "dout": np.array([1.0, 2.0]),
              "size": 3, "stride": 2}),
    draw_hidden=_pool_cases,
    expect=lambda x, dout, size, stride: (pool_input_gradient(x, dout, size, stride),),
    call=lambda functions, case: functions[0](case["x"], case["dout"], int(case["size"]),
                                              int(case["stride"])),
    hint="each output's gradient goes whole to the input that won its window (the first one on a "
         "tie); add when an input wins two overlapping windows; inputs that win nothing get 0.",
    mistakes=(
        Mistake("tie-to-last", "on a tie the gradient went to the last maximum of the window: the "
                "course's rule sends it to the first one (the one np.argmax picks).",
                _last_tie_routed),
        Mistake("overlap-overwritten", "an input that won two overlapping windows kept only the "
                "last window's gradient: its gradients from both windows add (+=, not =).",
                _window_by_window(lambda start, winner, size: winner, add=False)),
        Mistake("stepped-by-size", "the windows were stepped by their size, not by the stride: "
                "window i starts at i * stride, so with a stride smaller than the size they "
                "overlap, and there are as many of them as entries of dout.", _stepped_by_size),
        Mistake("last-window-lost", "the last window got no gradient: windows start at 0, "
                "stride, 2 stride, ... for as long as they fit, and one that ends exactly at the "
                "end of x fits.", _last_window_lost),
        Mistake("offset-forgotten", "the winner's place inside its window was used as its index in "
                "x: the window starting at s covers x[s : s + size], so its winner sits at s plus "
                "that place.", _window_by_window(lambda start, winner, size: winner - start)),
        Mistake("whole-window", "the gradient went to every input of the window: max pooling "
                "routes it whole to the one maximum of each window, and the others get 0.",
                _window_by_window(lambda start, winner, size: slice(start, start + size)))))

conv_pool_question_1 = number_question(
    "conv_pool_question_1", 0.0, 0.25,
    hint="in the pooling explorer, set the window size to 4 and the stride to 1, then read the "
         "gradient written under x[6], the seventh input (x[0] is the first).",
    wrong=(("tie-to-last", 3.0, "3 is what x[6] would get if a tied window sent its gradient to "
            "its last maximum; the course's rule sends it to the first: read the number under "
            "x[6] in the explorer."),
           ("ties-split", 1.5, "splitting a tied window's gradient evenly is a valid choice too, "
            "but not the course's, which sends all of it to the first maximum: read the number "
            "under x[6]."),
           ("not-moved", 1.0, "1 is what x[6] gets at the explorer's start, size 2 and stride 2: "
            "set the window size to 4 and the stride to 1 first."),
           ("read-x5", 4.0, "4 is under x[5], the first of the two 5s: x[6] is the next box "
            "to the right.")))

EXERCISES = (conv1d_backward, conv_pool_question_1, maxpool1d_backward)
