"""Forward pass of assignment 04: the 2-D sigmoid neuron, as a function and as circuits of small
gates or with one sigmoid gate."""
from course.circuits import Circuit, Gate
from course.functions import sigmoid


def neuron(w, x):
    """The 2-D sigmoid neuron sigma(w0 x0 + w1 x1 + w2); w: shape (3,), x: shape (2,). Returns a float."""
    return float(sigmoid(w[0] * x[0] + w[1] * x[1] + w[2]))


_NEURON_INPUTS = ("w0", "x0", "w1", "x1", "w2")
_NEURON_DOT = (
    Gate("w0x0", "mul", ("w0", "x0")),
    Gate("w1x1", "mul", ("w1", "x1")),
    Gate("s", "add", ("w0x0", "w1x1")),
    Gate("dot", "add", ("s", "w2")),
)

NEURON = Circuit(_NEURON_INPUTS, _NEURON_DOT + (
    Gate("neg", "scale", ("dot",), const=-1),
    Gate("e", "exp", ("neg",)),
    Gate("den", "addc", ("e",), const=1),
    Gate("f", "inv", ("den",)),
))
"""f = sigma(w0 x0 + w1 x1 + w2) from small gates. At w=[2,-3,-3], x=[-1,-2]: dot=1, f=0.7311."""

NEURON_SIGMOID = Circuit(_NEURON_INPUTS, _NEURON_DOT + (Gate("f", "sigmoid", ("dot",)),))
"""The same neuron with one sigmoid gate."""
