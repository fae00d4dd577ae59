"""The messages of a grading run, in one place: the job the grader sends, the requests the
worker makes of the student's process and its replies, and the report the grader reads. Each is
one line of JSON; values travel in autograder.transport's form; every text is cut to a bounded
length.

Job (grader -> worker): `job(...)`, sent as `requests(job)`: each request after its mark (CELL or
CASE), then an empty line.
Requests (worker -> student's process): `run_cell(i, source)` -> cell_done(i, error);
`call(name, case)` -> {"result": value} | {"error": error} | {"missing": [functions]}; before a
reply the student's process may send tampered(...) and machinery(...).
Report (as autograder.run_report gives it to the grader, from what the worker wrote): `cell(i)`
before cell i and `cell_done(i, error)` after it; per exercise `case(name, k)` before case k and
`case_done(name, k, result=... | error=...)` after it; `missing(name, functions)` in place of the
first case_done when the exercise's function is not defined; `tampered(names)` and
`machinery(what)` during a step; `stop(reason)` when the student's process ended, ran out of time
or broke the protocol in a step (the run ends there); FINISHED last; every run ends with
`end(reason)`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

STOP_REASONS = ("timeout", "signal", "exited", "too much", "garbled", "sandbox")
FINISHED = {"finished": True}
CELL, CASE = b"c"[0], b"x"[0]   # the marks of a job's requests: a cell to run, an exercise to call


def job(cells: Iterable[tuple[int, str]], cases: Mapping[str, Iterable[dict]],
        settled: Iterable[str]) -> dict:
    """cells: [(index, source)] to run; cases: exercise name -> its cases, encoded; settled: the
    exercises not to call again."""
    return {"cells": [[index, source] for index, source in cells],
            "exercises": [{"name": name, "cases": list(each)} for name, each in cases.items()],
            "skip_exercises": sorted(settled)}


def requests(job: dict) -> bytes:
    """The job as a worker takes it: each request, in the order of steps(job), on a line of its
    own after its mark, then an empty line."""
    from autograder.transport import dumps  # with numpy: a worker is launched without it
    cells = [bytes([CELL]) + dumps(run_cell(index, source)) for index, source in job["cells"]]
    calls = [bytes([CASE]) + dumps(call(e["name"], case))
             for e in job["exercises"] if e["name"] not in job["skip_exercises"] for case in e["cases"]]
    return b"".join(cells + calls) + b"\n"


def steps(job: dict) -> list[tuple]:
    """The steps of a job in the order a run takes them: ("cell", i)..., ("case", name, k)...,
    then ("finished",)."""
    return [("cell", index) for index, _ in job["cells"]] + [
        ("case", e["name"], k) for e in job["exercises"] if e["name"] not in job["skip_exercises"]
        for k in range(len(e["cases"]))] + [("finished",)]


def cell(index: int) -> dict:
    return {"cell": index}


def cell_done(index: int, error: dict | None) -> dict:
    return {"cell_done": index, "error": error}


def case(name: str, k: int) -> dict:
    return {"case": [name, k]}


def case_done(name: str, k: int, **outcome: object) -> dict:
    """outcome: result=value or error=error."""
    return {"case_done": [name, k], **outcome}


def missing(name: str, functions: Iterable[object]) -> dict:
    return {"missing": [name, [str(f)[:60] for f in list(functions)[:10]]]}


def tampered(names: Iterable[object]) -> dict:
    return {"tampered": [str(n)[:80] for n in list(names)[:20]]}


def machinery(what: object) -> dict:
    return {"machinery": str(what)[:120]}


def stop(reason: str, **details: object) -> dict:
    return {"stop": {"reason": reason, **details}}


def end(reason: str, **details: object) -> dict:
    return {"end": {"reason": reason, **details}}


def run_cell(index: int, source: str) -> dict:
    return {"cell": index, "source": source}


def call(name: str, case: dict) -> dict:
    return {"call": name, "case": case}


def error(kind: object, message: object) -> dict:
    """An error as it travels: its type's name and its message, both cut short."""
    return {"type": str(kind)[:60], "message": str(message)[:500]}
