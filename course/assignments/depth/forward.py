"""Assignment 18's forward passes: a deep stack of fully connected layers, h_l = f(h_(l-1) W_l),
and the norm of the gradient reaching each layer's input; the residual block y = x + tanh(x W).

The stack's backward pass here is the plain chain of 07_layers (no skip): it is what the
pictures and the explorer show, not an exercise's answer."""
import numpy as np

# name -> (f, f' written in terms of f's output a)
ACTIVATIONS = {
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda a: a * (1 - a)),
    "tanh": (np.tanh, lambda a: 1 - a * a),
    "relu": (lambda z: np.maximum(z, 0.0), lambda a: (a > 0).astype(float)),
}
WIDTH, BATCH = 64, 32   # every layer is WIDTH x WIDTH; BATCH examples go through it
# initialisations as stack_weights' scale: a standard deviation of 0.01, Xavier's, He's
SCALES = {"std 0.01": 0.01 * np.sqrt(WIDTH), "Xavier": 1.0, "He": float(np.sqrt(2.0))}


def residual_forward(x, W):
    """The residual block: x (N, D), W (D, D) -> x + tanh(x W), (N, D)."""
    return x + np.tanh(x @ W)


def stack_weights(depth, scale, seed=0, width=WIDTH):
    """depth weight matrices (width, width), entries normal with mean 0 and standard deviation
    scale / sqrt(width): scale 1 is Xavier's variance for square layers, sqrt(2) He's."""
    rng = np.random.default_rng(seed)
    return [rng.normal(0.0, scale / np.sqrt(width), size=(width, width)) for _ in range(depth)]


def stack_inputs(seed=0, width=WIDTH, batch=BATCH):
    """(x, g): the inputs (batch, width) and the gradient arriving at the top (batch, width), both
    standard normal, so the loss is sum(g * top)."""
    rng = np.random.default_rng(seed + 1)
    return rng.normal(size=(batch, width)), rng.normal(size=(batch, width))


def stack_gradient_norms(activation, weights, x, g):
    """The Frobenius norm of dL/dh_(l-1), the gradient on layer l's input, for each layer
    l = 1 .. depth of the stack h_l = f(h_(l-1) W_l), h_0 = x (N, D), with loss sum(g * h_depth).
    Returns (depth,) floats."""
    f, slope = ACTIVATIONS[activation]
    outputs, h = [], x
    for W in weights:
        h = f(h @ W)
        outputs.append(h)
    norms, upstream = [], g
    for W, a in zip(weights[::-1], outputs[::-1]):
        upstream = (upstream * slope(a)) @ W.T
        norms.append(np.linalg.norm(upstream))
    return np.array(norms[::-1])


def residual_gradient_norms(residual_backward, weights, x, g):
    """The Frobenius norm of dL/dh_(l-1), the gradient on block l's input, for each block of
    the residual stack h_l = h_(l-1) + tanh(h_(l-1) W_l), with loss sum(g * h_depth), through
    the given residual_backward(x, W, dout) -> (dx, dW). Returns (depth,) floats."""
    inputs, h = [], x
    for W in weights:
        inputs.append(h)
        h = residual_forward(h, W)
    norms, upstream = [], g
    for W, below in zip(weights[::-1], inputs[::-1]):
        upstream = residual_backward(below, W, upstream)[0]
        norms.append(np.linalg.norm(upstream))
    return np.array(norms[::-1])
