"""Grade one submission: run its notebooks' code in the sandbox, judge every exercise outside it.

Nothing in this module runs student code. In the sandbox (autograder.sandbox) the student's
process executes the notebook's cells and calls the exercise functions on cases drawn here (hidden
ones freshly at random); what comes back is decoded as plain numbers and arrays and judged against
expected values computed here by centered differences of the course's forward functions. This
happens in the grader's process with local workers, and on the Dask worker with a cluster's
(autograder.dask_pool), which then sends back each notebook's verdicts. A cell
that ends or hangs the student's process is skipped on a rerun; an exercise that does is marked
and the others are still graded. An exercise whose call touched the course's answer machinery
earns nothing and is flagged for a person.
"""
from __future__ import annotations

from contextlib import closing
import functools
import time
from typing import TYPE_CHECKING

import numpy as np

from autograder import protocol
from autograder.autograded_notebook import write_autograded
from autograder.numerical_answers import centered_step
from autograder.reference import case_outputs, read_only
from autograder.results import ExerciseResult, Status, SubmissionResult
from autograder.submission import TopLevel, fingerprint, match_notebooks
from autograder.transport import TransportError, decode, encode_case
from course.checks import CONTRACT_KINDS, call_text, contract_verdict, verdict
from course.exercises import EXERCISES

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from pathlib import Path

    from autograder.assignment import GradedCell, NotebookSpec
    from autograder.dask_pool import DaskWorker
    from autograder.pool import Worker
    from autograder.submission import SubmittedNotebook

MAX_RUNS = 4   # one run, plus a rerun for each cell or exercise that ended a run
_CHANNEL = ("garbled", "too much")   # a cell can only cause these by writing to its socket

_END_STATUS = {"timeout": Status.TIMEOUT, "signal": Status.CRASHED, "exited": Status.CRASHED,
               "too much": Status.CRASHED, "garbled": Status.TAMPERED, "worker died": Status.CRASHED,
               "sandbox": Status.CRASHED}
_END_WORDS = {"timeout": "ran out of time", "signal": "crashed the process",
              "exited": "ended the process", "too much": "flooded the grader with output",
              "garbled": "wrote garbage into the grader's channel",
              "worker died": "brought the grading worker down",
              "sandbox": "could not be run: the sandbox did not start"}


def grade_submission(root: Path, assignment: str, student: str, specs: Sequence[NotebookSpec],
                     worker: Worker | DaskWorker, rng: np.random.Generator | None = None
                     ) -> tuple[SubmissionResult, list[SubmittedNotebook]]:
    """Grade submitted/<student>/<assignment> against the NotebookSpecs; returns its
    SubmissionResult and its matched SubmittedNotebooks (for write_for_formgrader)."""
    started = time.monotonic()
    folder = root / "submitted" / student / assignment
    top = TopLevel()   # what the fingerprint read is what is graded: its files are read once
    result = SubmissionResult(student, assignment, fingerprint(folder, top), isolation=worker.mode)
    rng = rng or np.random.default_rng()
    matched = match_notebooks(folder, specs, top)
    for submitted in matched:
        result.notes += submitted.notes
        if submitted.problem:
            result.exercises += [ExerciseResult(submitted.spec.name, g.exercise, 0.0, g.points,
                                                submitted.problem_status, submitted.problem,
                                                grade_id=g.grade_id) for g in submitted.spec.graded]
            continue
        if hasattr(worker, "grade_notebook"):   # a cluster's: run and judged on a Dask worker
            result.exercises += worker.grade_notebook(submitted, result.notes)
        else:
            exact = functools.partial(case_outputs, root, assignment)
            result.exercises += grade_notebook(submitted, worker, rng, result.notes, exact)
    result.seconds = round(time.monotonic() - started, 3)
    return result, matched


