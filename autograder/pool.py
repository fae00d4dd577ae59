"""Grading workers: warm processes (autograder.worker) that run jobs in sandboxed children."""
from dataclasses import asdict
import json
import subprocess
import sys

from autograder.sandbox import Limits
from autograder.transport import dumps


class Worker:
    """One worker process, for one grading thread at a time. slot: its number."""

    def __init__(self, slot, limits=Limits()):
        self.slot, self.limits = slot, limits
        self.process = None
        self.protections = None

    def start(self):
        """Start the worker process and wait until it has warmed up."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.worker", str(self.slot), json.dumps(asdict(self.limits))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        ready = self._next()
        if "ready" not in ready:
            raise RuntimeError("a grading worker did not start: run `python -m autograder.worker 0 {}` "
                               "to see why")
        self.protections = ready["ready"]
        return self

    def run(self, job):
        """Send a job; yield the messages of its sandboxed run up to and including {"end": ...}.
        A caller that stops early still gets the rest read here, so the next job starts clean."""
        if self.process is None or self.process.poll() is not None:
            self.start()
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

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()   # the worker ends when its input does
            self.process = None
