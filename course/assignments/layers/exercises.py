"""Assignment 07: the backward passes of layers on a batch in rows, and of a network made of them."""
import numpy as np

from course.assignments.layers.forward import (
    POINTWISE,
    euclidean_loss_forward,
    layer_values,
    linear_forward,
    random_params,
    relu_forward,
    tanh_forward,
)
from course.checks import Exercise, Mistake, keyed, leaving_unchanged
from course.exercises.kit import (
    BIAS_SUMS,
    LOSS_SIGN,
    choice_question,
    gradient_exercise,
    gradients_of,
    random_cases,
    scaled,
    sigmoid_from_output_mistakes,
    transposed,
)
from course.functions import sigmoid
from course.numgrad import input_gradients

NONLINEARITIES = ("tanh", "relu", "sigmoid")  # their codes in a network case: 0, 1, 2; 3: none
NETWORK_PARAMS = ("W1", "b1", "W2", "b2", "W3", "b3")


def _output(forward):
    """The output alone of a layer forward that returns (out, cache)."""
    return lambda **inputs: forward(**inputs)[0]


def _random_shape(rng):
    """A batch of 1 to 4 rows of 1 to 5 entries."""
    return tuple(int(size) for size in rng.integers((1, 1), (5, 6)))


def _pointwise_cases(rng, name="x"):
    cases = []
    for _ in range(3):
        shape = _random_shape(rng)
        cases += random_cases(rng, {name: shape, "dout": shape}, count=1)
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
    """Batches of 1 to 5 rows through layers of 1 to 6 inputs and outputs."""
    cases = []
    for _ in range(3):
        N, n, m = (int(size) for size in rng.integers(1, 7, size=3))
        cases += random_cases(rng, {"X": (min(N, 5), n), "W": (m, n), "b": (m,),
                                    "dout": (min(N, 5), m)}, count=1)
    return cases


def _loss_cases(rng):
    cases = []
    for _ in range(3):
        shape = _random_shape(rng)
        cases += random_cases(rng, {"X": shape, "Y": shape}, count=1)
    return cases


_LINEAR_GRADIENTS = gradients_of(_output(linear_forward), ("X", "W", "b"), "dout")


def _bias_gradient(db):
    """A mistake's returns: the expected dX and dW with db computed from dout (N, m) by db(dout)."""
    return lambda **case: (*_LINEAR_GRADIENTS(**case)[:2], db(case["dout"]))


linear_backward = gradient_exercise(
    "linear_backward", _output(linear_forward), ("X", "W", "b", "dout"), ("X", "W", "b"),
    upstream="dout", expect=_LINEAR_GRADIENTS,
    mistakes=(
        Mistake("dW-transposed", "dW came out transposed, as 06's D = X W would have it: here W "
                "is (m, n), one row per output, and a gradient has the shape of its variable. Redo "
                "the dimension analysis with dout (N, m) and X (N, n).",
                transposed(_LINEAR_GRADIENTS, 1)),
        Mistake("bias-not-summed", f"db has one row per example: {BIAS_SUMS}, and db has the "
                "shape of b.", _bias_gradient(lambda dout: dout)),
        Mistake("bias-averaged", f"db is the mean of the rows of dout: {BIAS_SUMS}, not their "
                "mean (a mean loss already put its 1/N into dout).",
                _bias_gradient(lambda dout: np.mean(dout, axis=0))),
        Mistake("bias-summed-over-outputs", f"db sums each row of dout, over the outputs: "
                f"{BIAS_SUMS}, one entry per output.",
                _bias_gradient(lambda dout: np.sum(dout, axis=1)))),
    visible=[{"X": np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 2.0]]),
              "W": np.array([[1.0, 0.0, 2.0], [-1.0, 3.0, 1.0], [0.5, -2.0, 1.5], [2.0, 1.0, -1.0]]),
              "b": np.array([0.5, -1.0, 0.0, 2.0]),
              "dout": np.array([[1.0, -2.0, 0.5, 1.5], [-1.0, 0.5, 2.0, 1.0]])},
             {"X": np.array([[1.0, 0.1]]), "W": np.array([[1.0, -3.0], [0.2, 1.0]]),
              "b": np.array([0.0, 0.0]), "dout": np.array([[-0.11866, 0.17108]])}],
    draw_hidden=_linear_cases,
    hint="each gradient has the shape of its variable: dimension analysis, as in 06, with W of "
         "shape (m, n); b is added to every row of the batch.")

