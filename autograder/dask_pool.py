"""Grading workers on a Dask cluster: the untrusted runs go to the cluster, judging stays here.

A grading thread drives a DaskWorker exactly as it drives a local autograder.pool.Worker. Each run
of a submission becomes one Dask task holding the whole job (the notebook's cells and the cases,
read and drawn by the coordinator), so a Dask worker needs the course package but not the course
folder. On the Dask worker the task hands the job to a warm autograder.worker process of its own
(one per Dask worker thread, started on first use), which runs it in the same sandbox, with the
same limits, as local grading. What comes back is the run's messages as one JSON text: plain
numbers and arrays in transport's form, never a pickled object. A task whose Dask worker died is
run again by Dask on another; its one result is recorded once.
"""
from __future__ import annotations

from dataclasses import asdict
import json
import threading
from typing import TYPE_CHECKING

from autograder.course_dir import CourseError
from autograder.pool import Worker
from autograder.sandbox import IsolationUnavailable, Limits
from autograder.versions import stale_workers
from course.version import installed

if TYPE_CHECKING:
    from collections.abc import Generator, Mapping, Sequence

    from distributed import Client

_warm = threading.local()   # on a Dask worker: this thread's warm grading processes, by limits


def run_on_dask_worker(job: dict, limits: dict, mode: str) -> str:
    """A Dask task: run one job in the sandbox of this thread's warm grading process.
    limits: a Limits as a dict; mode: "auto" or "none". Returns the run's messages, up to its
    {"end": ...}, as JSON text."""
    return json.dumps(list(_warm_worker(Limits(**limits), mode).run(job)))


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


class DaskWorker:
    """Stands in for autograder.pool.Worker in a grading thread; its jobs run on the cluster."""

    def __init__(self, client: Client, limits: Limits, asked: str, mode: str) -> None:
        self.client, self.limits, self.asked, self.mode = client, asdict(limits), asked, mode

    def start(self) -> DaskWorker:
        return self

    def run(self, job: dict) -> Generator[dict, None, None]:
        """Yield the messages of the job's sandboxed run on some Dask worker, ending with
        {"end": ...}; a job that brought down every Dask worker Dask tried ends as "worker died"."""
        from distributed import KilledWorker
        future = self.client.submit(run_on_dask_worker, job, self.limits, self.asked, pure=False)
        try:
            text = future.result()
        except KilledWorker:
            yield {"end": {"reason": "worker died"}}
            return
        yield from json.loads(text)

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

    def workers(self, submissions: int) -> list[DaskWorker]:
        """Grading threads' workers: two per task slot of the cluster (one waits on the cluster
        while the other's result is judged here), at most one per submission."""
        return [DaskWorker(self.client, self.limits, self.asked, self.mode)
                for _ in range(max(1, min(2 * self.threads, submissions)))]

    def __enter__(self) -> DaskCluster:
        return self

    def __exit__(self, *exc: object) -> None:
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
