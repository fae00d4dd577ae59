"""Forward functions of assignment 01: the functions whose derivatives are estimated."""
import numpy as np


def polynomial(coefficients, x):
    """The polynomial with these coefficients (highest power first) at x; floats."""
    return float(np.polyval(coefficients, x))


def cube(x):
    """x**3: the default function of DerivativeExplorer (f'(1.5) = 6.75)."""
    return x**3