def write_for_formgrader(root: Path, result: SubmissionResult,
                         matched: Sequence[SubmittedNotebook]) -> None:
    """Write the autograded notebooks of a graded submission for formgrader (autograded_notebook);
    one that cannot be written is a note on the result: the grade stands without it."""
    try:
        write_autograded(root, result, matched)
    except Exception as error:
        result.notes.append(f"the autograded notebook for formgrader could not be written "
                            f"({type(error).__name__}: {error})")


def grade_notebook(submitted: SubmittedNotebook, worker: Worker, rng: np.random.Generator,
                   notes: list[str], exact: Callable | None) -> list[ExerciseResult]:
    """The ExerciseResults of one readable submitted notebook: its cells run by the worker in a
    sandbox on cases drawn with rng (again, without a cell or an exercise that ended a run),
    each exercise judged; notes for a person are added to notes. exact(exercise, k, case): the
    instructor's outputs on case k (case_outputs), None where there is no reference."""
    spec = submitted.spec
    cases = {g.exercise: _cases(EXERCISES[g.exercise], rng) for g in spec.graded}
    encoded = {name: _encoded(EXERCISES[name], each) for name, each in cases.items()}
    run = _Run(spec, cases, exact)
    skip_cells, channel = set(), []
    for _ in range(MAX_RUNS):
        job = protocol.job([c for c in submitted.cells if c[0] not in skip_cells], encoded,
                           run.settled)
        with closing(worker.run(job)) as messages:
            culprit = run.follow(messages, job)
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
    notes += [f"{spec.name}: the sandbox did not start ({error})" for error in run.sandbox_errors[:1]]
    replaced = [f"it replaced {name}" for name in list(run.replaced)[:10]]
    said = [t for sentences in submitted.tampered.values() for t in sentences] + submitted.everywhere
    if said + replaced:
        notes.append(f"{spec.name}: " + "; ".join(said + replaced))
    return [run.grade(g, submitted.tampered, submitted.everywhere + replaced + channel)
            for g in spec.graded]


@functools.lru_cache(maxsize=None)
def _visible_expected(name, k):
    """The expected outputs of an exercise's visible case k: the same for every submission."""
    exercise = EXERCISES[name]
    return read_only(exercise.expected(exercise.visible[k]))


def _cases(exercise, rng):
    """The visible cases, then hidden ones freshly drawn."""
    return [dict(case) for case in exercise.visible] + list(exercise.draw_hidden(rng))


def _encoded(exercise, cases):
    """An exercise's cases as they travel to the sandbox (encode_case); the visible ones' are
    encoded once per grading process, as they are the same for every submission."""
    return [*_visible_encoded(exercise.name), *map(encode_case, cases[len(exercise.visible):])]


@functools.lru_cache(maxsize=None)
def _visible_encoded(name):
    return tuple(encode_case(case) for case in EXERCISES[name].visible)


