"""Forward pass of assignment 05: f = (x + sigma(y)) / (sigma(x) + (x + y)^2), as a function and
as a circuit."""
from course.circuits import Circuit, Gate
from course.functions import sigmoid


def staged(x, y):
    """f = (x + sigma(y)) / (sigma(x) + (x + y)^2), the staged-backprop example; floats."""
    return (x + sigmoid(y)) / (sigmoid(x) + (x + y) ** 2)


STAGED = Circuit(("x", "y"), (
    Gate("sigy", "sigmoid", ("y",)),
    Gate("num", "add", ("x", "sigy")),
    Gate("sigx", "sigmoid", ("x",)),
    Gate("xpy", "add", ("x", "y")),
    Gate("xpysqr", "square", ("xpy",)),
    Gate("den", "add", ("sigx", "xpysqr")),
    Gate("invden", "inv", ("den",)),
    Gate("f", "mul", ("num", "invden")),
))
"""f = (x + sigma(y)) / (sigma(x) + (x + y)^2). At x=3, y=-4: f=1.5456."""
