"""The report of a sandboxed run, read in the grader: what the student's process said, checked.

The worker (autograder.sandbox) copies each line the student's process says into the report,
marked as a notice or as the reply that ends a step, and adds its own lines unmarked: a stop or
FINISHED, then the end. It never reads the student's lines, so here, in the grader's process,
each reply is taken only in the form the request it answers calls for, and each notice only in a
notice's form; anything else stops the run as "garbled". What comes out are the messages of
autograder.protocol's report, one step at a time, as the grader follows them
(autograder.grading).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from autograder import protocol
from autograder.sandbox import NOTICE, REPLY
from autograder.transport import TransportError, decode

if TYPE_CHECKING:
    from collections.abc import Generator, Iterable


def messages(job: dict, lines: Iterable[bytes]) -> Generator[dict, None, None]:
    """The messages of a run of job, from the lines of its report as the worker wrote them, up to
    and with {"end": ...} (an empty line: the worker died). Each step is announced (cell(i) or
    case(name, k)) before what it said; once an exercise's function is missing, its other cases
    say nothing; after a stop, only the end follows."""
    requests = protocol.steps(job)[:-1]
    missing, position, stopped = set(), 0, False
    yield from _begin(requests, position, missing)
    for line in lines:
        if not line.startswith((NOTICE, REPLY)):   # the worker's own: a stop, FINISHED or the end
            message = json.loads(line) if line else protocol.end("worker died")
            if "end" in message or not stopped:
                yield message
            if "end" in message:
                return
            continue
        if stopped:
            continue
        reply = line.startswith(REPLY)
        step = requests[position] if position < len(requests) else ("said after its last reply",)
        position += reply
        if step[0] == "case" and step[1] in missing:
            continue
        said = _parsed(line[1:])
        message = _answer(step, said) if reply else _notice(said)
        yield message
        stopped = "stop" in message
        if reply and not stopped:
            if "missing" in message:
                missing.add(step[1])
            yield from _begin(requests, position, missing)


def _begin(requests, position, missing):
    """The message that announces requests[position], unless there is none or its exercise's
    function is missing."""
    if position < len(requests):
        step = requests[position]
        if step[0] == "cell":
            yield protocol.cell(step[1])
        elif step[1] not in missing:
            yield protocol.case(step[1], step[2])


def _parsed(line):
    try:
        said = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return said if isinstance(said, dict) else None


def _notice(said):
    """A notice of the student's process (a watched object replaced, the answer machinery
    touched), or a stop if it is not one."""
    if said is not None and set(said) == {"tampered"} and isinstance(said["tampered"], list):
        return protocol.tampered(said["tampered"])
    if said is not None and set(said) == {"machinery"}:
        return protocol.machinery(said["machinery"])
    return protocol.stop("garbled")


def _answer(step, said):
    """The report's message for the reply to step, or a stop if it is not of the form its
    request calls for."""
    if said is None or step[0] not in ("cell", "case"):
        return protocol.stop("garbled")
    if step[0] == "cell":
        if set(said) != {"cell_done", "error"} or said["cell_done"] != step[1]:
            return protocol.stop("garbled")
        return protocol.cell_done(step[1], _error(said["error"]))
    _, name, k = step
    if set(said) == {"missing"} and isinstance(said["missing"], list):
        return protocol.missing(name, said["missing"])
    if set(said) == {"result"}:
        try:
            decode(said["result"])
        except TransportError:
            return protocol.stop("garbled")
        return protocol.case_done(name, k, result=said["result"])
    if set(said) == {"error"}:
        return protocol.case_done(name, k, error=_error(said["error"]))
    return protocol.stop("garbled")


def _error(error):
    """An error description from the student's process, reduced to its agreed form."""
    if not isinstance(error, dict):
        return None if error is None else protocol.error("Exception", "")
    return protocol.error(error.get("type", "Exception"), error.get("message", ""))
