"""Assignment 07: the backward passes of layers, and of a network made of them."""
import numpy as np

from course.assignments.layers.forward import (
    POINTWISE,
    euclidean_loss_forward,
    linear_forward,
    network_forward,
    random_params,
    relu_forward,
    sigmoid_forward,
    tanh_forward,
)
from course.checks import Exercise, Mistake, keyed
from course.exercises.kit import (
    LOSS_SIGN,
    SIGMOID_SLOPE_MISTAKES,
    choice_question,
    gradient_exercise,
    gradients_of,
    random_cases,
    scaled,
    transposed,
)
from course.numgrad import input_gradients

NONLINEARITIES = ("tanh", "relu", "sigmoid")  # their codes in a network case: 0, 1, 2; 3: none
NETWORK_PARAMS = ("W1", "b1", "W2", "b2", "W3", "b3")


def _output(forward):
    """The output alone of a layer forward that returns (out, cache)."""
    return lambda **inputs: forward(**inputs)[0]


def _random_shape(rng):
    """A vector of 1 to 6 entries, or a matrix of 2 to 3 rows and columns."""
    if rng.random() < 0.5:
        return (int(rng.integers(1, 7)),)
    return tuple(int(size) for size in rng.integers(2, 4, size=2))


def _pointwise_cases(rng):
    cases = []
    for _ in range(3):
        shape = _random_shape(rng)
        cases += random_cases(rng, {"x": shape, "dout": shape}, count=1)
    return cases


def _relu_expect(x, dout):
    """Centered differences away from the kink; at x == 0 exactly, the course's convention
    relu'(0) = 1, so dout passes through there."""
    numerical, = input_gradients(_output(relu_forward), {"x": x}, ("x",), dout)
    return (np.where(np.asarray(x) == 0.0, dout, numerical),)


def _relu_cases(rng):
    """Random cases with some inputs exactly 0, where the convention decides."""
    cases = _pointwise_cases(rng)
    for case in cases:
        zeros = rng.random(case["x"].shape) < 0.3
        case["x"] = np.where(zeros, 0.0, case["x"])
    return cases


def _linear_cases(rng):
    cases = []
    for _ in range(3):
        n, m = (int(size) for size in rng.integers(1, 7, size=2))
        cases += random_cases(rng, {"x": (n,), "W": (m, n), "b": (m,), "dout": (m,)}, count=1)
    return cases


def _loss_cases(rng):
    cases = []
    for _ in range(3):
        n = int(rng.integers(1, 7))
        cases += random_cases(rng, {"x": (n,), "y": (n,)}, count=1)
    return cases


_LINEAR_GRADIENTS = gradients_of(_output(linear_forward), ("x", "W", "b"), "dout")

linear_backward = gradient_exercise(
    "linear_backward", _output(linear_forward), ("x", "W", "b", "dout"), ("x", "W", "b"),
    upstream="dout", expect=_LINEAR_GRADIENTS,
    mistakes=(
        Mistake("dW-transposed", "dW is transposed: it has the shape of W, (m, n), so it is the "
                "outer product of dout (size m) with x (size n), in that order.",
                transposed(_LINEAR_GRADIENTS, 1)),
        Mistake("db-summed", "db was summed over the outputs: each output has its own bias, so "
                "db = dout, entry by entry (summing is for a batch, whose rows share b).",
                lambda **case: (*_LINEAR_GRADIENTS(**case)[:2], np.sum(case["dout"])))),
    visible=[{"x": np.array([1.0, 2.0, -1.0]), "W": np.array([[1.0, 0.0, 2.0], [-1.0, 3.0, 1.0]]),
              "b": np.array([0.5, -1.0]), "dout": np.array([1.0, -2.0])},
             {"x": np.array([1.0, 0.1]), "W": np.array([[1.0, -3.0], [0.2, 1.0]]),
              "b": np.array([0.0, 0.0]), "dout": np.array([-0.11866, 0.17108])}],
    draw_hidden=_linear_cases,
    hint="out_i = sum_j W_ij x_j + b_i: dx = W^T dout (shape of x), dW is the outer product "
         "of dout and x (shape of W), and db = dout.")

tanh_backward = gradient_exercise(
    "tanh_backward", _output(tanh_forward), ("x", "dout"), ("x",), upstream="dout",
    visible=[{"x": np.array([0.7, 0.3]), "dout": np.array([-0.18694, 0.18694])},
             {"x": np.array([[-2.0, 0.0], [1.0, 3.0]]),
              "dout": np.array([[1.0, 2.0], [-1.0, 1.0]])}],
    draw_hidden=_pointwise_cases,
    hint="tanh'(x) = 1 - tanh(x)^2, elementwise; multiply it by dout entry by entry.",
    mistakes=(
        Mistake("pre-activation", "1 - x^2 squares the layer's input: the slope is tanh'(x) = "
                "1 - tanh(x)^2, one minus the square of the output.",
                lambda x, dout: ((1 - x**2) * dout,)),
        Mistake("tanh-not-derivative", "tanh(x) is the layer's output, not its slope: tanh'(x) = "
                "1 - tanh(x)^2.", lambda x, dout: (np.tanh(x) * dout,)),
        Mistake("like-sigmoid", "tanh(x) (1 - tanh(x)) is the sigmoid's rule: the slope of tanh is "
                "1 - tanh(x)^2.", lambda x, dout: (np.tanh(x) * (1 - np.tanh(x)) * dout,))))

