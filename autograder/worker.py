"""Grading workers: warm processes that each run one sandboxed job at a time (autograder.sandbox).

autograder.pool starts one process for a pool of workers, with an empty environment and a path
that holds neither the current folder nor any folder a submission can write, and a pair of pipes
per worker (jobs in, reports out). That process imports what notebooks use once (a sandboxed run
reads no module from disk), removes the course's answer machinery (autograder.answer_machinery)
and forks a worker per pair, so that a pool warms up in the time of one worker. Each worker writes
{"ready": {"mode", "protections", "course"}} (or {"ready": {"refused": why}}) on its report pipe,
then reads jobs on its job pipe: each its requests, one line each, then an empty line
(autograder.protocol.requests). Each job's bytes stay in one buffer, wiped after its run, and are
never parsed here (nor is what a run says), so no run's data is left in the memory the next run is
forked from. The forking process stays their parent: on its stdout it writes {"pids": [...]} once
they are forked, then [index, exit code] as each ends, and it ends when they all have.
"""
from __future__ import annotations

import os

from autograder.environment import BLAS_THREADS

for _name in BLAS_THREADS:
    os.environ[_name] = "1"  # a forked child must not inherit BLAS threads
os.environ.setdefault("MPLBACKEND", "agg")

import contextlib  # noqa: E402
import ctypes  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import pkgutil  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import autograder  # noqa: E402
from autograder import answer_machinery, namespaces, sandbox, student  # noqa: E402,F401 (student: for the sandbox)
from course.version import identity  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from course.checks import Exercise

MAX_JOB = 256 * 2**20   # bytes of one job


# what notebooks import besides the course: loaded here, as a sandboxed run reads no module from disk
PRELOADED = ("collections", "copy", "functools", "itertools", "math", "random", "re", "time",
             "numpy", "numpy.linalg", "numpy.random", "numpy.testing",
             "IPython.core.inputtransformer2", "IPython.core.interactiveshell")
# the system libraries that a package a notebook may import links and numpy has not loaded: loaded
# here, as a sandboxed run sees only the Python installation (matplotlib, not preloaded, needs libdl)
SYSTEM_LIBRARIES = ("libdl.so.2",)


def warm_up() -> None:
    """Import what course notebooks use, so that a sandboxed run never needs to read a module."""
    _without_ipython_terminal()
    for name in PRELOADED:
        importlib.import_module(name)
    for name in SYSTEM_LIBRARIES:
        with contextlib.suppress(OSError):   # none where the C library is not glibc
            ctypes.CDLL(name)
    import course
    import course.exercises  # noqa: F401 (the registry first: it gathers every assignment's)
    for module in pkgutil.walk_packages(course.__path__, "course."):
        importlib.import_module(module.name)
    from IPython.core.inputtransformer2 import TransformerManager
    TransformerManager().transform_cell("%time x = 1\n!ls\n")


def _without_ipython_terminal() -> None:
    """Put a stand-in where IPython's package imports its terminal front end from, only to offer
    IPython.embed: that front end (prompt_toolkit, jedi) is about 0.3 CPU s of the warm-up and 14
    MB of the memory every run is forked from, and a sandboxed run has no terminal to embed in."""
    import types
    stand_in = types.ModuleType("IPython.terminal.embed", _without_ipython_terminal.__doc__)

    def embed(*args: object, **kwargs: object) -> None:
        raise RuntimeError("IPython.embed needs a terminal, and grading has none: take it out")
    stand_in.embed = embed
    sys.modules.setdefault("IPython.terminal.embed", stand_in)


def skip_pictures() -> None:
    """Grading shows nobody a picture: in the sandbox, circuits and explorers draw nothing (a
    notebook cell that draws one still runs the rest of its code)."""
    from course.figures import pictures_off
    pictures_off()


def jobs(fd: int) -> Iterator[memoryview]:
    """Yield each job read from fd (its lines up to and with the empty line that ends it) as a
    memoryview of the start of one buffer; after the caller is done with it, its bytes are wiped."""
    buffer, filled = bytearray(1 << 20), 0
    while True:
        end = _job_end(buffer, filled)
        while end < 0:
            if filled == len(buffer):
                if filled >= MAX_JOB:
                    raise SystemExit("a job is longer than the worker takes")
                buffer = _grown(buffer, filled)
            view = memoryview(buffer)
            count = os.readv(fd, [view[filled:]])
            view.release()
            if count == 0:
                return
            filled += count
            end = _job_end(buffer, filled)
        with memoryview(buffer) as view, view[:end] as job:
            yield job
        address = ctypes.addressof(ctypes.c_char.from_buffer(buffer))
        ctypes.memmove(address, address + end, filled - end)
        ctypes.memset(address + filled - end, 0, end)
        filled -= end


