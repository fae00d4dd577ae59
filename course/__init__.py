"""backprop-course: the helpers that the course notebooks import.

check: run an exercise's checks on your function; todo: the message of an unwritten exercise.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from course.version import VERSION

if TYPE_CHECKING:
    from course.checks import CheckFailed, check

__all__ = ["check", "todo", "CheckFailed"]
__version__ = VERSION   # course/version.py says when it changes


def __getattr__(name: str) -> object:
    """check and CheckFailed, imported (with numpy) when first asked for: a grader that needs only
    the version does not wait for them."""
    if name in ("check", "CheckFailed"):
        from course import checks
        globals().update(check=checks.check, CheckFailed=checks.CheckFailed)
        return globals()[name]
    raise AttributeError(f"module 'course' has no attribute {name!r}")


def todo() -> str:
    """The message a stub raises: which function is still to be written, and how."""
    name = sys._getframe(1).f_code.co_name
    return (f"{name} is yours to write: read its docstring for what it takes and returns, "
            "replace this line with your code, and run the check cell below it.")
