"""Grading workers on a Dask cluster: each submitted notebook is run and judged there.

A grading thread drives a DaskWorker where it would drive a local autograder.pool.Worker: it reads
the submission, and hands each readable notebook (its spec, the cells to run, what was tampered
with) to the cluster, which sends back the notebook's ExerciseResults and notes; the coordinator,
which keeps up with many workers, then only records them. A Dask worker needs the course package
but not the course folder: the instructor's functions' source (the reference for the exact
answers) travels with the notebook. The cluster's dispatcher gathers the notebooks its grading
threads hand it into batches (up to a batch's size, or what came within GATHER seconds) and sends
each batch as one Dask task: a task costs the coordinator's Dask client a few milliseconds
whatever it holds. On the Dask worker the task grades its notebooks one after another with
autograder.grading.grade_notebook, as local grading does: the hidden cases drawn there, each run
in its own sandbox of a warm autograder.worker process (one per Dask worker thread, started on
first use) with the same limits, the messages followed and judged in the Dask worker's process,
which student code never runs in.

A task whose Dask worker died is run again by Dask on another; its one result is recorded once.
A batch that killed every worker Dask tried is split: each of its notebooks runs again as a task
of its own, so that only the one that kills workers ends as "worker died".
"""
from __future__ import annotations

from dataclasses import asdict
import functools
import queue
import threading
from typing import TYPE_CHECKING

import numpy as np

from autograder.batching import gathered
from autograder.course_dir import CourseError
from autograder.pool import Worker
from autograder.reference import exact_outputs, namespace_of
from autograder.sandbox import IsolationUnavailable, Limits
from autograder.submission import SubmittedNotebook
from autograder.versions import stale_workers
from course.version import installed

if TYPE_CHECKING:
    from collections.abc import Generator, Mapping, Sequence

    from distributed import Client

    from autograder.reference import Sources
    from autograder.results import ExerciseResult

_warm = threading.local()   # on a Dask worker: this thread's warm grading processes, by limits

BATCH = 8      # notebooks in one Dask task, at most
GATHER = 0.1   # seconds a batch waits for more notebooks after its first


def grade_on_dask_worker(notebooks: list[dict], limits: dict, mode: str,
                         sources: list[Sources | None]) -> list[list]:
    """A Dask task: grade the notebooks one after another (grade_notebook), their runs in this
    thread's warm grading process. notebooks: each as _payload() makes it; limits: a Limits as a
    dict; mode: "auto" or "none"; sources: per notebook, its assignment's instructor_sources (None:
    no exact reference). Returns, for each notebook, [its ExerciseResults, its notes]."""
    from autograder.grading import grade_notebook
    worker = _warm_worker(Limits(**limits), mode)
    graded = []
    for notebook, code in zip(notebooks, sources):
        notes = []
        submitted = SubmittedNotebook(notebook["spec"], cells=notebook["cells"],
                                      tampered=notebook["tampered"], everywhere=notebook["everywhere"])
        exact = _exact(tuple(map(tuple, code))) if code else None
        graded.append([grade_notebook(submitted, worker, np.random.default_rng(), notes, exact), notes])
    return graded


@functools.lru_cache(maxsize=64)
def _exact(sources):
    """grading's exact(exercise, k, case) from an assignment's instructor_sources (as a tuple),
    their namespace made once per Dask worker process."""
    namespace = namespace_of(sources)
    return lambda exercise, k, case: exact_outputs(namespace, exercise, case)


def warm_up_dask_worker(limits: dict, mode: str) -> tuple[str, dict[str, list]]:
    """A Dask task: start this thread's warm grading process; returns its isolation mode and the
    sandbox protections it reports (name -> [active, how])."""
    worker = _warm_worker(Limits(**limits), mode)
    return worker.mode, worker.protections


def _warm_worker(limits, mode):
    workers = _warm.__dict__.setdefault("workers", {})
    if (limits, mode) not in workers:
        workers[limits, mode] = Worker(0, limits, mode).start()
    return workers[limits, mode]


_DIED = "worker died"   # the outcome of a notebook that brought down every Dask worker tried


def _payload(submitted: SubmittedNotebook) -> dict:
    """What grade_on_dask_worker needs of a readable submitted notebook (not the notebook)."""
    return {"spec": submitted.spec, "cells": submitted.cells, "tampered": submitted.tampered,
            "everywhere": submitted.everywhere}


