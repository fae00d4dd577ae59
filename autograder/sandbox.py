"""Run one grading job in a sandbox and relay its report, keeping nothing of it in memory.

Per job the warm worker (autograder.worker) forks the *runner* (autograder.runner, trusted code)
straight into the namespaces of its mode (autograder.namespaces), as PID 1 of a new PID namespace.
The runner puts its process group in a session of its own, settles into its isolation and forks
the *student's process* (autograder.student), where the notebook runs under limits on CPU time,
memory, processes and file size, with no privilege. When the runner ends, the kernel ends every
process left in its namespace. Only the runner writes the report: the worker relays its complete
lines without reading them, enforces the job's absolute deadline and the report's size, and ends
the run with {"end": {"reason": ...}}: exited (code), signal (number), timeout or too much.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
import json
import mmap
import os
import select
import signal
import tempfile
import time
from typing import TYPE_CHECKING

from autograder import namespaces, protocol
from autograder.course_dir import CourseError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from course.checks import Exercise

# In "root" mode the student's process runs as uid SANDBOX_UID + the runner's pid: a user of
# its own while it lives, in a range (above the ones systemd gives to containers) no account uses.
SANDBOX_UID = 0x70000000
MODES = ("root", "user", "none")
FOLDER_PREFIX = "backprop-sandbox-"   # a run's folder: this, its worker's pid, "-" and a random part


@dataclass(frozen=True)
class Limits:
    """Caps on one run: CPU seconds of the student's process per notebook cell and per exercise
    case (each may take WALL_FACTOR times as long by the clock); wall-clock seconds for the whole
    job, never extended; CPU seconds in all; extra memory in MiB over the worker's own; processes;
    MiB per written file; MiB of the scratch folder; MiB of report."""
    cell_seconds: float = 10.0
    case_seconds: float = 5.0
    job_seconds: float = 60.0
    cpu_seconds: int = 60
    memory_mb: int = 512
    processes: int = 8
    file_mb: int = 8
    scratch_mb: int = 64
    report_mb: int = 8


class IsolationUnavailable(CourseError):
    """This machine gives this account no isolation for student code; the message says how to
    get it."""


def choose_mode(no_isolation: bool = False) -> str:
    """The mode to grade in: "none" when the instructor turned isolation off, else the strongest
    this machine gives; raises IsolationUnavailable when it gives none."""
    if no_isolation:
        return "none"
    mode, why = namespaces.best_mode()
    if mode is None:
        raise IsolationUnavailable(advice(why))
    return mode


def advice(why: str) -> str:
    """What to tell a grader whose machine gives no isolation (why: the probe's error)."""
    return (f"Student code cannot be isolated here, so grading refused to run it: as an ordinary "
            f"account it needs unprivileged user namespaces, and they are not available ({why}). "
            "Do one of: run the command as root; allow user namespaces (Ubuntu 23.10 and later: "
            "`sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0`, or an AppArmor profile "
            "that gives this Python `userns`; elsewhere check `sysctl user.max_user_namespaces` is "
            "above 0 and, on older Debian kernels, `sysctl kernel.unprivileged_userns_clone=1`); "
            "or pass --no-isolation to grade without it: student code then runs as you, can read "
            "and change your files, and every result records that it was graded so.")


def protections(mode: str) -> dict[str, tuple[bool, str]]:
    """What the sandbox protects in this mode: name -> (active, how)."""
    isolated = mode in ("root", "user")
    off = "OFF: --no-isolation"
    user = {"root": f"uid {SANDBOX_UID}+n, no capabilities, no new privileges",
            "user": "nobody in a user namespace of its own, no capabilities, no new privileges",
            "none": "OFF: runs as you, with your files (no new privileges)"}[mode]
    return {
        "separate processes": (True, "the notebook runs in a process of its own; the report and "
                                     "the deadlines are kept by another"),
        "limits": (True, "CPU seconds per step and in all, memory, file size"
                         + (", processes" if isolated else "") + "; the job's wall clock from outside"),
        "closed stdin, muted output": (True, "fds 0-2 on /dev/null; only its socket to the runner"),
        "scrubbed environment": (True, "workers start with an empty environment"),
        "no network": (isolated, "network namespace with no interfaces" if isolated else off),
        "private read-only root": (isolated, "only the Python installation, read-only, and a "
                                             "scratch folder in memory" if isolated else off),
        "own processes and IPC": (isolated, "PID and IPC namespaces, ended with the run"
                                  if isolated else off),
        "unprivileged user": (mode != "none", user),
    }


def run_job(job: memoryview, limits: Limits, mode: str, out_fd: int,
            calls: Mapping[str, Exercise]) -> None:
    """Run one job in a sandbox and write its report lines, then {"end": ...}, to out_fd.
    job: a memoryview of the job's JSON bytes (see autograder.runner.run); calls: exercise name
    -> how to call it (autograder.answer_machinery.CALLS)."""
    workdir = tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")
    read_fd, write_fd = os.pipe()
    address_space = _address_space()
    ids = os.geteuid(), os.getegid()
    pid = os.fork() if mode == "none" else namespaces.fork_into_namespaces(mode)
    if pid == 0:
        _sandboxed(job, limits, mode, ids, workdir, write_fd, calls, address_space)
    os.close(write_fd)
    try:
        end = _relay(pid, read_fd, limits, out_fd)
    finally:
        os.close(read_fd)
        _kill(pid)
        _clear(workdir, mode)
    write_all(out_fd, (json.dumps(end) + "\n").encode())


def _sandboxed(job, limits, mode, ids, workdir, report_fd, calls, address_space):
    """The runner's process, before it runs: a session of its own, settled into its isolation
    (ids: the worker's (uid, gid)); never returns."""
    try:
        os.setsid()
        namespaces.prctl(namespaces.PR_SET_PDEATHSIG, signal.SIGKILL)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, report_fd)
        os.closerange(report_fd + 1, 65536)
        host_pid = int(os.readlink("/proc/self"))   # 1 by getpid, inside its PID namespace
        uid = {"root": SANDBOX_UID + host_pid, "user": namespaces.NOBODY}.get(mode, ids[0])
        if mode == "none":
            os.chdir(workdir)
        elif os.getpid() != 1:
            raise OSError("the runner is not PID 1 of a PID namespace of its own")
        else:
            namespaces.settle(mode, ids, workdir, limits.scratch_mb, owner=uid)
        from autograder import runner  # the worker's, loaded before it forked
        runner.run(job, report_fd, limits, mode, uid, calls, address_space)
    except BaseException as error:   # noqa: B036 (report what stopped the sandbox, then leave)
        stop = protocol.stop("sandbox", error=f"{type(error).__name__}: {error}"[:300])
        write_all(report_fd, (json.dumps(stop) + "\n").encode())
        os._exit(70)


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write all of data to the file descriptor fd."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _relay(pid, read_fd, limits, out_fd):
    """Gather the runner's report until it ends, then copy its complete lines to out_fd in one
    write (the grader reads a run's report at once, not woken line by line); return how it ended.
    The lines pass through one buffer, wiped afterwards, and are never parsed here."""
    deadline = time.monotonic() + limits.job_seconds
    pidfd = os.pidfd_open(pid)
    buffer = _report_buffer(limits.report_mb * 2**20 + 1)
    view, filled = memoryview(buffer), 0
    try:
        end = None
        while end is None:
            ready, _, _ = select.select([read_fd, pidfd], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                end = protocol.end("timeout")
            elif read_fd in ready:
                count = os.readv(read_fd, [view[filled:]])
                filled += count
                if count == 0:
                    end = _wait(pid, pidfd, deadline)
                elif filled == len(buffer):
                    end = protocol.end("too much")
            elif not select.select([read_fd], [], [], 0)[0]:   # ended, all of it read
                end = _wait(pid, pidfd, deadline)
        write_all(out_fd, view[:buffer.rfind(b"\n", 0, filled) + 1])
        return end
    finally:
        os.close(pidfd)
        view.release()
        buffer.madvise(mmap.MADV_DONTNEED)   # wiped: its pages are dropped, and read as zeros


@lru_cache(maxsize=1)
def _report_buffer(size):
    """The worker's one buffer for reports, made once: memory of its own, taken up only as far
    as a report fills it, that a run's processes do not inherit (forking them copies none of it)."""
    buffer = mmap.mmap(-1, size)
    buffer.madvise(mmap.MADV_DONTFORK)
    return buffer


def _wait(pid, pidfd, deadline):
    """The runner's end, once it exits (by the job's deadline at the latest); pidfd: its pidfd,
    readable once it has exited."""
    if select.select([pidfd], [], [], max(deadline - time.monotonic(), 0))[0]:
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            return protocol.end("signal", signal=os.WTERMSIG(status))
        return protocol.end("exited", code=os.WEXITSTATUS(status))
    return protocol.end("timeout")


def _kill(pid):
    """End the runner's process group (and so its PID namespace); reap it."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _clear(workdir, mode):
    """Remove the run's folder: empty on the host when isolated (its files lived in the run's own
    memory file system); without isolation, whatever the student wrote there, however deep."""
    if mode == "none":
        _remove_tree(workdir)
    else:
        os.rmdir(workdir)


def clear_stale_folders() -> None:
    """Remove the empty run folders that workers killed in mid-run left in the temporary folder
    (each named after its worker's pid, and this account's); a live worker's are left alone, and
    so is one that is not empty (a run without isolation wrote there)."""
    with os.scandir(tempfile.gettempdir()) as entries:
        for entry in entries:
            name = entry.name
            worker = name[len(FOLDER_PREFIX):].split("-")[0] if name.startswith(FOLDER_PREFIX) else ""
            if (worker.isdigit() and not _alive(int(worker)) and entry.is_dir(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_uid == os.geteuid()):
                _ignore(os.rmdir, entry.path)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # another account's
        pass
    return True


def _remove_tree(top):
    """Remove a folder and everything in it without recursion and without following links."""
    stack, emptied = [top], set()
    while stack:
        folder = stack.pop()
        if folder in emptied:
            _ignore(os.rmdir, folder)
            continue
        _ignore(os.chmod, folder, 0o700)
        emptied.add(folder)
        stack.append(folder)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                _ignore(os.unlink, entry.path)


def _ignore(action, *args):
    try:
        action(*args)
    except OSError:
        pass


def _address_space():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 2**31
