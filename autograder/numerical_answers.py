"""Answers computed by centered differences instead of a backward pass, told apart by precision.

A centered difference with step h agrees with the true gradient only to about h**2 (truncation)
plus 1e-16 / h (rounding), relative; a backward pass written by hand agrees to rounding, about
1e-15. Where a student's answers differ from the instructor's exact ones by more than rounding can
explain, they are compared with the course's own centered differences of the exercise's forward
function at the usual steps: answers that lie far closer to one of those than it lies to the truth
were computed by it. Answers in single precision, or from another order of operations, lie near
none of them, so no honest answer is taken for one.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from course import numgrad
from course.checks import floats

if TYPE_CHECKING:
    from collections.abc import Sequence

    from course.checks import Exercise

STEPS = (1e-3, 5e-4, 1e-4, 5e-5, 2e-5, 1e-5, 5e-6, 2e-6, 1e-6, 1e-7, 1e-8)
ROUNDING = 1e-12   # relative difference rounding alone does not reach in these exercises
CLOSER = 0.01      # an answer this much closer to a step's estimate than the estimate is to the truth
CASES = 2          # estimates off the truth on at least this many cases, to tell anything


def centered_step(exercise: Exercise, cases: Sequence[dict], returned: Sequence[tuple],
                  exact: Sequence[tuple]) -> float | None:
    """The step h of the course's centered differences that the returned answers are, or None.

    cases: the exercise's cases; returned, exact: per case, the outputs the student's and the
    instructor's functions returned (tuples, one entry per output)."""
    off = [_distance(got, want) for got, want in zip(returned, exact)]
    if max(off, default=0.0) <= ROUNDING:
        return None
    for h in STEPS:
        with numgrad.step(h):
            estimates = [exercise.expected(case) for case in cases]
        errors = [_distance(estimate, want) for estimate, want in zip(estimates, exact)]
        if sum(error > ROUNDING for error in errors) >= CASES and all(
                _distance(got, estimate) <= max(CLOSER * error, ROUNDING)
                for got, estimate, error in zip(returned, estimates, errors)):
            return h
    return None


def _distance(these, those):
    """The largest relative difference between two tuples of outputs (inf if they differ in
    kind or shape)."""
    largest = 0.0
    for this, that in zip(these, those):
        this, that = floats(this), floats(that)
        if this is None or that is None or this.shape != that.shape:
            return float("inf")
        with np.errstate(all="ignore"):
            scale = max(float(np.abs(that).max(initial=0.0)), 1e-8)
            largest = max(largest, float(np.abs(this - that).max(initial=0.0)) / scale)
    return largest if math.isfinite(largest) else float("inf")