tanh_backward = gradient_exercise(
    "tanh_backward", _output(tanh_forward), ("x", "dout"), ("x",), upstream="dout",
    visible=[{"x": np.array([[0.7, 0.3]]), "dout": np.array([[-0.18694, 0.18694]])},
             {"x": np.array([[-2.0, 0.5], [1.0, 3.0], [0.2, -0.8]]),
              "dout": np.array([[1.0, 2.0], [-1.0, 1.0], [0.5, -1.5]])}],
    draw_hidden=_pointwise_cases,
    hint="a pointwise layer sends each entry back on its own, scaled by the layer's slope at that "
         "entry (the table above).",
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
    visible=[{"x": np.array([[-2.0, 0.0, 1.5, 3.0]]), "dout": np.array([[1.0, 2.0, 3.0, -1.0]])},
             {"x": np.array([[1.0, -0.5], [0.0, 2.0], [-1.5, 0.5]]),
              "dout": np.array([[-1.0, 2.0], [3.0, 0.5], [1.0, -2.0]])}],
    expect=_relu_expect, draw_hidden=_relu_cases,
    hint="which entries a ReLU lets through depends on the sign of its input, with the "
         "course's convention at 0.",
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

_SIGMOID_GRADIENT = gradients_of(_output(lambda x: (sigmoid(x), None)), ("x",), "dout")


def _sigmoid_gradient(out, dout):
    """(dx,) of the sigmoid layer whose output is out: centered differences of sigma at the input
    that gives out, x = log(out / (1 - out)), times dout."""
    return _SIGMOID_GRADIENT(x=np.log(out / (1 - out)), dout=dout)


def _output_cases(rng):
    """Random batches of sigmoid outputs strictly between 0 and 1, away from the flat ends."""
    cases = _pointwise_cases(rng, name="out")
    for case in cases:
        case["out"] = rng.uniform(0.05, 0.95, size=case["out"].shape)
    return cases


sigmoid_layer_backward = Exercise(
    name="sigmoid_layer_backward", arguments=("out", "dout"), outputs=("dx",),
    expect=_sigmoid_gradient,
    visible=({"out": np.array([[0.5, 0.8, 0.2]]), "dout": np.array([[1.0, 2.0, 0.5]])},
             {"out": np.array([[0.6, 0.3], [0.9, 0.15], [0.4, 0.7]]),
              "dout": np.array([[1.0, -2.0], [0.5, 1.0], [-1.5, 2.0]])}),
    draw_hidden=_output_cases,
    hint="the sigmoid's slope is a function of its output alone, and out is that output.",
    mistakes=sigmoid_from_output_mistakes("layer", _sigmoid_gradient))

_LOSS_GRADIENT = gradients_of(_output(euclidean_loss_forward), ("X",))

euclidean_loss_backward = gradient_exercise(
    "euclidean_loss_backward", _output(euclidean_loss_forward), ("X", "Y"), ("X",),
    expect=_LOSS_GRADIENT,
    mistakes=(
        Mistake("sign-flipped", f"the sign is flipped: {LOSS_SIGN}.",
                scaled(_LOSS_GRADIENT, -1.0)),
        Mistake("doubled", "the gradient is twice too large: the 1/2 in each example's "
                "1/2 ||x - y||^2 is there to cancel the 2 of the square.",
                scaled(_LOSS_GRADIENT, 2.0)),
        Mistake("summed-not-mean", "this is the gradient of the summed loss, N times too large: the "
                "loss is the mean over the N rows of the batch, so each row's gradient carries "
                "its 1/N.", scaled(_LOSS_GRADIENT, lambda X, Y: len(X))),
        Mistake("averaged-over-entries", "the gradient was divided by the number of entries: the "
                "loss is a mean over the examples (the rows) only; within a row the squares "
                "add up.", scaled(_LOSS_GRADIENT, lambda X, Y: len(X) / np.size(X)))),
    visible=[{"X": np.array([[1.0, 2.0], [3.0, 0.5], [-1.0, 2.0]]),
              "Y": np.array([[0.0, 2.5], [5.0, 1.5], [1.0, -1.0]])},
             {"X": np.array([[0.3131]]), "Y": np.array([[0.5]])}],
    draw_hidden=_loss_cases,
    hint="differentiate each example's half squared distance, mind the sign, then remember that "
         "the loss is a mean over the rows.")


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
    order (raises ContractBroken when they are not a dict holding each of them, ArgumentChanged
    when the call changed the layers or the params)."""
    arguments = {"layers": network_layers(case["act1"], case["act2"]),
                 "params": {name: case[name] for name in NETWORK_PARAMS},
                 "X": case["X"], "Y": case["Y"]}
    grads = leaving_unchanged("network_backward", functions[0], arguments)
    return keyed("network_backward", "grads", grads, NETWORK_PARAMS)


def _network_gradients(act1, act2, X, Y, top=None, unit_slopes=False, **params):
    """The gradients of a network case in NETWORK_PARAMS order, by centered differences of its
    loss; or as a mistaken backward pass computes them: with top(out, Y) in place of the loss on
    the last output, or (unit_slopes) with every non-linearity keeping its values but taking
    slope 1, so that its gradient passes through unchanged."""
    layers = network_layers(act1, act2)
    top = top or (lambda out, Y: euclidean_loss_forward(out, Y)[0])
    inputs = layer_values(layers, params, X)   # the input of every layer at the case

    def loss(**p):
        out = X
        for (kind, *names), at in zip(layers, inputs):
            if kind == "linear":
                out = linear_forward(out, *(p[name] for name in names))[0]
            elif unit_slopes:   # its value at the case, plus the nudge of its input
                out = POINTWISE[kind](at)[0] + (out - at)
            else:
                out = POINTWISE[kind](out)[0]
        return top(out, Y)
    return input_gradients(loss, params, NETWORK_PARAMS)


def _network_case(rng, act1, act2, sizes, rows, digits=None):
    """A network case: a batch of rows inputs; sizes are the input size and the output sizes of
    the 3 linear layers."""
    layers = network_layers(act1, act2)
    case = {"X": rng.uniform(-1.5, 1.5, size=(rows, sizes[0])),
            "Y": rng.uniform(-1, 1, size=(rows, sizes[-1])), **random_params(layers, sizes, rng)}
    if digits is not None:
        case = {name: np.round(value, digits) for name, value in case.items()}
    return {"act1": float(act1), "act2": float(act2), **case}


def near_kink(case, margin=1e-3):
    """Whether some input of a ReLU of the case's network lies within margin of 0, where
    centered differences straddle the kink."""
    layers = network_layers(case["act1"], case["act2"])
    params = {name: case[name] for name in NETWORK_PARAMS}
    inputs = layer_values(layers, params, case["X"])
    return any(layer == ("relu",) and np.min(np.abs(at)) < margin
               for layer, at in zip(layers, inputs))


def _network_cases(rng):
    cases = []
    while len(cases) < 3:
        act1, act2 = (int(code) for code in rng.integers(0, 4, size=2))
        case = _network_case(rng, act1, act2, [int(s) for s in rng.integers(1, 5, size=4)],
                             rows=int(rng.integers(1, 5)))
        if not near_kink(case):
            cases.append(case)
    return cases


network_backward = Exercise(
    name="network_backward", arguments=("layers", "params", "X", "Y"),
    outputs=tuple("d" + name for name in NETWORK_PARAMS),
    visible=(_network_case(np.random.default_rng(2), 0, 1, (3, 4, 3, 2), rows=3, digits=1),
             _network_case(np.random.default_rng(3), 2, 0, (2, 3, 3, 1), rows=2, digits=1)),
    draw_hidden=_network_cases, expect=_network_gradients, call=_network_call,
    hint="a network's backward pass is a walk: where does the gradient start, and what does each "
         "layer hand to the one below? (act1, act2 in the check: 0 tanh, 1 relu, 2 sigmoid, "
         "3 none.)",
    mistakes=(
        Mistake("loss-sign-flipped", f"every gradient has the wrong sign: {LOSS_SIGN}. Call "
                "euclidean_loss_backward with the output first, then the target.",
                scaled(_network_gradients, -1.0)),
        Mistake("no-loss-gradient", "the walk did not start at the loss: the gradient arriving at "
                "the last layer is the loss's gradient on the output (from euclidean_loss_backward "
                "on the loss's cache), not 1.",
                lambda **case: _network_gradients(**case, top=lambda out, Y: np.sum(out))),
        Mistake("skipped-nonlinearities", "the gradients went through the non-linearities "
                "unchanged: each one is a layer of the walk too, and multiplies dout by its slope "
                "(its backward pass).",
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
