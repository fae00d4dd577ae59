"""Grading workers: warm processes (autograder.worker) that run jobs in sandboxes. The workers of
a pool are forked by one process that warmed up once for them all (its _Zygote here)."""
from __future__ import annotations

import contextlib
from dataclasses import asdict
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING

from autograder.course_dir import CourseError
from autograder.sandbox import IsolationUnavailable, Limits

if TYPE_CHECKING:
    from collections.abc import Generator, Sequence

# The worker starts isolated from the grader's environment (-I: no PYTHON* variables, no current
# folder or user site on its path) and gets the grader's import path, read from argv and in the
# grader's order, instead: it imports the same course and pipeline as the grader.
_BOOT = ("import json, site, sys\n"
         "paths = json.loads(sys.argv[1])\n"
         "for path in paths: site.addsitedir(path)\n"
         "sys.path[:] = paths + [path for path in sys.path if path not in paths]\n"
         "from autograder.sandbox import Limits\n"
         "from autograder.worker import main\n"
         "main(Limits(**json.loads(sys.argv[2])), sys.argv[3], json.loads(sys.argv[4]))\n")
# the only variables a worker gets: nothing secret of the grader's (keys, database URLs) may be
# in the memory a sandboxed run is forked from
_KEPT = ("HOME", "LANG", "LC_ALL", "TMPDIR", "MPLCONFIGDIR")
STOP_SECONDS = 5   # how long stop() waits for a worker to end before it kills it


class StaleWorker(CourseError):
    """A grading worker imported another course package than its grader; the message says how
    to grade with one."""


class Worker:
    """One worker process, for one grading thread at a time. slot: its number; mode: the
    isolation mode (see autograder.sandbox), or "auto" for the strongest the worker's machine
    gives."""

    def __init__(self, slot: int, limits: Limits = Limits(), mode: str = "auto") -> None:
        self.slot, self.limits, self.mode = slot, limits, mode
        self.process = None
        self.protections = None
        self._ended = True   # whether the running job's report has been read to its end

    def launch(self) -> Worker:
        """Start the worker process, without waiting for it to warm up (start waits)."""
        launch([self])
        return self

    def start(self) -> Worker:
        """Start the worker process (unless launched) and wait until it has warmed up; raises
        IsolationUnavailable when its machine gives no isolation."""
        if self.process is None or self.process.poll() is not None:
            self.launch()
        ready = self._next().get("ready")
        if not isinstance(ready, dict):
            raise RuntimeError("a grading worker did not start: run `backprop-course autograde "
                               "--workers 1` on one submission to see why")
        if "refused" in ready:
            self.stop()
            from autograder.sandbox import advice
            raise IsolationUnavailable(advice(ready["refused"]))
        self.mode, self.protections = ready["mode"], ready["protections"]
        self._same_course(ready.get("course"))
        return self

    def _same_course(self, theirs):
        """Refuse (StaleWorker) a worker that imported another course package than this grader:
        run from a source folder that is not the installed one, the workers (which never import
        the current folder) would judge with other exercises."""
        from course.version import identity
        mine = identity()
        if theirs != mine:
            self.stop()
            version, folder = theirs if isinstance(theirs, list) and len(theirs) == 2 else ("?", "?")
            raise StaleWorker(
                f"the grading workers import course {version} from {folder}, but this grader runs "
                f"course {mine[0]} from {mine[1]}: grade with one installation (pip install -e "
                f"{os.path.dirname(mine[1])}, or run backprop-course from outside that folder)")

    def run(self, job: dict) -> Generator[dict, None, None]:
        """Send a job; yield the messages of its sandboxed run up to and including {"end": ...}
        (autograder.run_report). A caller that stops early still gets the rest read here, so the
        next job starts clean."""
        if self.process is None or self.process.poll() is not None:
            self.start()
        from autograder import protocol, run_report  # with numpy: not needed to launch a worker
        self.process.stdin.write(protocol.requests(job))
        self.process.stdin.flush()
        self._ended = False
        try:
            yield from run_report.messages(job, self._report())
        finally:
            for _ in self._report():
                pass

    def _report(self):
        """The lines of the running job's report as the worker writes them, up to and with its
        end line; an empty one when the worker died."""
        while not self._ended:
            line = self.process.stdout.readline()
            self._ended = not line or line.startswith(b'{"end"')
            if not line:
                self.stop()   # reaped
            yield line

    def _next(self):
        line = self.process.stdout.readline()
        if not line:
            self.stop()   # reaped
            return {"end": {"reason": "worker died"}}
        return json.loads(line)

    def stop(self) -> None:
        """End the worker process and reap it: it ends when its input closes; one that has not
        within STOP_SECONDS (a job still running) is killed. Does nothing without a process."""
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(BrokenPipeError):   # a worker that died with a job unsent
            process.stdin.close()
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def launch(workers: Sequence[Worker]) -> Sequence[Worker]:
    """Start the processes of these workers (all of one limits and mode) without waiting for them
    to warm up (Worker.start waits): one process warms up once and forks them, each with a job
    pipe and a report pipe of its own. Returns workers."""
    ends = [(os.pipe(), os.pipe()) for _ in workers]   # ((jobs read, write), (reports read, write))
    theirs = [[jobs[0], reports[1]] for jobs, reports in ends]
    environment = {name: os.environ[name] for name in _KEPT if name in os.environ}
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT, json.dumps(import_path()),
             json.dumps(asdict(workers[0].limits)), workers[0].mode, json.dumps(theirs)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, cwd="/",
            env={**environment, "PATH": os.defpath}, pass_fds=[fd for pair in theirs for fd in pair])
    except BaseException:
        for jobs, reports in ends:
            os.close(jobs[1])
            os.close(reports[0])
        raise
    finally:
        for fd in (fd for pair in theirs for fd in pair):
            os.close(fd)
    zygote = _Zygote(process, len(workers))
    for index, (worker, (jobs, reports)) in enumerate(zip(workers, ends)):
        worker.process = _Forked(zygote, index, os.fdopen(jobs[1], "wb"), os.fdopen(reports[0], "rb"))
    return workers


