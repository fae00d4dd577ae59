"""Forward pass of assignment 03: f = 2 (x y + max(z, w)), as a function and as a circuit."""
from course.circuits import Circuit, Gate


def flow_patterns(x, y, z, w):
    """f = 2 (x y + max(z, w)), the circuit that shows add, max and multiply gates at work; floats."""
    return 2 * (x * y + max(z, w))


FLOW_PATTERNS = Circuit(("x", "y", "z", "w"), (
    Gate("xy", "mul", ("x", "y")),
    Gate("m", "max", ("z", "w")),
    Gate("s", "add", ("xy", "m")),
    Gate("f", "scale", ("s",), const=2),
))
"""f = 2 (x y + max(z, w)). At x=3, y=-4, z=2, w=-1: f=-20."""