class _Run:
    """Follows the reports of a notebook's runs across reruns: the outputs returned per exercise,
    and which exercises are settled (fully answered, or ended a run). A report must follow the
    job step by step, in the order and form asked for; one that does not ends the run as
    garbled."""

    def __init__(self, spec, cases, exact=None):
        self.spec, self.cases, self.exact = spec, cases, exact
        self.returned = {name: {} for name in cases}   # name -> {case index: message}
        self.missing = {}                              # name -> missing function names
        self.ended = {}                                # name -> end reason
        self.replaced = {}                             # names of replaced objects, in order
        self.machinery = {name: [] for name in cases}  # name -> machinery touched in its calls
        self.answers = {}                              # name -> decoded outputs, once all right
        self.sandbox_errors = []
        self.settled = set()

    def follow(self, messages: Iterable[dict], job: dict) -> tuple[str, int | str | None, str] | None:
        """Consume one run's messages. Returns None when it finished, else what ended it:
        ("cell", index, reason), ("case", exercise, reason) or ("run", None, reason)."""
        steps = protocol.steps(job)
        position, current, finished = 0, None, False
        for message in messages:
            if "end" in message:   # from the worker, after the run ended
                if finished and message == protocol.end("exited", code=0):
                    self.settled.update(self.cases)
                    return None
                return self._ended(current, message["end"].get("reason"))
            try:
                if "stop" in message:
                    return self._ended(current, self._stop(message["stop"]))
                position, current, finished = self._take(message, steps, position, current, finished)
            except (TypeError, ValueError, KeyError, IndexError, AttributeError):
                return self._ended(current, "garbled")
        return ("run", None, "worker died")

    def _take(self, message, steps, position, current, finished):
        """Follow one message; return the (position in steps, open step, finished) it leaves."""
        if "cell_done" in message or "case_done" in message:
            kind, body = "done", message
        else:
            (kind, body), = message.items()
        step = steps[position] if not finished else None
        if kind == "cell" or kind == "case":
            begun = ("cell", body) if kind == "cell" else ("case", *body)
            if current is not None or begun != step or (kind == "cell" and type(body) is not int):
                raise ValueError("a step out of order")
            return position, begun, finished
        if kind == "done":
            done = ("cell", body["cell_done"]) if "cell_done" in body else ("case", *body["case_done"])
            if done != current or done != step:
                raise ValueError("a step ended that was not begun")
            if done[0] == "case":
                self._record(done[1], done[2], body)
            return position + 1, None, finished
        if kind == "missing":
            name, functions = body
            if current != ("case", name, 0):
                raise ValueError("a missing function out of turn")
            self.missing[name] = [str(f)[:60] for f in functions[:10]]
            self.settled.add(name)
            while steps[position][:2] == ("case", name):
                position += 1
            return position, None, finished
        if kind == "tampered" and current is not None:
            self.replaced.update(dict.fromkeys(str(n)[:80] for n in body[:20]))
        elif kind == "machinery" and current is not None and current[0] == "case":
            self.machinery[current[1]].append(str(body)[:120])
        elif {kind: body} == protocol.FINISHED and current is None and step == ("finished",):
            return position, None, True
        else:
            raise ValueError(f"an unexpected message {kind[:20]!r}")
        return position, current, finished

    def _stop(self, stop):
        """The reason in a run's stop message (a sandbox that could not start says why)."""
        reason = stop["reason"]
        if reason not in protocol.STOP_REASONS:
            raise ValueError("an unknown stop")
        if reason == "sandbox":
            self.sandbox_errors.append(str(stop.get("error", ""))[:300])
        return reason

    def _ended(self, current, reason):
        if current and current[0] == "case":
            self.ended[current[1]] = reason
            self.settled.add(current[1])
            return ("case", current[1], reason)
        if current and current[0] == "cell":
            return ("cell", current[1], reason)
        return ("run", None, reason)

    def end_unsettled(self, reason: str) -> None:
        """Mark every exercise still without an answer as ended by this reason."""
        for name in set(self.cases) - self.settled:
            self.ended[name] = reason
        self.settled.update(self.cases)

    def _record(self, name, k, message):
        self.returned[name][k] = message
        if len(self.returned[name]) == len(self.cases[name]):
            self.settled.add(name)

    def grade(self, graded: GradedCell, tampered: Mapping[str, list[str]],
              everywhere: list[str]) -> ExerciseResult:
        """The ExerciseResult of one graded cell. tampered: grade id -> what was done to that test
        cell (sentences); everywhere: tampering that concerns the whole notebook."""
        name, points = graded.exercise, graded.points
        exercise = EXERCISES[name]
        status, message, mistake = self._verdict(exercise)
        flagged = self._flagged(exercise, status)
        if flagged:
            return ExerciseResult(self.spec.name, name, 0.0, points, Status.TAMPERED,
                                  f"{flagged}: it earns no points until a person has looked at it.",
                                  grade_id=graded.grade_id)
        score = points if status == Status.PASSED else 0.0
        mine = tampered.get(graded.grade_id, []) + everywhere
        if mine:
            status = Status.TAMPERED
            message = (message + "\n" if message and score == 0 else "") + (
                "Graded with the course's own checks; a person should look: " + "; ".join(mine) + ".")
        return ExerciseResult(self.spec.name, name, score, points, status, message,
                              mistake.name if mistake else "", graded.grade_id, _diagnosis(mistake))

    def _flagged(self, exercise, status):
        """What makes an exercise's points not its own, or "": the answer machinery touched in its
        calls, or right answers that are centered differences."""
        name = exercise.name
        if self.machinery[name]:
            used = ", ".join(dict.fromkeys(self.machinery[name]))
            return f"{name} used the course's answer machinery while it was being checked ({used})"
        step = self._centered_step(exercise) if status == Status.PASSED else None
        if step:
            return (f"{name}'s answers are centered differences (step {step:g}) of the course's "
                    "forward function, not a backward pass")
        return ""

    def _verdict(self, exercise):
        """(Status, message, the diagnosed Mistake or None) of one exercise."""
        name = exercise.name
        if name in self.missing:
            return Status.MISSING, (f"{', '.join(self.missing[name])} is not defined: keep the "
                                    "function name the notebook gives, and make sure its cell runs "
                                    "without error."), None
        if name in self.ended:
            reason = self.ended[name]
            return _END_STATUS[reason], f"{name} {_END_WORDS[reason]} while it was being checked.", None
        visible, answers = len(exercise.visible), []
        for k, case in enumerate(self.cases[name]):
            reply = self.returned[name].get(k)
            if reply is None:
                return Status.CRASHED, f"{name} gave no answer on a check.", None
            hidden = k >= visible
            if "error" in reply:
                return self._raised(exercise, case, reply["error"], hidden)
            try:
                returned = decode(reply["result"])
            except (TransportError, KeyError):
                return Status.TAMPERED, f"{name} returned something the grader could not read.", None
            expected = None if hidden else _visible_expected(name, k)
            problem, mistake = verdict(exercise, case, returned, hidden, expected)
            if problem:
                return Status.FAILED, problem, mistake
            answers.append(exercise.as_outputs(returned))
        self.answers[name] = answers
        return Status.PASSED, "", None

    def _centered_step(self, exercise):
        """The step of the centered differences an exercise's right answers are, or None (also
        when there is no exact reference to tell)."""
        if self.exact is None:
            return None
        cases = self.cases[exercise.name]
        try:
            exact = [self.exact(exercise, k, case) for k, case in enumerate(cases)]
            if any(e is None for e in exact):
                return None
            return centered_step(exercise, cases, self.answers[exercise.name], exact)
        except Exception:   # noqa: BLE001 (the reference cannot tell: grade as judged)
            return None

    @staticmethod
    def _raised(exercise, case, error, hidden):
        kind = str(error.get("type", "an error"))[:60] if isinstance(error, dict) else "an error"
        text = str(error.get("message", ""))[:300] if isinstance(error, dict) else ""
        if kind in CONTRACT_KINDS:   # the course's own words, from where the function was called
            return (Status.FAILED, *contract_verdict(exercise, kind, text))
        if kind == "MemoryError":
            return Status.MEMORY, f"{exercise.name} ran out of memory on a check.", None
        if kind == "NotImplementedError":
            return (Status.FAILED, f"{exercise.name} is not written yet (it raises "
                    "NotImplementedError).", None)
        advice = " (grading has no keyboard: input() gets nothing, so take it out)" * (kind == "EOFError")
        if hidden:
            return Status.FAILED, (f"On a hidden test with random inputs, {exercise.name} raised "
                                   f"{kind}{advice}."), None
        return Status.FAILED, f"{call_text(exercise, case)} raised {kind}: {text}{advice}", None


def _diagnosis(mistake):
    """A diagnosed Mistake as data: {"kind": "mistake" | "looks-like", "name", "text"}, or None."""
    if mistake is None:
        return None
    kind = "looks-like" if mistake.name.startswith("looks-like-") else "mistake"
    return {"kind": kind, "name": mistake.name, "text": mistake.diagnosis}
