"""nbgrader's late-submission policy, applied as its AssignLatePenalties preprocessor applies it.

The plugin is the one nbgrader_config.py configures: `c.AssignLatePenalties.plugin_class` (a class
defined in nbgrader_config.py, or "module.Class" importable from the course directory), by default
nbgrader's LateSubmissionPlugin, whose `c.LateSubmissionPlugin.penalty_method` is "none" (no
penalty) or "zero" (the whole score). A late notebook's penalty is the plugin's answer kept between
0 and the notebook's score; a notebook on time, or one the plugin gives None, has none."""
from __future__ import annotations

from contextlib import contextmanager
import math
from pathlib import Path
import sys

from autograder.course_dir import CourseError, nbgrader_config


class LatePolicy:
    """The course's late-submission plugin, loaded once: penalty(student, score, seconds_late)."""

    def __init__(self, root: Path | str) -> None:
        with _importable(root):
            try:
                assigner = _assigner()(config=nbgrader_config(root))
                assigner.plugin_inst = assigner.plugin_class(parent=assigner)
            except Exception as error:  # an unknown class, or one that fails to start
                raise CourseError(f"the late-submission plugin in nbgrader_config.py cannot be loaded "
                                  f"({type(error).__name__}: {error}): set "
                                  "c.AssignLatePenalties.plugin_class to a subclass of nbgrader's "
                                  "LateSubmissionPlugin, defined in nbgrader_config.py or as "
                                  "'module.Class' in a module of the course directory") from None
        self.plugin = assigner.plugin_inst
        self.name = type(self.plugin).__name__

    def penalty(self, student: str, score: float, seconds_late: float) -> float | None:
        """The points a notebook scoring score (points) loses for being seconds_late seconds late,
        or None for no penalty (on time, or the plugin gives none)."""
        if seconds_late <= 0:
            return None
        try:
            given = self.plugin.late_submission_penalty(student, score, seconds_late)
            given = None if given is None else float(given)
        except Exception as error:  # the instructor's plugin: say which, and what it raised
            raise CourseError(f"the late-submission plugin {self.name} failed for {student} "
                              f"({type(error).__name__}: {error}): fix it in nbgrader_config.py "
                              "and run autograde again (what was graded so far is kept)") from None
        if given is None:
            return None
        if math.isnan(given):
            raise CourseError(f"the late-submission plugin {self.name} gave {student} a penalty "
                              "that is not a number: it must return points, or None")
        return min(max(given, 0.0), score)


def _assigner():
    """A class named and configured as nbgrader's AssignLatePenalties preprocessor, with its
    plugin_class setting (the same trait: a LateSubmissionPlugin by default, any BasePlugin
    subclass by name or class), without the preprocessor's imports (nbconvert: 0.4 s)."""
    from nbgrader.plugins import BasePlugin, LateSubmissionPlugin
    from traitlets import Type
    from traitlets.config import Configurable

    class AssignLatePenalties(Configurable):
        plugin_class = Type(LateSubmissionPlugin, klass=BasePlugin).tag(config=True)

    return AssignLatePenalties


@contextmanager
def _importable(root):
    """The course directory on the import path for a moment, as nbgrader's apps have their
    working directory on it, so that "module.Class" finds a module of the course."""
    folder = str(Path(root).resolve())
    sys.path.insert(0, folder)
    try:
        yield
    finally:
        sys.path.remove(folder)
