"""Grade one submission: run its notebooks' code in the sandbox, judge every exercise here.

Nothing in this module runs student code. The sandboxed child executes the notebook's cells and
calls the exercise functions on cases drawn here (hidden ones freshly at random); what comes back
is decoded as plain numbers and arrays and judged against expected values computed here by
centered differences of the course's forward functions. A cell that ends or hangs the child is
skipped on a rerun; an exercise that does is marked and the others are still graded.
"""
from contextlib import closing
import time

import numpy as np

from autograder.results import ExerciseResult, SubmissionResult
from autograder.submission import fingerprint, match_notebooks
from autograder.transport import TransportError, decode, encode_case
from course.checks import call_text, verdict
from course.exercises import EXERCISES

MAX_RUNS = 4   # one run, plus a rerun for each cell or exercise that ended a run
_CHANNEL = ("garbled", "too much")   # a cell can only cause these by writing to the report pipe

_END_STATUS = {"timeout": "timeout", "signal": "crashed", "exited": "crashed",
               "too much": "crashed", "garbled": "tampered", "worker died": "crashed"}
_END_WORDS = {"timeout": "ran out of time", "signal": "crashed the process",
              "exited": "ended the process", "too much": "flooded the grader with output",
              "garbled": "wrote garbage into the grader's channel",
              "worker died": "brought the grading worker down"}


def grade_submission(root, assignment, student, specs, worker, rng=None):
    """Grade submitted/<student>/<assignment> against the NotebookSpecs; returns a SubmissionResult."""
    started = time.monotonic()
    folder = root / "submitted" / student / assignment
    result = SubmissionResult(student, assignment, fingerprint(folder))
    rng = rng or np.random.default_rng()
    for submitted in match_notebooks(folder, specs):
        result.notes += submitted.notes
        if submitted.problem:
            status = "missing" if "not submitted" in submitted.problem else "ungradable"
            result.exercises += [ExerciseResult(submitted.spec.name, g.exercise, 0.0, g.points, status,
                                                submitted.problem) for g in submitted.spec.graded]
            continue
        result.exercises += _grade_notebook(submitted, worker, rng, result.notes)
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _grade_notebook(submitted, worker, rng, notes):
    spec = submitted.spec
    cases = {g.exercise: _cases(EXERCISES[g.exercise], rng) for g in spec.graded}
    run = _Run(spec, cases)
    skip_cells, channel = set(), []
    for _ in range(MAX_RUNS):
        job = {"cells": [c for c in submitted.cells if c[0] not in skip_cells],
               "exercises": [{"name": name, "functions": list(EXERCISES[name].functions),
                              "cases": [encode_case(c) for c in cases[name]]} for name in cases],
               "skip_exercises": sorted(run.settled)}
        with closing(worker.run(job)) as messages:
            culprit = run.follow(messages)
        if culprit is None or run.settled >= set(cases):
            break
        kind, what, reason = culprit
        if kind == "cell":
            skip_cells.add(what)
            notes.append(f"{spec.name}: cell {what} {_END_WORDS[reason]}; it was skipped")
            if reason in _CHANNEL:
                channel.append(f"cell {what} {_END_WORDS[reason]}")
        elif kind == "run":
            break
    if culprit:   # what ended the last run ends every exercise still without an answer
        run.end_unsettled(culprit[2])
    replaced = [f"it replaced {name}" for name in list(run.replaced)[:10]]
    if submitted.tampered + replaced:
        notes.append(f"{spec.name}: " + "; ".join(submitted.tampered + replaced))
    return [run.grade(g, submitted.tampered, replaced + channel) for g in spec.graded]


def _cases(exercise, rng):
    """The visible cases, then hidden ones freshly drawn."""
    return [dict(case) for case in exercise.visible] + list(exercise.draw_hidden(rng))


