"""Forward passes of the layers of assignment 07, and of a network made of them.

Every layer forward returns (out, cache). The cache is the tuple of the layer's inputs, which is
all its backward pass needs: a backward is called as backward(*cache, dout). Backward passes are
the students' to write; every gradient the course shows is a centered difference
(course.numgrad).

A network is a list of layers, each a tuple that starts with its kind:
("linear", "W1", "b1") names the entries of a params dict that hold its weights and bias;
("tanh",), ("relu",) and ("sigmoid",) have no parameters. The Euclidean loss against a target y
always follows the last layer.
"""
import numpy as np

from course.functions import sigmoid


def linear_forward(x, W, b):
    """out = W x + b. x: shape (n,); W: shape (m, n); b: shape (m,). Returns (out, cache):
    out of shape (m,), cache = (x, W, b)."""
    return W @ x + b, (x, W, b)


def tanh_forward(x):
    """out = tanh(x), elementwise. x: any shape. Returns (out, cache), cache = (x,)."""
    return np.tanh(x), (x,)


def relu_forward(x):
    """out = max(0, x), elementwise. x: any shape. Returns (out, cache), cache = (x,)."""
    return np.maximum(0.0, x), (x,)


def sigmoid_forward(x):
    """out = 1 / (1 + e^-x), elementwise. x: any shape. Returns (out, cache), cache = (x,)."""
    return sigmoid(x), (x,)


def euclidean_loss_forward(x, y):
    """loss = 1/2 ||x - y||^2. x, y: arrays of one shape. Returns (loss, cache): loss a float,
    cache = (x, y)."""
    return 0.5 * float(np.sum((x - y) ** 2)), (x, y)


POINTWISE = {"tanh": tanh_forward, "relu": relu_forward, "sigmoid": sigmoid_forward}


def network_forward(layers, params, x, y):
    """Run the layers in order on x, then the Euclidean loss against y.

    layers: list of layer tuples (see the module docstring); params: dict name -> array, the
    weights and biases the linear layers name; x: shape (n,), the input; y: the target, shaped
    like the last layer's output. Returns (loss, caches): loss a float; caches a list with the
    cache of every layer in order, then the cache of the loss (len(layers) + 1 entries).
    """
    caches = []
    for kind, *names in layers:
        if kind == "linear":
            x, cache = linear_forward(x, *(params[name] for name in names))
        else:
            x, cache = POINTWISE[kind](x)
        caches.append(cache)
    loss, cache = euclidean_loss_forward(x, y)
    return loss, caches + [cache]


def network_loss(layers, params, x, y):
    """Just the loss of network_forward: a float."""
    return network_forward(layers, params, x, y)[0]


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
