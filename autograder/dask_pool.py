"""Grading workers on a Dask cluster: the untrusted runs go to the cluster, judging stays here.

A grading thread drives a DaskWorker exactly as it drives a local autograder.pool.Worker. A run
of a submission is a job holding everything it needs (the notebook's cells and the cases, read
and drawn by the coordinator), so a Dask worker needs the course package but not the course
folder. The cluster's dispatcher gathers the jobs its grading threads hand it into batches (up to
a batch's size, or what came within GATHER seconds) and sends each batch as one Dask task: a task
costs the coordinator's Dask client a few milliseconds whatever it holds. On the Dask worker the
task hands its jobs one after another to a warm autograder.worker process of its own (one per
Dask worker thread, started on first use), which runs each in its own sandbox, with the same
limits, as local grading. Beside each run the Dask worker computes the right answers to the job's
hidden cases (autograder.answers, from the instructor's functions' source sent with the job), so
that the coordinator, which keeps up with many workers, mostly compares. What comes back is each
run's messages as a JSON text of its own: plain numbers and arrays in transport's form, never a
pickled object; each grading thread gets (and parses) its own job's. Only the answers, computed
by trusted code from the coordinator's cases, travel as Dask's own values.

A task whose Dask worker died is run again by Dask on another; its one result is recorded once.
A batch that killed every worker Dask tried is split: each of its jobs runs again as a task of
its own, so that only the job that kills workers ends as "worker died".
"""
from __future__ import annotations

from dataclasses import asdict
import json
import queue
import threading
from typing import TYPE_CHECKING

from autograder.answers import hidden_answers
from autograder.batching import gathered
from autograder.course_dir import CourseError
from autograder.pool import Worker
from autograder.sandbox import IsolationUnavailable, Limits
from autograder.versions import stale_workers
from course.version import installed

if TYPE_CHECKING:
    from collections.abc import Generator, Mapping, Sequence

    from distributed import Client

    from autograder.answers import Answers
    from autograder.reference import Sources

_warm = threading.local()   # on a Dask worker: this thread's warm grading processes, by limits

BATCH = 8      # jobs in one Dask task, at most
GATHER = 0.1   # seconds a batch waits for more jobs after its first
_DIED = json.dumps([{"end": {"reason": "worker died"}}])


def run_on_dask_worker(jobs: list[dict], limits: dict, mode: str,
                       sources: list[Sources | None]) -> list[list]:
    """A Dask task: run the jobs one after another, each in its own sandbox, in this thread's
    warm grading process. limits: a Limits as a dict; mode: "auto" or "none"; sources: per job,
    its assignment's instructor_sources (None: no answers wanted). Returns, for each job, [its
    run's messages up to its {"end": ...} as one JSON text, the hidden cases' Answers]."""
    worker = _warm_worker(Limits(**limits), mode)
    return [[json.dumps(list(worker.run(job))), hidden_answers(job, code) if code else {}]
            for job, code in zip(jobs, sources)]


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


class _Run:
    """One job handed to the dispatcher (with its assignment's instructor_sources), until its
    messages and answers (or an error) come back."""

    def __init__(self, job: dict, sources: Sources | None) -> None:
        self.job, self.sources = job, sources
        self.text, self.answers, self.error = None, {}, None
        self._ready = threading.Event()

    def settle(self, outcome: list | None, error: BaseException | None = None) -> None:
        """outcome: [messages as JSON text, Answers] (None with an error)."""
        if not self._ready.is_set():   # the first outcome stands
            if outcome is not None:
                self.text, self.answers = outcome
            self.error = error
            self._ready.set()

    def outcome(self) -> tuple[list[dict], Answers]:
        """The run's messages, parsed here (in the grading thread) from their JSON text, and the
        answers computed beside it."""
        self._ready.wait()
        if self.error is not None:
            raise self.error
        return json.loads(self.text), self.answers


