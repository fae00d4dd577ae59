"""Grading workers: warm processes (autograder.worker) that run jobs in sandboxes."""
from __future__ import annotations

import contextlib
from dataclasses import asdict
import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

from autograder.course_dir import CourseError
from autograder.sandbox import IsolationUnavailable, Limits

if TYPE_CHECKING:
    from collections.abc import Generator

# The worker starts isolated from the grader's environment (-I: no PYTHON* variables, no current
# folder or user site on its path) and gets the grader's import path, read from argv and in the
# grader's order, instead: it imports the same course and pipeline as the grader.
_BOOT = ("import json, site, sys\n"
         "paths = json.loads(sys.argv[1])\n"
         "for path in paths: site.addsitedir(path)\n"
         "sys.path[:] = paths + [path for path in sys.path if path not in paths]\n"
         "from autograder.sandbox import Limits\n"
         "from autograder.worker import main\n"
         "main(Limits(**json.loads(sys.argv[2])), sys.argv[3])\n")
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

    def launch(self) -> Worker:
        """Start the worker process, without waiting for it to warm up (start waits)."""
        environment = {name: os.environ[name] for name in _KEPT if name in os.environ}
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT, json.dumps(import_path()),
             json.dumps(asdict(self.limits)), self.mode],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd="/",
            env={**environment, "PATH": os.defpath})
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
        """Send a job; yield the messages of its sandboxed run up to and including {"end": ...}.
        A caller that stops early still gets the rest read here, so the next job starts clean."""
        if self.process is None or self.process.poll() is not None:
            self.start()
        from autograder.transport import dumps  # with numpy: not needed to launch a worker
        self.process.stdin.write(dumps(job))
        self.process.stdin.flush()
        message = {}
        try:
            while "end" not in message:
                message = self._next()
                yield message
        finally:
            while "end" not in message:
                message = self._next()

    def _next(self):
        line = self.process.stdout.readline()
        if not line:
            self.process = None
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


def import_path() -> list[str]:
    """The grader's import path without the current folder (nor '' for it)."""
    here = os.path.realpath(os.getcwd())
    return [p for p in sys.path if p and os.path.isdir(p) and os.path.realpath(p) != here]