relu_backward = gradient_exercise(
    "relu_backward", _output(relu_forward), ("x", "dout"), ("x",), upstream="dout",
    visible=[{"x": np.array([-2.0, 0.0, 1.5, 3.0]), "dout": np.array([1.0, 2.0, 3.0, -1.0])},
             {"x": np.array([[1.0, -0.5], [0.0, 2.0]]), "dout": np.array([[-1.0, 2.0], [3.0, 0.5]])}],
    expect=_relu_expect, draw_hidden=_relu_cases,
    hint="the ReLU passes dout where x >= 0 (x = 0 included: the course's convention) and "
         "blocks it, 0, where x < 0.",
    mistakes=(
        Mistake("blocked-at-zero", "at x = 0 the gradient was blocked: the course's convention is "
                "relu'(0) = 1, so dout passes where x >= 0, not only where x > 0.",
                lambda x, dout: (np.where(x == 0, 0.0, _relu_expect(x, dout)[0]),)),
        Mistake("relu-of-dout", "the ReLU was applied to dout: what decides is the sign of the "
                "layer's input x, not of dout. dout passes where x >= 0 and is blocked where x < 0.",
                lambda x, dout: (np.maximum(0.0, dout),)),
        Mistake("output-not-slope", "dout was multiplied by max(0, x), the layer's output: the "
                "ReLU's slope is 1 where x >= 0 and 0 where x < 0.",
                lambda x, dout: (relu_forward(x)[0] * dout,))))

sigmoid_layer_backward = gradient_exercise(
    "sigmoid_layer_backward", _output(sigmoid_forward), ("x", "dout"), ("x",), upstream="dout",
    visible=[{"x": np.array([0.0, 1.0, -2.0]), "dout": np.array([1.0, 1.0, 0.5])},
             {"x": np.array([[0.5, -1.0], [2.0, 3.0]]), "dout": np.array([[1.0, -2.0], [0.5, 1.0]])}],
    draw_hidden=_pointwise_cases,
    hint="sigma'(x) = sigma(x) (1 - sigma(x)), elementwise; multiply it by dout entry by entry.",
    mistakes=SIGMOID_SLOPE_MISTAKES)

_LOSS_GRADIENT = gradients_of(_output(euclidean_loss_forward), ("x",))

euclidean_loss_backward = gradient_exercise(
    "euclidean_loss_backward", _output(euclidean_loss_forward), ("x", "y"), ("x",),
    expect=_LOSS_GRADIENT,
    mistakes=(
        Mistake("sign-flipped", f"the sign is flipped: {LOSS_SIGN}. dL/dx = x - y.",
                scaled(_LOSS_GRADIENT, -1.0)),
        Mistake("doubled", "the gradient is twice too large: the 1/2 in L = 1/2 ||x - y||^2 is "
                "there to cancel the 2 of the square, so dL/dx = x - y.",
                scaled(_LOSS_GRADIENT, 2.0)),
        Mistake("averaged", "the gradient was divided by the number of entries: L is a sum over "
                "the entries, not a mean, so dL/dx = x - y entry by entry.",
                scaled(_LOSS_GRADIENT, lambda x, y: 1.0 / np.size(x)))),
    visible=[{"x": np.array([0.3131]), "y": np.array([0.5])},
             {"x": np.array([1.0, 2.0, 3.0]), "y": np.array([0.0, 2.0, 5.0])}],
    draw_hidden=_loss_cases,
    hint="d/dx of 1/2 (x - y)^2 is x - y, entry by entry: positive where x is above its target.")


def network_layers(act1, act2):
    """The layer list of a network case: linear, act1, linear, act2, linear; act codes index
    NONLINEARITIES (0 tanh, 1 relu, 2 sigmoid), 3 leaves that place without a non-linearity."""
    layers = [("linear", "W1", "b1")]
    for code, names in ((act1, ("W2", "b2")), (act2, ("W3", "b3"))):
        if int(code) < len(NONLINEARITIES):
            layers.append((NONLINEARITIES[int(code)],))
        layers.append(("linear", *names))
    return layers


def _network_call(functions, case):
    """Call network_backward on the case's network; return its gradients in NETWORK_PARAMS
    order (raises ContractBroken when they are not a dict holding each of them)."""
    layers = network_layers(case["act1"], case["act2"])
    params = {name: case[name] for name in NETWORK_PARAMS}
    return keyed("network_backward", "grads", functions[0](layers, params, case["x"], case["y"]),
                 NETWORK_PARAMS)


