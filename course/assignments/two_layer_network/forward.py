"""The two-layer tanh network of assignment 08: the worked example, a batch, a data set.

For one example: x1 = W0 x0, x2 = tanh(x1), x3 = W1 . x2, L = 1/2 (x3 - y)^2, with W0 of shape
(H, D), W1 of shape (H,), x0 of shape (D,) and floats x3, y, L; that forward pass is
course.functions' (assignment 10 uses it too). On a batch in rows, X0 of shape (N, D) holds one
example per row, the values x1, x2 become arrays (N, H), x3 and the targets Y arrays (N,), and
the loss is the mean of the examples' losses. This module holds the worked example, the
gradients measured by centered differences, the batch forward pass for training and the data set
as the network learns it. It holds no backward rule and no update rule: training code comes from
the notebook.
"""
import numpy as np

from course.functions import squared_error, two_layer_loss, two_layer_values, two_moons
from course.numgrad import centered_difference, input_gradients, numerical_gradient

# The worked example of the slides (seeds/NOTES.md): weights, input, target and step size.
WORKED = {"W0": np.array([[1.0, -3.0], [0.2, 1.0]]), "W1": np.array([1.0, -1.0]),
          "x0": np.array([1.0, 0.1]), "y": 0.5}
WORKED_STEP = 0.2

def measured_gradients(W0, W1, x0, y):
    """dL/dx3, dL/dx2, dL/dx1, dL/dW0 and dL/dW1 by centered differences: each value of the
    forward pass is nudged and the rest of the pass rerun from there.

    Shapes as in two_layer_values. Returns a dict name -> gradient (a float for x3, else an
    array shaped like its variable), keyed "x3", "x2", "x1", "W0", "W1".
    """
    values = two_layer_values(W0, W1, x0, y)
    rest_from = {"x3": lambda v: squared_error(v, y),
                 "x2": lambda v: squared_error(float(np.dot(W1, v)), y),
                 "x1": lambda v: squared_error(float(np.dot(W1, np.tanh(v))), y)}
    measured = {"x3": centered_difference(rest_from["x3"], values["x3"])}
    measured["x2"] = numerical_gradient(rest_from["x2"], values["x2"])
    measured["x1"] = numerical_gradient(rest_from["x1"], values["x1"])
    inputs = {"W0": W0, "W1": W1, "x0": x0, "y": y}
    measured["W0"], measured["W1"] = input_gradients(two_layer_loss, inputs, ("W0", "W1"))
    return measured


# ---------------------------------------------------------------- a batch, and a data set

def measured_batch_gradients(W0, W1, X0, Y):
    """The gradients of the mean loss of a batch on x3, x2, x1 (every row), W0 and W1, by
    centered differences: each value of the forward pass is nudged and the rest rerun from there.

    W0: (H, D); W1: (H,); X0: (N, D), one example per row; Y: (N,). Returns a dict name ->
    gradient shaped like its value ("x3": (N,), "x2" and "x1": (N, H)) or weight ("W0", "W1").
    """
    before_tanh = X0 @ np.transpose(W0)
    after_tanh = np.tanh(before_tanh)
    rest_from = {"x3": (lambda v: np.mean(squared_error(v, Y)), after_tanh @ W1),
                 "x2": (lambda v: np.mean(squared_error(v @ W1, Y)), after_tanh),
                 "x1": (lambda v: np.mean(squared_error(np.tanh(v) @ W1, Y)), before_tanh)}
    measured = {name: numerical_gradient(rest, at) for name, (rest, at) in rest_from.items()}
    inputs = {"W0": W0, "W1": W1, "X": X0, "Y": Y}
    measured["W0"], measured["W1"] = input_gradients(mean_loss, inputs, ("W0", "W1"))
    return measured


def network_outputs(W0, W1, X):
    """x3 for every row of X: X of shape (N, D) -> array of shape (N,)."""
    return np.tanh(X @ W0.T) @ W1


def mean_loss(W0, W1, X, Y):
    """Mean of 1/2 (x3 - y)^2 over the rows of X (N, D) and the targets Y (N,); a float."""
    return float(np.mean(squared_error(network_outputs(W0, W1, X), Y)))


def accuracy(W0, W1, X, Y):
    """Fraction of rows whose output has the sign of its target (targets are +1 or -1)."""
    return float(np.mean(np.sign(network_outputs(W0, W1, X)) == Y))


def labelled_moons(n=80, noise=0.15, seed=0):
    """The two moons (course.functions.two_moons) as this network learns them: n points in all,
    half on each moon, spread by 1.5.

    Returns (X, Y): X of shape (n, 3), each row a point (x, y) followed by a constant 1, so that
    the last column of a W0 acts as the hidden units' biases; Y of shape (n,), +1 for the upper
    moon and -1 for the lower one.
    """
    points, labels = two_moons(n // 2, noise, seed)
    return np.column_stack([1.5 * points, np.ones(n)]), np.where(labels == 0, 1.0, -1.0)


def initial_weights(hidden=8, inputs=3, seed=0):
    """Small random weights to start training from: (W0 of shape (hidden, inputs), W1 of shape
    (hidden,)), drawn from normal distributions with standard deviations 1 and 0.5."""
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 1.0, (hidden, inputs)), rng.normal(0.0, 0.5, hidden)