class _Run:
    """Follows a child's messages across reruns: the outputs it returned per exercise, and which
    exercises are settled (fully answered, or ended a run)."""

    def __init__(self, spec, cases):
        self.spec, self.cases = spec, cases
        self.returned = {name: {} for name in cases}   # name -> {case index: message}
        self.missing = {}                              # name -> missing function names
        self.ended = {}                                # name -> end reason
        self.replaced = {}                             # names of replaced objects, in order
        self.settled = set()

    def follow(self, messages):
        """Consume one run's messages. Returns None when it finished, else what ended it:
        ("cell", index, reason), ("case", exercise, reason) or ("run", None, reason). A message
        out of the runner's form (the child may write anything) ends the run as garbled."""
        current, finished = None, False
        for message in messages:
            if "end" in message:   # from the sandbox, which never relays one of the child's
                if finished and current is None and message["end"] == {"reason": "exited", "code": 0}:
                    self.settled.update(self.cases)
                    return None
                return self._ended(current, message["end"].get("reason"))
            try:
                current, finished = self._take(message, current, finished)
            except (TypeError, ValueError, KeyError, IndexError):
                return self._ended(current, "garbled")
        return ("run", None, "worker died")

    def _take(self, message, current, finished):
        """Follow one message of the child; return the (current step, finished) it leaves."""
        if "cell" in message:
            if type(message["cell"]) is not int:
                raise TypeError("a cell index must be an int")
            return ("cell", message["cell"]), finished
        if "case" in message:
            return ("case", self._exercise_of(message["case"])), finished
        if "cell_done" in message or "case_done" in message:
            self._record(message)
            return None, finished
        if "missing" in message:
            name, functions = message["missing"]
            if name in self.cases:
                self.missing[name] = [str(f)[:60] for f in functions[:10]]
                self.settled.add(name)
        elif "tampered" in message:
            self.replaced.update(dict.fromkeys(str(n)[:80] for n in message["tampered"][:20]))
        elif "finished" in message:
            finished = True
        return current, finished

    def _ended(self, current, reason):
        if current and current[0] == "case" and current[1] in self.cases:
            self.ended[current[1]] = reason
            self.settled.add(current[1])
            return ("case", current[1], reason)
        if current and current[0] == "cell":
            return ("cell", current[1], reason)
        return ("run", None, reason)

    def end_unsettled(self, reason):
        """Mark every exercise still without an answer as ended by this reason."""
        for name in set(self.cases) - self.settled:
            self.ended[name] = reason
        self.settled.update(self.cases)

    def _exercise_of(self, case):
        return case[0] if isinstance(case, list) and case and case[0] in self.cases else None

    def _record(self, message):
        if "case_done" not in message:
            return
        name, k = message["case_done"]
        if name in self.cases and isinstance(k, int) and 0 <= k < len(self.cases[name]):
            self.returned[name][k] = message
            if len(self.returned[name]) == len(self.cases[name]):
                self.settled.add(name)

    def grade(self, graded, tampered, everywhere):
        """The ExerciseResult of one graded cell. tampered: sentences about test cells (each
        names its grade id); everywhere: tampering that concerns the whole notebook."""
        name, points = graded.exercise, graded.points
        exercise = EXERCISES[name]
        status, message, mistake = self._verdict(exercise)
        score = points if status == "passed" else 0.0
        mine = [t for t in tampered if graded.grade_id in t] + everywhere
        if mine:
            status = "tampered"
            message = (message + "\n" if message and score == 0 else "") + (
                "Graded with the course's own checks; a person should look: " + "; ".join(mine) + ".")
        return ExerciseResult(self.spec.name, name, score, points, status, message, mistake)

    def _verdict(self, exercise):
        """(status, message, name of the diagnosed mistake or "") of one exercise."""
        name = exercise.name
        if name in self.missing:
            return "missing", (f"{', '.join(self.missing[name])} is not defined: keep the function "
                               "name the notebook gives, and make sure its cell runs without error."), ""
        if name in self.ended:
            reason = self.ended[name]
            return _END_STATUS[reason], f"{name} {_END_WORDS[reason]} while it was being checked.", ""
        visible = len(exercise.visible)
        for k, case in enumerate(self.cases[name]):
            reply = self.returned[name].get(k)
            if reply is None:
                return "crashed", f"{name} gave no answer on a check.", ""
            hidden = k >= visible
            if "error" in reply:
                return (*self._raised(exercise, case, reply["error"], hidden), "")
            try:
                returned = decode(reply["result"])
            except (TransportError, KeyError):
                return "tampered", f"{name} returned something the grader could not read.", ""
            problem, mistake = verdict(exercise, case, returned, hidden)
            if problem:
                return "failed", problem, mistake.name if mistake else ""
        return "passed", "", ""

    @staticmethod
    def _raised(exercise, case, error, hidden):
        kind = str(error.get("type", "an error"))[:60] if isinstance(error, dict) else "an error"
        text = str(error.get("message", ""))[:300] if isinstance(error, dict) else ""
        if kind == "MemoryError":
            return "memory", f"{exercise.name} ran out of memory on a check."
        if kind == "NotImplementedError":
            return "failed", f"{exercise.name} is not written yet (it raises NotImplementedError)."
        advice = " (grading has no keyboard: input() gets nothing, so take it out)" * (kind == "EOFError")
        if hidden:
            return "failed", f"On a hidden test with random inputs, {exercise.name} raised {kind}{advice}."
        return "failed", f"{call_text(exercise, case)} raised {kind}: {text}{advice}"
