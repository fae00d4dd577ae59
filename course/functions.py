"""Forward functions of the course's worked examples. Backward passes are the students' to write."""
import numpy as np


def sigmoid(x):
    """The logistic function 1 / (1 + e^-x), elementwise; x: float or array."""
    return 1.0 / (1.0 + np.exp(-x))


def add_mul(x, y, z):
    """f = (x + y) z, the first circuit of the chain-rule unit; floats."""
    return (x + y) * z


def flow_patterns(x, y, z, w):
    """f = 2 (x y + max(z, w)), the circuit that shows add, max and multiply gates at work; floats."""
    return 2 * (x * y + max(z, w))


def neuron(w, x):
    """The 2-D sigmoid neuron sigma(w0 x0 + w1 x1 + w2); w: shape (3,), x: shape (2,). Returns a float."""
    return float(sigmoid(w[0] * x[0] + w[1] * x[1] + w[2]))


def staged(x, y):
    """f = (x + sigma(y)) / (sigma(x) + (x + y)^2), the staged-backprop example; floats."""
    return (x + sigmoid(y)) / (sigmoid(x) + (x + y) ** 2)


def polynomial(coefficients, x):
    """The polynomial with these coefficients (highest power first) at x; floats."""
    return float(np.polyval(coefficients, x))