class _Pending:
    """One notebook handed to the dispatcher (with its assignment's instructor_sources), until its
    verdicts (or an error) come back."""

    def __init__(self, notebook: dict, sources: Sources | None) -> None:
        self.notebook, self.sources = notebook, sources
        self.graded, self.error = None, None
        self._ready = threading.Event()

    def settle(self, graded: list | str | None, error: BaseException | None = None) -> None:
        """graded: [ExerciseResults, notes] or _DIED (None with an error)."""
        if not self._ready.is_set():   # the first outcome stands
            self.graded, self.error = graded, error
            self._ready.set()

    def outcome(self) -> list | str:
        self._ready.wait()
        if self.error is not None:
            raise self.error
        return self.graded


class _Dispatcher:
    """Gathers the notebooks of a cluster's grading threads into batches and grades each batch as
    one Dask task (grade_on_dask_worker); hands each notebook's verdicts back to the thread that
    gave it."""

    def __init__(self, client: Client, limits: dict, asked: str, size: int) -> None:
        self.client, self.limits, self.asked, self.size = client, limits, asked, size
        self.pending = queue.Queue()
        self.running = {}   # future -> the _Pendings of its batch
        self.lock = threading.Lock()
        self.closed = False
        self.thread = threading.Thread(target=self._gather, name="dask-dispatcher", daemon=True)
        self.thread.start()

    def grade(self, notebook: dict, sources: Sources | None) -> list | str:
        """[ExerciseResults, notes] of the notebook (a _payload) graded on some Dask worker, or
        _DIED (waits for them)."""
        pending = _Pending(notebook, sources)
        with self.lock:
            if self.closed:
                raise RuntimeError("the connection to the Dask cluster is closed")
            self.pending.put(pending)
        return pending.outcome()

    def _gather(self):
        while (first := self.pending.get()) is not None:
            self._send(gathered(self.pending, first, self.size, GATHER))

    def _send(self, batch):
        try:
            future = self.client.submit(grade_on_dask_worker, [each.notebook for each in batch],
                                        self.limits, self.asked, [each.sources for each in batch],
                                        pure=False)
        except Exception as error:  # noqa: BLE001 (each grading thread raises it)
            for each in batch:
                each.settle(None, error)
            return
        with self.lock:
            self.running[future] = batch   # a future let go of would cancel its task
        future.add_done_callback(self._done)

    def _done(self, future):
        """In Dask's callback thread: hand each notebook its verdicts; a batch whose task killed
        every worker Dask tried runs again one notebook per task, a lone one ends as _DIED."""
        from distributed import KilledWorker
        with self.lock:
            batch = self.running.pop(future)
        try:
            outcomes = future.result()
            if (not isinstance(outcomes, list) or len(outcomes) != len(batch)
                    or not all(isinstance(outcome, list) and len(outcome) == 2
                               and isinstance(outcome[0], list) and isinstance(outcome[1], list)
                               for outcome in outcomes)):
                raise ValueError("a grading task returned something other than verdicts and "
                                 "notes per notebook")
        except KilledWorker:
            if len(batch) > 1 and not self.closed:
                for each in batch:
                    self._send([each])
                return
            outcomes = [_DIED for _ in batch]
        except BaseException as error:  # noqa: BLE001 (each grading thread raises it)
            for each in batch:
                each.settle(None, error)
            return
        for each, outcome in zip(batch, outcomes):
            each.settle(outcome)

    def close(self) -> None:
        """Stop taking notebooks; a grading thread still waiting gets an error."""
        with self.lock:
            self.closed = True
            waiting = [each for batch in self.running.values() for each in batch]
        self.pending.put(None)
        self.thread.join(timeout=10)
        while True:
            try:
                each = self.pending.get_nowait()
            except queue.Empty:
                break
            if each is not None:
                waiting.append(each)
        for each in waiting:
            each.settle(None, RuntimeError("the connection to the Dask cluster was closed"))


class _FellOver:
    """A worker whose every run ends as "worker died": how a notebook that brought down every
    Dask worker Dask tried is graded."""

    @staticmethod
    def run(job: dict) -> Generator[dict, None, None]:
        yield {"end": {"reason": _DIED}}


