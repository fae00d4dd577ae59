"""The right answers to a job's hidden cases, computed apart from judging: on a Dask worker,
beside the job's run, so that the coordinator only compares.

Trusted code on trusted data: the course's expected values (centered differences of its forward
functions) and the instructor's exact outputs, on the cases the coordinator drew. Never in a
grading worker process, which holds no answer machinery for the sandboxes it forks.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from autograder.reference import exact_outputs, namespace_of
from autograder.transport import decode_case

if TYPE_CHECKING:
    from autograder.reference import Sources

Answers = dict[str, dict[int, tuple]]   # exercise -> case index -> (expected, exact or None)


def hidden_answers(job: dict, sources: Sources) -> Answers:
    """For each exercise a job calls, its hidden cases' (expected outputs, the instructor's exact
    outputs or None) by case index; sources: instructor_sources of the job's assignment. An
    exercise whose answers cannot be computed here is left out (the coordinator computes them)."""
    from course.exercises import EXERCISES
    namespace = namespace_of(sources)
    answers = {}
    for each in job["exercises"]:
        name = each["name"]
        if name in job["skip_exercises"]:
            continue
        exercise = EXERCISES[name]
        try:
            cases = {k: decode_case(case) for k, case in enumerate(each["cases"])
                     if k >= len(exercise.visible)}
            answers[name] = {k: (exercise.expected(case), exact_outputs(namespace, exercise, case))
                             for k, case in cases.items()}
        except Exception:  # noqa: BLE001 (the coordinator's own computation says what is wrong)
            continue
    return answers