def _job_end(buffer, filled):
    """Where the first job in buffer[:filled] ends (past its empty line), or -1 if it has not."""
    if filled and buffer[0] == ord("\n"):
        return 1
    end = buffer.find(b"\n\n", 0, filled)
    return end + 2 if end >= 0 else -1


def _grown(buffer, filled):
    bigger = bytearray(2 * len(buffer))
    old = ctypes.addressof(ctypes.c_char.from_buffer(buffer))
    ctypes.memmove(ctypes.addressof(ctypes.c_char.from_buffer(bigger)), old, filled)
    ctypes.memset(old, 0, filled)
    return bigger


def sweep() -> None:
    """End and reap every process left to this worker (orphans of a run come here, as it is their
    subreaper); without namespaces this is what ends a run's escaped processes."""
    for _ in range(1000):
        children = _children()
        if not children:
            return
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def _children():
    pids = []
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        try:
            with open(f"/proc/{os.getpid()}/task/{task}/children") as listing:
                pids += [int(pid) for pid in listing.read().split()]
        except OSError:
            pass
    return pids


def main(limits: sandbox.Limits, mode: str, pipes: list[list[int]]) -> None:
    """Warm up once, then fork a worker per (job fd, report fd) pair of pipes and wait for them
    all. mode: "auto" (the strongest isolation here, or refuse), or one of sandbox.MODES."""
    namespaces.prctl(namespaces.PR_SET_PDEATHSIG, signal.SIGKILL)   # the grader went: so do we
    if os.getppid() == 1:
        return
    if mode == "auto":
        mode, why = namespaces.best_mode()
        if mode is None:
            for _, out in pipes:
                with contextlib.suppress(BrokenPipeError):
                    _say(out, {"ready": {"refused": why}})
            return
    sandbox.clear_stale_folders()
    autograder.restore_imports()
    warm_up()
    skip_pictures()
    calls = answer_machinery.purge()
    namespaces.python_paths(), namespaces.hidden_paths()   # worked out here, not in every run
    ready = {"ready": {"mode": mode, "protections": sandbox.protections(mode), "course": identity()}}
    pids = [_fork(index, pipes, lambda: serve(limits, mode, calls, ready)) for index in range(len(pipes))]
    for fd in {fd for pair in pipes for fd in pair}:
        os.close(fd)
    with contextlib.suppress(BrokenPipeError):   # the grader stopped listening: its workers end
        _say(sys.stdout.fileno(), {"pids": pids})
        for _ in pids:
            pid, status = os.wait()
            _say(sys.stdout.fileno(), [pids.index(pid), os.waitstatus_to_exitcode(status)])
    os._exit(0)   # without the shutdown of every module the warm-up loaded


def _fork(index, pipes, serve_jobs):
    """Fork the worker of pipes[index]: its job pipe becomes its stdin and its report pipe its
    stdout, and it holds no other worker's pipe (a report pipe held open elsewhere would hide
    its worker's death). Returns its pid."""
    pid = os.fork()
    if pid:
        return pid
    try:
        namespaces.prctl(namespaces.PR_SET_PDEATHSIG, signal.SIGKILL)   # the forking process went
        jobs_in, reports_out = pipes[index]
        os.dup2(jobs_in, 0)
        os.dup2(reports_out, 1)
        for fd in {fd for pair in pipes for fd in pair}:
            os.close(fd)
        serve_jobs()
    except BaseException:   # a fault of the worker's own (serve_jobs leaves by os._exit)
        traceback.print_exc()
        sys.stderr.flush()
    os._exit(1)


def serve(limits: sandbox.Limits, mode: str, calls: Mapping[str, Exercise], ready: dict) -> None:
    """A worker: say it is ready, then run the jobs read on stdin until it closes, each report
    on stdout."""
    namespaces.prctl(namespaces.PR_SET_CHILD_SUBREAPER, 1)
    out = sys.stdout.fileno()
    # one run folder for all its isolated runs: a folder made and removed for each run frees an
    # inode each time, and on an ext4 without a journal every file made in that block group for
    # minutes after skips each freed one (the grader's files included)
    folder = sandbox.run_folder() if mode != "none" else None
    try:
        _say(out, ready)
        for job in jobs(sys.stdin.fileno()):
            sandbox.run_job(job, limits, mode, out, calls, folder)
            sweep()
    except BrokenPipeError:
        pass   # the grader stopped listening (it ended early): nothing is left to report to
    if folder is not None:
        with contextlib.suppress(OSError):
            os.rmdir(folder)
    # reports go straight to the pipe, so nothing is left to flush: leave without the interpreter's
    # shutdown of every module the warm-up loaded (about 0.1 s the grader would wait for)
    os._exit(0)


def _say(fd, message):
    sandbox.write_all(fd, (json.dumps(message) + "\n").encode())
