"""The one-hidden-layer sigmoid network of assignment 09, in z/a notation.

For a batch of N examples, one per row of x (N, D), with targets y (N, K):
z1 = x W1^T + b1, a1 = sigma(z1), z2 = a1 W2^T + b2, yhat = a2 = sigma(z2), and the loss
J = 1/2 ||y - yhat||^2 summed over every example and output. W1: (H, D), b1: (H,), W2: (K, H),
b2: (K,). This module holds the forward pass and a toy curve to fit; no backward rule (the
notebook trains with the student's functions).
"""
import numpy as np

from course.functions import sigmoid

# The weights and input of the two-layer example of seeds/NOTES.md, with no biases, a 1 x 2 W2,
# and a target of 1 (the sigmoid output starts near 0.5, which would leave little to learn).
WORKED = {"W1": np.array([[1.0, -3.0], [0.2, 1.0]]), "b1": np.array([0.0, 0.0]),
          "W2": np.array([[1.0, -1.0]]), "b2": np.array([0.0]),
          "x": np.array([[1.0, 0.1]]), "y": np.array([[1.0]])}


def sigmoid_network_values(W1, b1, W2, b2, x):
    """Every value of the forward pass: a dict with z1 and a1, arrays (N, H), and z2 and a2
    (= yhat), arrays (N, K). Shapes of the arguments as in the module docstring."""
    values = {"z1": np.matmul(x, np.transpose(W1)) + b1}
    values["a1"] = sigmoid(values["z1"])
    values["z2"] = np.matmul(values["a1"], np.transpose(W2)) + b2
    values["a2"] = sigmoid(values["z2"])
    return values


def sigmoid_network_output(W1, b1, W2, b2, x):
    """yhat for every row of x: an array (N, K)."""
    return sigmoid_network_values(W1, b1, W2, b2, x)["a2"]


def half_squared_distance(y, yhat):
    """J = 1/2 ||y - yhat||^2, summed over all entries; arrays of one shape. Returns a float."""
    return 0.5 * float(np.sum((np.asarray(y) - np.asarray(yhat)) ** 2))


def sigmoid_network_loss(W1, b1, W2, b2, x, y):
    """The loss J of the network on the batch (x, y); a float."""
    return half_squared_distance(y, sigmoid_network_output(W1, b1, W2, b2, x))


def wave(n=30):
    """The curve to fit: n inputs evenly spaced from -3 to 3 and targets 0.5 + 0.35 sin(1.3 x).
    Returns (x, y), arrays of shape (n, 1)."""
    x = np.linspace(-3.0, 3.0, n)[:, None]
    return x, 0.5 + 0.35 * np.sin(1.3 * x)


def initial_parameters(hidden=5, seed=0):
    """Random starting parameters for 1 input and 1 output: (W1 (hidden, 1), b1 (hidden,),
    W2 (1, hidden), b2 (1,)); b2 starts at 0."""
    rng = np.random.default_rng(seed)
    return (rng.normal(0.0, 1.5, (hidden, 1)), rng.normal(0.0, 1.0, hidden),
            rng.normal(0.0, 1.0, (1, hidden)), np.zeros(1))
