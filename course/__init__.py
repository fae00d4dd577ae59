"""backprop-course: the helpers that the course notebooks import.

check: run an exercise's checks on your function; todo: the message of an unwritten exercise.
"""
from __future__ import annotations

import sys

from course.checks import CheckFailed, check
from course.version import VERSION

__all__ = ["check", "todo", "CheckFailed"]
__version__ = VERSION   # course/version.py says when it changes


def todo() -> str:
    """The message a stub raises: which function is still to be written, and how."""
    name = sys._getframe(1).f_code.co_name
    return (f"{name} is yours to write: read its docstring for what it takes and returns, "
            "replace this line with your code, and run the check cell below it.")
