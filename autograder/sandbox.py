"""Run student code in a forked, limited child process and relay what it reports.

The child gets its own session (so its whole process group can be killed), stdin, stdout and
stderr on /dev/null, no other open files but its report pipe, caps on CPU time, memory, processes
and file size, a scrubbed environment and, where the operating system allows, no network, an
empty throwaway root directory and an unprivileged user of its own. Wall-clock time is enforced
from outside. `protections()` says which of these are active here.
"""
from dataclasses import dataclass
import ctypes
import json
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import time

from autograder import runner

CLONE_NEWNET = 0x40000000
# A child runs as uid SANDBOX_UID + its pid: a user of its own while it lives, so killing "every
# process of that user" cannot reach another grading run's child, in a range (above the ones that
# systemd gives to containers) that no account uses.
SANDBOX_UID = 0x70000000


@dataclass(frozen=True)
class Limits:
    """Caps on one child: seconds of wall-clock time per notebook cell, per exercise case and per
    job; CPU seconds; extra memory in MiB over the worker's own; processes of its user; MiB per
    written file; MiB of report messages."""
    cell_seconds: float = 10.0
    case_seconds: float = 5.0
    job_seconds: float = 60.0
    cpu_seconds: int = 60
    memory_mb: int = 512
    processes: int = 8
    file_mb: int = 8
    report_mb: int = 8


def protections():
    """Which protections the sandbox applies on this machine: name -> (active, how)."""
    root = os.geteuid() == 0
    linux = sys.platform.startswith("linux")
    return {
        "separate process": (True, "forked child in its own session; killed as a group"),
        "limits": (True, "CPU time, memory, processes, file size (setrlimit); wall clock from outside"),
        "closed stdin, muted output": (True, "fds 0-2 on /dev/null; only the report pipe stays open"),
        "scrubbed environment": (True, "os.environ emptied but for a fixed PATH and locale"),
        "no network": (root and linux, "new network namespace" if root and linux else "needs root on Linux"),
        "own empty root directory": (root, "chroot into a throwaway folder" if root else "needs root"),
        "unprivileged user": (root, f"uid {SANDBOX_UID}+pid" if root else "already unprivileged: runs as you"),
    }


def _enter(limits, workdir, report_fd):
    """Lock the freshly forked child down. Runs in the child, before any student code."""
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    # on fds 0-2, not on `null`, which closerange closes next: input() then meets end of file
    sys.stdin, sys.stdout, sys.stderr = (open(fd, mode, closefd=False) for fd, mode in
                                         ((0, "r"), (1, "w"), (2, "w")))
    os.closerange(3, report_fd)
    os.closerange(report_fd + 1, 65536)
    memory = _address_space() + limits.memory_mb * 2**20
    root = os.geteuid() == 0
    uid = SANDBOX_UID + os.getpid()
    if root:
        os.chown(workdir, uid, uid)
    if root and sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).unshare(CLONE_NEWNET)
    if root:
        os.chroot(workdir)
    os.chdir("/" if root else workdir)
    for name, value in ((resource.RLIMIT_CPU, limits.cpu_seconds), (resource.RLIMIT_AS, memory),
                        (resource.RLIMIT_NPROC, limits.processes),
                        (resource.RLIMIT_FSIZE, limits.file_mb * 2**20),
                        (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(name, (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    if root:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    os.environ.clear()
    os.environ.update(PATH="/nonexistent", LANG="C.UTF-8", HOME="/", MPLBACKEND="agg")


def _address_space():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 2**31


def run_job(job, limits=Limits()):
    """Run one job (see autograder.runner.run) in a sandboxed child; yield its messages, then a
    last {"end": {"reason": ..., ...}}: exited (code), signal (number), timeout, too much (report
    over its cap) or garbled (a report line that is not a JSON object, or claims to end the run)."""
    workdir = tempfile.mkdtemp(prefix="sandbox-")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        send = runner.pipe_sender(write_fd)
        try:
            os.close(read_fd)
            try:
                _enter(limits, workdir, write_fd)
            except Exception as error:
                send({"sandbox_error": f"{type(error).__name__}: {error}"})
                raise
            runner.run(job, send)
        finally:
            os._exit(0)
    os.close(write_fd)
    try:
        yield from _relay(pid, read_fd, limits)
    finally:
        os.close(read_fd)
        _kill_all(pid)
        shutil.rmtree(workdir, ignore_errors=True)


def _relay(pid, read_fd, limits):
    """Yield the child's messages while it keeps to its deadlines; end with {"end": ...}."""
    started = time.monotonic()
    step_deadline = started + limits.cell_seconds
    job_deadline = started + limits.job_seconds
    buffer, received = b"", 0
    while True:
        timeout = min(step_deadline, job_deadline) - time.monotonic()
        ready, _, _ = select.select([read_fd], [], [], max(timeout, 0))
        if not ready:
            yield {"end": {"reason": "timeout"}}
            return
        chunk = os.read(read_fd, 1 << 16)
        if not chunk:
            yield {"end": _exit_status(pid)}
            return
        received += len(chunk)
        if received > limits.report_mb * 2**20:
            yield {"end": {"reason": "too much"}}
            return
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            try:
                message = json.loads(line)
            except (ValueError, RecursionError):
                message = None
            if not isinstance(message, dict) or "end" in message:  # only the relay ends a run
                yield {"end": {"reason": "garbled"}}
                return
            if "cell" in message:
                step_deadline = time.monotonic() + limits.cell_seconds
            elif "case" in message:
                step_deadline = time.monotonic() + limits.case_seconds
            yield message


def _exit_status(pid):
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return {"reason": "signal", "signal": os.WTERMSIG(status)}
    code = os.WEXITSTATUS(status)
    return {"reason": "exited", "code": code}


def _kill_all(pid):
    """Kill the child's process group and, as its user, every process that user still has (a
    descendant may have left the group); reap the child."""
    for kill in (os.kill, os.killpg):   # the child too, in case it is not yet in its own group
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if os.geteuid() == 0:
        killer = os.fork()
        if killer == 0:
            try:
                os.setuid(SANDBOX_UID + pid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(killer, 0)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
