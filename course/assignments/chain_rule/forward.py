"""Forward pass of assignment 02: f = (x + y) z, as a function and as a circuit."""
from course.circuits import Circuit, Gate


def add_mul(x, y, z):
    """f = (x + y) z, the first circuit of the chain-rule unit; floats."""
    return (x + y) * z


ADD_MUL = Circuit(("x", "y", "z"), (Gate("q", "add", ("x", "y")), Gate("f", "mul", ("q", "z"))))
"""f = (x + y) z. At x=-2, y=5, z=-4: q=3, f=-12."""
