"""The messages of a grading run, in one place: the job the grader sends, the report the runner
writes, the requests the runner makes of the student's process and its replies. Each is one line
of JSON; values travel in autograder.transport's form; every text is cut to a bounded length.

Job (grader -> worker -> runner): `job(...)`.
Report (runner -> worker -> grader): `cell(i)` before cell i and `cell_done(i, error)` after it;
per exercise `case(name, k)` before case k and `case_done(name, k, result=... | error=...)` after
it; `missing(name, functions)` in place of the first case_done when the exercise's function is not
defined; `tampered(names)` and `machinery(what)` during a step; `stop(reason)` when the student's
process ended, ran out of time or broke the protocol in a step (the run ends there); FINISHED
last. The worker ends every run with `end(reason)`.
Requests (runner -> student's process): `run_cell(i, source)` -> cell_done(i, error);
`call(name, case)` -> {"result": value} | {"error": error} | {"missing": [functions]}; before a
reply the student's process may send tampered(...) and machinery(...).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

STOP_REASONS = ("timeout", "signal", "exited", "too much", "garbled", "sandbox")
FINISHED = {"finished": True}


def job(cells: Iterable[tuple[int, str]], cases: Mapping[str, Iterable[dict]],
        settled: Iterable[str]) -> dict:
    """cells: [(index, source)] to run; cases: exercise name -> its cases, encoded; settled: the
    exercises not to call again."""
    return {"cells": [[index, source] for index, source in cells],
            "exercises": [{"name": name, "cases": list(each)} for name, each in cases.items()],
            "skip_exercises": sorted(settled)}


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
