"""Assignment 11: backward passes of same-length 1-D convolution and of 1-D max pooling.

Conventions are those of course.conv_pool (padding, windows, ties to the first maximum).
"""
import numpy as np

from course.checks import Exercise
from course.conv_pool import conv1d, pool_input_gradient
from course.exercises.kit import gradient_exercise


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


conv1d_backward = gradient_exercise(
    "conv1d_backward", conv1d, ("x", "w", "dout"), ("x", "w"), upstream="dout",
    visible=[{"x": np.array([1.0, 2.0, 3.0, 4.0, 5.0]), "w": np.array([1.0, 0.0, -1.0]),
              "dout": np.ones(5)},
             {"x": np.array([2.0, -1.0, 0.5, 3.0]), "w": np.array([1.0, 2.0]),
              "dout": np.array([1.0, 0.0, 0.0, -2.0])},
             {"x": np.array([1.0, -2.0, 0.0, 4.0, 1.0, 3.0]), "w": np.array([0.5, -1.0, 2.0, 1.0]),
              "dout": np.array([1.0, -1.0, 2.0, 0.5, 0.0, 1.5])}],
    draw_hidden=_conv_cases,
    hint="output i used w[j] * padded[i + j]: send dout[i] * w[j] to padded position i + j and "
         "dout[i] * padded[i + j] to w[j], adding over all i and j; then drop the padded "
         "positions, which are constants.")


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


maxpool1d_backward = Exercise(
    name="maxpool1d_backward", arguments=("x", "dout", "size", "stride"), outputs=("dx",),
    visible=({"x": np.array([1.0, 3.0, 3.0, 2.0, 5.0, 0.0, 4.0]), "dout": np.array([1.0, 2.0, 3.0]),
              "size": 2, "stride": 2},
             {"x": np.array([2.0, 2.0, 1.0, 2.0]), "dout": np.array([1.0, 1.0]),
              "size": 3, "stride": 1},
             {"x": np.array([0.0, 1.0, 5.0, 1.0, 0.0]), "dout": np.array([1.0, 2.0]),
              "size": 3, "stride": 2}),
    draw_hidden=_pool_cases,
    expect=lambda x, dout, size, stride: (pool_input_gradient(x, dout, size, stride),),
    call=lambda functions, case: functions[0](case["x"], case["dout"], int(case["size"]),
                                              int(case["stride"])),
    hint="each output's gradient goes whole to the input that won its window (the first one on a "
         "tie); add when an input wins two overlapping windows; inputs that win nothing get 0.")

EXERCISES = (conv1d_backward, maxpool1d_backward)
