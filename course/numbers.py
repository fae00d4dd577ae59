"""Numbers as text, in the few styles the course shows them.

fixed: a fixed count of decimals ("0.31306", "[[1.0000, -3.0000]]"), for worked numbers whose
digits line up; short: rounded, then written without trailing zeros ("0.7", "[1.0226, -0.9891]");
readout: an explorer's table cell, by a format spec; wire_label: the two-decimal numbers on a
circuit's wires; describe: a value in a check's message. None writes a minus sign on a number
that rounds to zero.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike


def fixed(value: ArrayLike, digits: int, row_break: bool = False) -> str:
    """A float or array with digits decimals, arrays as nested lists on one line (with row_break,
    a matrix one row per line): fixed(0.31306, 5) is "0.31306", fixed([[1, -3]], 4) is
    "[[1.0000, -3.0000]]"."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return _unsigned_zero(f"{float(array):.{digits}f}")
    separator = ",\n " if row_break and array.ndim == 2 else ", "
    return "[" + separator.join(fixed(part, digits) for part in array) + "]"


def short(value: float | np.ndarray, digits: int) -> str:
    """A float or array rounded to digits decimals and written the short way (as "g" does):
    short(0.70001, 4) is "0.7", an array is written as a list, such as
    "[[1.0237, -2.9976], [0.1658, 0.9966]]"."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return f"{round(float(array), digits) + 0.0:g}"
    return "[" + ", ".join(short(part, digits) for part in array) + "]"


def readout(number: int | float, spec: str) -> str:
    """format(number, spec) for an explorer's readout; a count (an int) as it is."""
    if isinstance(number, (int, np.integer)):
        return str(number)
    return _unsigned_zero(format(number, spec))


def wire_label(number: float) -> str:
    """Two decimals; from 1000 up, short e-notation such as "1.2e8"."""
    if abs(number) < 1000 or not np.isfinite(number):
        return f"{round(number, 2) + 0.0:.2f}"
    mantissa, exponent = f"{number:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def describe(value: object) -> str:
    """A short readable form of a float or array, for messages: six significant digits, an array
    on one line with four decimals; integers (an int, an int array) as integers. Anything that is
    not numbers: its repr."""
    if isinstance(value, (int, np.integer, np.ndarray)) and np.asarray(value).dtype.kind in "iu":
        text = np.array2string(np.asarray(value), separator=", ")
        return " ".join(text.replace("[ ", "[").split())
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return repr(value)
    if array.ndim == 0:
        return f"{float(array):.6g}"
    text = np.array2string(array, precision=4, suppress_small=True, separator=", ")
    return " ".join(text.replace("[ ", "[").split())   # one line, rows side by side


def _unsigned_zero(text):
    """text without the minus of a number that rounds to zero ("-0.000" -> "0.000")."""
    return text[1:] if text.startswith("-") and set(text[1:]) <= set("0.") else text
