"""The runner: the trusted half of a sandboxed run, PID 1 of the run's PID namespace.

It forks the student's process (autograder.student) before it reads the job, then asks it for one
step at a time: each notebook cell, then each exercise on each case. It keeps the deadlines (CPU
seconds of the student's process per step, with a wall-clock backstop), accepts only a reply of
the form the request calls for, and writes the report, one JSON line per message, on the pipe to
the worker (autograder.protocol). Student code never holds that pipe, the job, or the cases still
to come.
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import time
from typing import TYPE_CHECKING

from autograder import namespaces, protocol, student
from autograder.transport import TransportError, decode, dumps

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import NoReturn

    from autograder.sandbox import Limits
    from course.checks import Exercise

WALL_FACTOR = 3             # a step may take this many times its CPU seconds of wall-clock time
MAX_REPLY = 16 * 2**20      # bytes of one reply of the student's process


def run(job: memoryview, report_fd: int, limits: Limits, mode: str, uid: int,
        calls: Mapping[str, Exercise], address_space: int) -> NoReturn:
    """Run one job; never returns. job: a buffer holding its JSON (autograder.protocol.job); the
    other arguments are handed to autograder.student.serve."""
    steps = None
    try:
        namespaces.prctl(namespaces.PR_SET_DUMPABLE, 0)   # no ptrace, no reading its memory
        namespaces.prctl(namespaces.PR_SET_PDEATHSIG, signal.SIGKILL)   # ends with its worker
        signal.signal(signal.SIGINT, signal.SIG_IGN)      # PID 1 gets only signals it handles
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            ours.close()
            student.serve(theirs, job, limits, mode, uid, calls, address_space)
        theirs.close()
        steps = Steps(pid, ours, report_fd, limits)
        steps.run(json.loads(bytes(job)))
    finally:
        try:
            if steps is not None:
                steps.end()
        finally:
            os._exit(0)


class Stopped(Exception):
    """The student's process can go no further in this run; args[0] is the stop message."""


class Steps:
    """Drives the student's process (pid, on socket sock) through a job, reporting on report_fd."""

    def __init__(self, pid: int, sock: socket.socket, report_fd: int, limits: Limits) -> None:
        self.pid, self.sock, self.report_fd, self.limits = pid, sock, report_fd, limits
        self.clock = (~pid << 3) | 2     # the CPU-time clock of that process (CPUCLOCK_SCHED)
        self.buffer = bytearray()
        self.reaped = False

    def run(self, job: dict) -> None:
        try:
            self._cells(job["cells"])
            skip = set(job.get("skip_exercises", ()))
            for exercise in job["exercises"]:
                if exercise["name"] not in skip:
                    self._exercise(exercise["name"], exercise["cases"])
            self.report(protocol.FINISHED)
        except Stopped as stopped:
            self.report(stopped.args[0])

    def _cells(self, cells):
        for index, source in cells:
            self.report(protocol.cell(index))
            reply = self.ask(protocol.run_cell(index, source), self.limits.cell_seconds)
            if set(reply) != {"cell_done", "error"} or reply["cell_done"] != index:
                raise Stopped(protocol.stop("garbled"))
            self.report(protocol.cell_done(index, _error(reply["error"])))

    def _exercise(self, name, cases):
        for k, case in enumerate(cases):
            self.report(protocol.case(name, k))
            reply = self.ask(protocol.call(name, case), self.limits.case_seconds)
            if set(reply) == {"missing"} and isinstance(reply["missing"], list):
                self.report(protocol.missing(name, reply["missing"]))
                return
            if set(reply) == {"result"}:
                try:
                    decode(reply["result"])
                except TransportError:
                    raise Stopped(protocol.stop("garbled")) from None
                self.report(protocol.case_done(name, k, result=reply["result"]))
            elif set(reply) == {"error"}:
                self.report(protocol.case_done(name, k, error=_error(reply["error"])))
            else:
                raise Stopped(protocol.stop("garbled"))

    def ask(self, request: dict, seconds: float) -> dict:
        """Send a request; return the reply, passing on the notices that come before it."""
        started, wall_end = self._cpu(), time.monotonic() + WALL_FACTOR * seconds
        self.sock.settimeout(WALL_FACTOR * seconds)
        try:
            self.sock.sendall(dumps(request))
        except OSError:   # it does not read: hung, or gone
            raise Stopped(self._ended(timeout=True)) from None
        while True:
            message = self._next(started, seconds, wall_end)
            if set(message) == {"tampered"} and isinstance(message["tampered"], list):
                self.report(protocol.tampered(message["tampered"]))
            elif set(message) == {"machinery"}:
                self.report(protocol.machinery(message["machinery"]))
            else:
                return message

    def _next(self, started, seconds, wall_end):
        """The next message of the student's process, within the step's CPU seconds (counted
        from started) and its wall-clock end."""
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_REPLY:
                raise Stopped(protocol.stop("too much"))
            used, left = self._cpu() - started, wall_end - time.monotonic()
            if used >= seconds or left <= 0:
                raise Stopped(protocol.stop("timeout"))
            ready, _, _ = select.select([self.sock], [], [], max(0.01, min(seconds - used, left)))
            if ready:
                chunk = os.read(self.sock.fileno(), 1 << 16)
                if not chunk:
                    raise Stopped(self._ended())
                self.buffer += chunk
        end = self.buffer.index(b"\n")
        line = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            message = None
        if not isinstance(message, dict):
            raise Stopped(protocol.stop("garbled"))
        return message

    def end(self) -> None:
        """End the student's process and reap it here, so that its CPU time counts in the
        worker's (reaped by the kernel as the namespace ends, its time would be lost)."""
        if not self.reaped:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.reaped = True

    def _cpu(self):
        try:
            return time.clock_gettime(self.clock)
        except OSError:   # already reaped
            return 0.0

    def _ended(self, timeout=False):
        """The stop message for the student's process: it closed its socket, so it should be
        leaving."""
        for _ in range(100):
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.reaped = True
                if os.WIFSIGNALED(status):
                    return protocol.stop("signal", signal=os.WTERMSIG(status))
                return protocol.stop("exited", code=os.WEXITSTATUS(status))
            time.sleep(0.01)
        return protocol.stop("timeout") if timeout else protocol.stop("exited", code=None)

    def report(self, message: dict) -> None:
        data = dumps(message)
        while data:
            data = data[os.write(self.report_fd, data):]


def _error(error):
    """An error description from the student's process, reduced to its agreed form."""
    if not isinstance(error, dict):
        return None if error is None else protocol.error("Exception", "")
    return protocol.error(error.get("type", "Exception"), error.get("message", ""))