class _Zygote:
    """The process that warmed up once and forked the workers of one launch: on its stdout it says
    their pids ({"pids": [...]}), then [index, exit code] as each ends; it ends after them."""

    def __init__(self, process: subprocess.Popen, count: int) -> None:
        self.process, self.count = process, count
        self.pids, self.codes = None, {}
        self._lock, self._pending = threading.Lock(), b""

    def pid(self, index: int) -> int | None:
        """The pid of worker index, once forked (the wait is the warm-up); None if it never was."""
        self._until(lambda: self.pids is not None, None)
        return self.pids[index] if index < len(self.pids) else None

    def code(self, index: int, timeout: float | None) -> int | None:
        """The exit code of worker index, once it has ended, waiting at most timeout seconds (None:
        as long as it takes); None if it has not ended by then."""
        return self.codes[index] if self._until(lambda: index in self.codes, timeout) else None

    def _until(self, done, timeout):
        """Take in what the process says until done() holds (True) or timeout seconds have passed
        (False; None: no limit); other threads get the lock between reads."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                if done():
                    return True
                left = 0.05 if deadline is None else deadline - time.monotonic()
                self._read(min(0.05, max(0.0, left)))
                if done():
                    return True
            if deadline is not None and time.monotonic() >= deadline:
                return False

    def _read(self, timeout):
        """Take in what the process says next; False if it said nothing within timeout seconds."""
        while b"\n" not in self._pending:
            if not select.select([self.process.stdout], [], [], timeout)[0]:
                return False
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:   # it ended: so did every worker it has not reported (or never forked)
                self._ended()
                return True
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        said = json.loads(line)
        if isinstance(said, dict):
            self.pids = said["pids"]
        else:
            self.codes[said[0]] = said[1]
            if len(self.codes) == self.count:
                self._ended()
        return True

    def _ended(self):
        code = self.process.wait()   # reaped: the workers' CPU time is counted in the grader's
        self.process.stdout.close()
        self.pids = [] if self.pids is None else self.pids
        for index in range(self.count):
            self.codes.setdefault(index, code)


class _Forked:
    """One worker of a _Zygote, with what a Worker uses of a Popen (stdin, stdout, pid, poll, wait,
    kill, returncode)."""

    def __init__(self, zygote: _Zygote, index: int, stdin, stdout) -> None:
        self.zygote, self.index, self.stdin, self.stdout = zygote, index, stdin, stdout
        self.returncode = None

    @property
    def pid(self) -> int | None:
        return self.zygote.pid(self.index)

    def poll(self) -> int | None:
        self.returncode = self.zygote.code(self.index, 0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        self.returncode = self.zygote.code(self.index, timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(f"grading worker {self.index}", timeout)
        return self.returncode

    def kill(self) -> None:
        """Kill the worker (or, before it is forked, the process that would fork it)."""
        if self.zygote.pids is None:
            self.zygote.process.kill()
        elif self.poll() is None:   # not yet reaped, so its pid is still its own
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


def import_path() -> list[str]:
    """The grader's import path without the current folder (nor '' for it)."""
    here = os.path.realpath(os.getcwd())
    return [p for p in sys.path if p and os.path.isdir(p) and os.path.realpath(p) != here]