def _network_gradients(act1, act2, x, y, top=None, unit_slopes=False, **params):
    """The gradients of a network case in NETWORK_PARAMS order, by centered differences of its
    loss; or as a mistaken backward pass computes them: with top(out, y) in place of the loss on
    the last output, or (unit_slopes) with every non-linearity keeping its values but taking
    slope 1, so that its gradient passes through unchanged."""
    layers = network_layers(act1, act2)
    top = top or (lambda out, y: euclidean_loss_forward(out, y)[0])
    caches = network_forward(layers, params, x, y)[1]

    def loss(**p):
        out = x
        for (kind, *names), cache in zip(layers, caches):
            if kind == "linear":
                out = linear_forward(out, *(p[name] for name in names))[0]
            elif unit_slopes:   # its value at the case, plus the nudge of its input
                out = POINTWISE[kind](cache[0])[0] + (out - cache[0])
            else:
                out = POINTWISE[kind](out)[0]
        return top(out, y)
    return input_gradients(loss, params, NETWORK_PARAMS)


def _network_case(rng, act1, act2, sizes, digits=None):
    """A network case: sizes are the input size and the output sizes of the 3 linear layers."""
    layers = network_layers(act1, act2)
    case = {"x": rng.uniform(-1.5, 1.5, size=sizes[0]), "y": rng.uniform(-1, 1, size=sizes[-1]),
            **random_params(layers, sizes, rng)}
    if digits is not None:
        case = {name: np.round(value, digits) for name, value in case.items()}
    return {"act1": float(act1), "act2": float(act2), **case}


def near_kink(case, margin=1e-3):
    """Whether some input of a ReLU of the case's network lies within margin of 0, where
    centered differences straddle the kink."""
    layers = network_layers(case["act1"], case["act2"])
    params = {name: case[name] for name in NETWORK_PARAMS}
    caches = network_forward(layers, params, case["x"], case["y"])[1]
    return any(layer == ("relu",) and np.min(np.abs(cache[0])) < margin
               for layer, cache in zip(layers, caches))


def _network_cases(rng):
    cases = []
    while len(cases) < 3:
        act1, act2 = (int(code) for code in rng.integers(0, 4, size=2))
        case = _network_case(rng, act1, act2, [int(s) for s in rng.integers(1, 5, size=4)])
        if not near_kink(case):
            cases.append(case)
    return cases


network_backward = Exercise(
    name="network_backward", arguments=("layers", "params", "x", "y"),
    outputs=tuple("d" + name for name in NETWORK_PARAMS),
    visible=(_network_case(np.random.default_rng(2), 0, 1, (3, 4, 3, 2), digits=1),
             _network_case(np.random.default_rng(3), 2, 0, (2, 3, 3, 1), digits=1)),
    draw_hidden=_network_cases, expect=_network_gradients, call=_network_call,
    hint="run network_forward for the caches, start from the loss's backward, then walk the "
         "layers in reverse, feeding each one's dx to the layer below and keeping dW, db by "
         "name (act1, act2 in the check: 0 tanh, 1 relu, 2 sigmoid, 3 none).",
    mistakes=(
        Mistake("loss-sign-flipped", f"every gradient has the wrong sign: {LOSS_SIGN}. Call "
                "euclidean_loss_backward with the output first, then the target.",
                scaled(_network_gradients, -1.0)),
        Mistake("no-loss-gradient", "the walk did not start at the loss: the gradient arriving at "
                "the last layer is the loss's gradient on the output (output minus target, from "
                "euclidean_loss_backward on the loss's cache), not 1.",
                lambda **case: _network_gradients(**case, top=lambda out, y: np.sum(out))),
        Mistake("skipped-nonlinearities", "the gradients went through the non-linearities "
                "unchanged: each one is a layer of the walk too, and multiplies dout by its slope "
                "at its input (its backward pass).",
                lambda **case: _network_gradients(**case, unit_slopes=True))))

layers_question_1 = choice_question(
    "layers_question_1", ("tanh", "sigmoid", "same"), "sigmoid",
    hint="in the explorer, pick tanh, set x to 2 and read h'(x); then pick the sigmoid at the "
         "same x and compare.",
    wrong=(("tanh-larger-everywhere", "tanh", "tanh passes 1 at x = 0, four times the sigmoid's "
            "1/4, but that is at 0: read h'(x) for both layers at x = 2 itself."),
           ("saturate-alike", "same", "both saturate, but not equally fast: read h'(x) for both "
            "layers at x = 2 and compare the numbers.")))

EXERCISES = (linear_backward, tanh_backward, relu_backward, sigmoid_layer_backward, layers_question_1,
             euclidean_loss_backward, network_backward)