class DaskWorker:
    """Stands in for autograder.pool.Worker in a grading thread: the notebooks it is given are run
    and judged on the cluster. sources: exercise name -> its assignment's instructor_sources."""

    def __init__(self, dispatcher: _Dispatcher, mode: str, sources: Mapping[str, Sources]) -> None:
        self.dispatcher, self.mode, self.sources = dispatcher, mode, sources

    def start(self) -> DaskWorker:
        return self

    def grade_notebook(self, submitted: SubmittedNotebook, notes: list[str]) -> list[ExerciseResult]:
        """grading.grade_notebook's ExerciseResults of a readable submitted notebook, worked out
        on some Dask worker (its notes added to notes); a notebook that brought down every Dask
        worker Dask tried ends as "worker died"."""
        from autograder.grading import grade_notebook
        cells = submitted.spec.graded
        outcome = self.dispatcher.grade(_payload(submitted),
                                        self.sources.get(cells[0].exercise) if cells else None)
        if outcome == _DIED:
            return grade_notebook(submitted, _FellOver(), np.random.default_rng(), notes, None)
        verdicts, more = outcome
        notes += more
        return verdicts

    def stop(self) -> None:
        pass


class DaskCluster:
    """A connection to a Dask scheduler for one grading run (a context manager).

    protections: the sandbox protections of its workers, each on only if it is on for every one;
    mode: their isolation modes; threads: how many tasks the workers run at once. asked: "auto"
    (each worker isolates as strongly as its machine allows, or refuses) or "none"."""

    def __init__(self, address: str, limits: Limits = Limits(), asked: str = "auto",
                 timeout: float = 30) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise CourseError("grading on a cluster needs Dask: pip install 'backprop-course[dask]' "
                              "here and on every Dask worker") from None
        self.limits, self.asked = limits, asked
        self.dispatcher = None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, ValueError) as error:
            raise CourseError(f"cannot reach the Dask scheduler at {address} ({error}): start one "
                              "with `dask scheduler` and workers with `dask worker ADDRESS`, or "
                              "grade on this machine without --scheduler") from None
        try:
            self._wait_for_workers(address, timeout)
            self.protections = self._warm_up()
        except BaseException:
            self.client.close()
            raise
        self.threads = sum(self.client.nthreads().values())

    def _wait_for_workers(self, address, timeout):
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise CourseError(f"no Dask worker joined the scheduler at {address} in {timeout} s: "
                              f"start some with `dask worker {address}`") from None

    def _warm_up(self):
        """Start a warm grading process on every worker; their protections, merged. Refuses
        workers whose course version differs from this machine's."""
        stale = stale_workers(self.client.run(installed, on_error="return"))
        if stale:
            raise CourseError(stale)
        workers = list(self.client.nthreads())
        futures = [self.client.submit(warm_up_dask_worker, asdict(self.limits), self.asked,
                                      workers=[address], allow_other_workers=False, pure=False)
                   for address in workers]
        reports, modes = {}, set()
        for address, future in zip(workers, futures):
            try:
                mode, reports[address] = future.result()
                modes.add(mode)
            except IsolationUnavailable as error:
                raise IsolationUnavailable(f"on the Dask worker {address}: {error}") from None
            except Exception as error:
                raise CourseError(f"the Dask worker {address} cannot grade ({type(error).__name__}: "
                                  f"{error}): install this course on every worker") from None
        self.mode = ",".join(sorted(modes))
        return weakest(reports)

    def workers(self, submissions: int, sources: Mapping[str, Sources]) -> list[DaskWorker]:
        """Grading threads' workers, at most one per submission: for each task slot of the
        cluster, two batches' worth (one batch runs there while the other's results are judged
        here and its next jobs gathered). A batch holds up to BATCH jobs, fewer when there are too
        few submissions to give every slot two batches. sources: exercise name -> its
        assignment's instructor_sources, sent with its jobs."""
        size = max(1, min(BATCH, submissions // (2 * self.threads)))
        if self.dispatcher is None:
            self.dispatcher = _Dispatcher(self.client, asdict(self.limits), self.asked, size)
        self.dispatcher.size = size
        return [DaskWorker(self.dispatcher, self.mode, sources)
                for _ in range(max(1, min(2 * size * self.threads, submissions)))]

    def __enter__(self) -> DaskCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.dispatcher is not None:
            self.dispatcher.close()
        self.client.close()


def weakest(reports: Mapping[str, Mapping[str, Sequence]]) -> dict[str, tuple[bool, str]]:
    """One protections dict for many workers (address -> name -> (active, how)): a protection is
    active only if every worker has it, and otherwise says where it is off."""
    merged = {}
    for address, protections in reports.items():
        for name, (active, how) in protections.items():
            if name not in merged or (merged[name][0] and not active):
                merged[name] = (active, how if active else f"{how} (on {address})")
    return merged