class _Dispatcher:
    """Gathers the jobs of a cluster's grading threads into batches and runs each batch as one
    Dask task (run_on_dask_worker); hands each job's messages back to the thread that gave it."""

    def __init__(self, client: Client, limits: dict, asked: str, size: int) -> None:
        self.client, self.limits, self.asked, self.size = client, limits, asked, size
        self.jobs = queue.Queue()
        self.running = {}   # future -> the _Runs of its batch
        self.lock = threading.Lock()
        self.closed = False
        self.thread = threading.Thread(target=self._gather, name="dask-dispatcher", daemon=True)
        self.thread.start()

    def run(self, job: dict, sources: Sources | None) -> tuple[list[dict], Answers]:
        """The messages of the job's sandboxed run on some Dask worker and the answers to its
        hidden cases (waits for them)."""
        run = _Run(job, sources)
        with self.lock:
            if self.closed:
                raise RuntimeError("the connection to the Dask cluster is closed")
            self.jobs.put(run)
        return run.outcome()

    def _gather(self):
        while (first := self.jobs.get()) is not None:
            self._send(gathered(self.jobs, first, self.size, GATHER))

    def _send(self, batch):
        try:
            future = self.client.submit(run_on_dask_worker, [run.job for run in batch],
                                        self.limits, self.asked, [run.sources for run in batch],
                                        pure=False)
        except Exception as error:  # noqa: BLE001 (each grading thread raises it)
            for run in batch:
                run.settle(None, error)
            return
        with self.lock:
            self.running[future] = batch   # a future let go of would cancel its task
        future.add_done_callback(self._done)

    def _done(self, future):
        """In Dask's callback thread: hand each job its messages; a batch whose task killed every
        worker Dask tried runs again one job per task, a lone job ends as "worker died"."""
        from distributed import KilledWorker
        with self.lock:
            batch = self.running.pop(future)
        try:
            outcomes = future.result()
            if (not isinstance(outcomes, list) or len(outcomes) != len(batch)
                    or not all(isinstance(outcome, list) and len(outcome) == 2
                               and isinstance(outcome[0], str) and isinstance(outcome[1], dict)
                               for outcome in outcomes)):
                raise ValueError("a grading task returned something other than a text and "
                                 "answers per job")
        except KilledWorker:
            if len(batch) > 1 and not self.closed:
                for run in batch:
                    self._send([run])
                return
            outcomes = [[_DIED, {}] for _ in batch]
        except BaseException as error:  # noqa: BLE001 (each grading thread raises it)
            for run in batch:
                run.settle(None, error)
            return
        for run, outcome in zip(batch, outcomes):
            run.settle(outcome)

    def close(self) -> None:
        """Stop taking jobs; a grading thread still waiting gets an error."""
        with self.lock:
            self.closed = True
            waiting = [run for batch in self.running.values() for run in batch]
        self.jobs.put(None)
        self.thread.join(timeout=10)
        while True:
            try:
                run = self.jobs.get_nowait()
            except queue.Empty:
                break
            if run is not None:
                waiting.append(run)
        for run in waiting:
            run.settle(None, RuntimeError("the connection to the Dask cluster was closed"))


class DaskWorker:
    """Stands in for autograder.pool.Worker in a grading thread; its jobs run on the cluster.
    sources: exercise name -> its assignment's instructor_sources."""

    def __init__(self, dispatcher: _Dispatcher, mode: str, sources: Mapping[str, Sources]) -> None:
        self.dispatcher, self.mode, self.sources = dispatcher, mode, sources
        self._answers = {}

    def start(self) -> DaskWorker:
        return self

    def run(self, job: dict) -> Generator[dict, None, None]:
        """Yield the messages of the job's sandboxed run on some Dask worker, ending with
        {"end": ...}; a job that brought down every Dask worker Dask tried ends as "worker died"."""
        names = [each["name"] for each in job["exercises"]]
        sources = self.sources.get(names[0]) if names else None
        messages, self._answers = self.dispatcher.run(job, sources)
        yield from messages

    def answers(self) -> Answers:
        """The answers to the hidden cases of the last job run, computed on the Dask worker."""
        return self._answers

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
