"""Forward passes of the layers of assignment 07, and of a network made of them, on a batch.

A batch holds one example per row, as in assignment 06: X of shape (N, n) is N inputs of size n.
Every layer forward returns (out, cache), and a backward is called as backward(*cache, dout).
The cache of the linear, tanh and ReLU layers and of the loss is the tuple of their inputs; the
sigmoid keeps its output instead, since its slope is out (1 - out). Backward passes are the
students' to write; every gradient the course shows is a centered difference (course.numgrad).

A network is a list of layers, each a tuple that starts with its kind:
("linear", "W1", "b1") names the entries of a params dict that hold its weights and bias;
("tanh",), ("relu",) and ("sigmoid",) have no parameters. The Euclidean loss against targets Y
always follows the last layer; it is the mean over the batch of each example's loss.
"""
import numpy as np

from course.functions import sigmoid


def linear_forward(X, W, b):
    """out = X W^T + b, each row of X mapped as W x + b. X: shape (N, n), one example per row;
    W: shape (m, n); b: shape (m,). Returns (out, cache): out of shape (N, m), cache = (X, W, b)."""
    return X @ W.T + b, (X, W, b)


def tanh_forward(x):
    """out = tanh(x), elementwise. x: any shape, e.g. (N, m). Returns (out, cache), cache = (x,)."""
    return np.tanh(x), (x,)


def relu_forward(x):
    """out = max(0, x), elementwise. x: any shape, e.g. (N, m). Returns (out, cache), cache = (x,)."""
    return np.maximum(0.0, x), (x,)


def sigmoid_forward(x):
    """out = 1 / (1 + e^-x), elementwise. x: any shape, e.g. (N, m). Returns (out, cache),
    cache = (out,): the output, all the sigmoid's backward needs."""
    out = sigmoid(x)
    return out, (out,)


def euclidean_loss_forward(X, Y):
    """loss = 1/N sum over the rows of 1/2 ||x - y||^2, the mean over the batch of each example's
    half squared distance. X, Y: arrays of shape (N, m). Returns (loss, cache): loss a float,
    cache = (X, Y)."""
    return 0.5 * float(np.sum((X - Y) ** 2)) / len(X), (X, Y)


POINTWISE = {"tanh": tanh_forward, "relu": relu_forward, "sigmoid": sigmoid_forward}


def network_forward(layers, params, X, Y):
    """Run the layers in order on the batch X, then the Euclidean loss against Y.

    layers: list of layer tuples (see the module docstring); params: dict name -> array, the
    weights (m, n) and biases (m,) the linear layers name; X: shape (N, n), one input per row;
    Y: shape (N, k), the targets, shaped like the last layer's output. Returns (loss, caches):
    loss a float; caches a list with the cache of every layer in order, then the cache of the
    loss (len(layers) + 1 entries).
    """
    caches = []
    for layer in layers:
        X, cache = layer_forward(layer, params, X)
        caches.append(cache)
    loss, cache = euclidean_loss_forward(X, Y)
    return loss, caches + [cache]


def layer_forward(layer, params, X):
    """One layer of a network on the batch X: its (out, cache)."""
    kind, *names = layer
    if kind == "linear":
        return linear_forward(X, *(params[name] for name in names))
    return POINTWISE[kind](X)


def layer_values(layers, params, X):
    """The values on a network's wires: X, then every layer's output (len(layers) + 1 arrays)."""
    values = [X]
    for layer in layers:
        values.append(layer_forward(layer, params, values[-1])[0])
    return values


def network_loss(layers, params, X, Y):
    """Just the loss of network_forward: a float."""
    return network_forward(layers, params, X, Y)[0]


def parameter_names(layers):
    """The names of the parameters the layers use, in order of the layers (weights, then bias)."""
    return [name for _, *names in layers for name in names]


def random_params(layers, sizes, rng, scale=1.0):
    """Weights and biases for a network, uniform in [-scale, scale].

    sizes: the size of the input, then the output size of each linear layer in order.
    Returns a dict name -> array: W of shape (out, in), b of shape (out,).
    """
    params, sizes = {}, list(sizes)
    for _, *names in (layer for layer in layers if layer[0] == "linear"):
        n, m = sizes[0], sizes[1]
        params[names[0]] = rng.uniform(-scale, scale, size=(m, n))
        params[names[1]] = rng.uniform(-scale, scale, size=m)
        sizes.pop(0)
    return params
