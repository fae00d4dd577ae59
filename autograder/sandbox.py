"""Run one grading job in a sandbox and report what it said, keeping nothing of it in memory.

Per job the warm worker (autograder.worker) forks the *student's process* (autograder.student)
straight into the namespaces of its mode (autograder.namespaces), as PID 1 of a new PID namespace:
it puts its process group in a session of its own, settles into its isolation, gives up every
privilege and runs the notebook under limits on CPU time, memory, processes and file size. When it
ends, the kernel ends every process left in its namespace. The worker, trusted code, sends it one
request of the job at a time (each cell, then each exercise on each case), keeps the deadlines
(CPU seconds of the student's process per step, a wall-clock backstop per step and for the whole
job) and the sizes, and writes the report: each line the student's process said, marked as a
notice or as the reply that ends a step, then a stop or FINISHED, then {"end": {"reason": ...}}.
It never parses what the student's process says (autograder.run_report checks it in the grader),
and every byte of a run passes through buffers that are wiped after it: no run's data is left in
the memory the next run is forked from.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
import json
import mmap
import os
import select
import signal
import socket
import tempfile
import time
from typing import TYPE_CHECKING

from autograder import namespaces, protocol
from autograder.course_dir import CourseError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from course.checks import Exercise

# In "root" mode the student's process runs as uid SANDBOX_UID + its pid: a user of
# its own while it lives, in a range (above the ones systemd gives to containers) no account uses.
SANDBOX_UID = 0x70000000
MODES = ("root", "user", "none")
FOLDER_PREFIX = "backprop-sandbox-"   # a run folder: this, its worker's pid, "-" and a random part
WALL_FACTOR = 3           # a step may take this many times its CPU seconds of wall-clock time
MAX_REPLY = 16 * 2**20    # bytes of one line the student's process says
NOTICE, REPLY = b"n", b"r"   # the marks of its lines in the report
NOTICES = (b'{"tampered": ', b'{"machinery": ')   # how its notices begin (autograder.transport.dumps)


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
        "closed stdin, muted output": (True, "fds 0-2 on /dev/null; only its socket to the worker"),
        "scrubbed environment": (True, "workers start with an empty environment"),
        "no network": (isolated, "network namespace with no interfaces" if isolated else off),
        "private read-only root": (isolated, "only the Python installation, read-only, and a "
                                             "scratch folder in memory" if isolated else off),
        "own processes and IPC": (isolated, "PID and IPC namespaces, ended with the run"
                                  if isolated else off),
        "unprivileged user": (mode != "none", user),
    }


def run_folder() -> str:
    """A new empty run folder in the temporary folder, named after this process (the worker):
    clear_stale_folders removes it once the worker is gone."""
    return tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")


def run_job(job: memoryview, limits: Limits, mode: str, out_fd: int,
            calls: Mapping[str, Exercise], folder: str | None = None) -> None:
    """Run one job in a sandbox and write its report to out_fd, ended by {"end": ...}.
    job: a memoryview of the job's requests (autograder.protocol.requests); calls: exercise name
    -> how to call it (autograder.answer_machinery.CALLS); folder: the worker's run folder, which
    an isolated run mounts its own root on in its own mount namespace, so that it stays empty on
    the host and serves every run (none: a new one for this run). Without isolation a run works in
    a new run folder, removed after it with whatever the run wrote there."""
    workdir = folder if folder is not None and mode != "none" else run_folder()
    ours, theirs = socket.socketpair()
    status_read, status_write = os.pipe()
    address_space = _address_space()
    ids = os.geteuid(), os.getegid()
    pid = os.fork() if mode == "none" else namespaces.fork_into_namespaces(mode)
    if pid == 0:
        _sandboxed(job, limits, mode, ids, workdir, theirs.fileno(), status_write, calls,
                   address_space)
    theirs.close()
    os.close(status_write)
    report = _Report(limits.report_mb * 2**20)
    try:
        with _Student(pid, ours, status_read) as process:
            end = _pump(job, process, limits, report)
    finally:
        ours.close()
        os.close(status_read)
        _kill(pid)
        if workdir != folder:
            _clear(workdir, mode)
    report.send(out_fd, end)


def _sandboxed(job, limits, mode, ids, workdir, channel, status_fd, calls, address_space):
    """The student's process, before it runs student code: a session of its own, settled into
    its isolation (ids: the worker's (uid, gid)); channel: its socket to the worker; status_fd:
    where it says why it could not settle, closed once it has. Never returns."""
    try:
        os.setsid()
        namespaces.prctl(namespaces.PR_SET_PDEATHSIG, signal.SIGKILL)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        low, high = sorted((channel, status_fd))
        for first, last in ((3, low), (low + 1, high), (high + 1, 65536)):
            os.closerange(first, last)
        host_pid = int(os.readlink("/proc/self"))   # 1 by getpid, inside its PID namespace
        uid = {"root": SANDBOX_UID + host_pid, "user": namespaces.NOBODY}.get(mode, ids[0])
        if mode == "none":
            os.chdir(workdir)
        elif os.getpid() != 1:
            raise OSError("the student's process is not PID 1 of a PID namespace of its own")
        else:
            namespaces.settle(mode, ids, workdir, limits.scratch_mb, owner=uid)
        os.close(status_fd)
    except BaseException as error:   # noqa: B036 (say what stopped the sandbox, then leave)
        write_all(status_fd, f"{type(error).__name__}: {error}"[:300].encode())
        os._exit(70)
    from autograder import student  # the worker's, loaded before it forked
    student.serve(socket.socket(fileno=channel), job, limits, mode, uid, calls, address_space)


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write all of data to the file descriptor fd."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _pump(job, process, limits, report):
    """Send the job's requests to the student's process one at a time, each once it has
    answered the one before, and copy what it says into report (see _Student.step). Adds FINISHED
    when every request was answered, or the stop message that ended the run; returns the run's
    end: the job outlasted job_seconds ("timeout"), the report got too long ("too much"), or
    the run ended by itself ("exited", code 0)."""
    job_end = time.monotonic() + limits.job_seconds
    for start, end in _requests(job):
        seconds = limits.cell_seconds if job[start] == protocol.CELL else limits.case_seconds
        stop = process.step(job[start + 1:end], seconds, job_end, report)
        if stop == protocol.end("timeout"):
            return stop
        if stop is not None:
            break
    else:
        stop = protocol.FINISHED
    report.add(b"", (json.dumps(stop) + "\n").encode())
    return protocol.end("too much") if report.full else protocol.end("exited", code=0)


def _requests(job):
    """The (start, end) of each request line in job (a view of the start of a buffer): its mark
    at start, past its line break at end; the job ends with an empty line."""
    start = 0
    while (end := job.obj.find(b"\n", start, len(job))) > start:
        yield start, end + 1
        start = end + 1


class _Report:
    """A run's report, gathered in a buffer of the worker's and written in one go (the grader
    reads a run's report at once, not woken line by line), then wiped. capacity: bytes."""

    def __init__(self, capacity: int) -> None:
        self.buffer, self.filled, self.full = _buffer("report", capacity + 1), 0, False

    def add(self, mark: bytes, line: memoryview | bytes) -> bool:
        """Append mark and then line (which ends with its line break); False, and the report
        full, when they do not fit."""
        end = self.filled + len(mark) + len(line)
        if self.full or end >= len(self.buffer):
            self.full = True
            return False
        self.buffer[self.filled:self.filled + len(mark)] = mark
        self.buffer[self.filled + len(mark):end] = line
        self.filled = end
        return True

    def send(self, fd: int, end: dict) -> None:
        """Write the report to fd, then the run's end."""
        try:
            with memoryview(self.buffer) as view:
                write_all(fd, view[:self.filled])
        finally:
            self.buffer.madvise(mmap.MADV_DONTNEED)   # wiped: its pages are dropped, read as zeros
        write_all(fd, (json.dumps(end) + "\n").encode())


class _Student:
    """The worker's side of a run's student's process (pid): its socket, CPU clock and end.
    What it says is kept in a buffer of the worker's, never parsed, and wiped after the run."""

    def __init__(self, pid: int, sock: socket.socket, status_fd: int) -> None:
        self.pid, self.sock, self.status_fd = pid, sock, status_fd
        self.clock = (~pid << 3) | 2     # the CPU-time clock of that process (CPUCLOCK_SCHED)
        self.said = _buffer("said", MAX_REPLY + 1)
        self.read = self.filled = 0   # what it said is said[read:filled]; the rest is read or empty
        sock.setblocking(False)

    def __enter__(self) -> _Student:
        self.pidfd = os.pidfd_open(self.pid)
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.pidfd)
        self.said.madvise(mmap.MADV_DONTNEED)

    def step(self, request: memoryview, seconds: float, job_end: float,
             report: _Report) -> dict | None:
        """Send one request, then copy each line the process says into report, marked NOTICE
        when it begins as a notice does, else REPLY, which ends the step. Returns None then, or
        the message that ends the run: the step may take `seconds` of the process's CPU time and
        WALL_FACTOR times as long by the clock, and never goes past job_end ({"end": timeout})."""
        started = self._cpu()
        wall_end = min(time.monotonic() + WALL_FACTOR * seconds, job_end)
        if not self._send(request, wall_end):
            return self._ended(wall_end, timeout=True)
        while True:
            newline = self.said.find(b"\n", self.read, self.filled)
            if newline >= 0:
                notice = any(self.said.find(begins, self.read, self.read + len(begins)) == self.read
                             for begins in NOTICES)
                with memoryview(self.said) as view, view[self.read:newline + 1] as line:
                    if not report.add(NOTICE if notice else REPLY, line):
                        return protocol.stop("too much")
                self.read = newline + 1
                if not notice:
                    return None
                continue
            self._move_up()
            if self.filled > MAX_REPLY:
                return protocol.stop("too much")
            used, left = self._cpu() - started, wall_end - time.monotonic()
            if left <= 0 and wall_end == job_end:
                return protocol.end("timeout")
            if used >= seconds or left <= 0:
                return protocol.stop("timeout")
            ready, _, _ = select.select([self.sock, self.pidfd], [], [],
                                        max(0.01, min(seconds - used, left)))
            if self.sock in ready:
                with memoryview(self.said) as view:
                    count = self.sock.recv_into(view[self.filled:])
                if count == 0:
                    return self._ended(wall_end)
                self.filled += count
            elif ready:   # it ended, and all it said is read
                return self._ended(wall_end)

    def _send(self, request, wall_end):
        """Write the request; False when the process does not take it by wall_end."""
        while request:
            try:
                request = request[self.sock.send(request):]
            except BlockingIOError:
                if not select.select([], [self.sock], [], max(wall_end - time.monotonic(), 0))[1]:
                    return False
            except OSError:   # it closed its socket
                return False
        return True

    def _move_up(self):
        """Move what is left of what it said (a part of a line) to the start of the buffer,
        wiping behind it."""
        if self.read:
            rest = self.filled - self.read
            self.said.move(0, self.read, rest)
            self.said[rest:self.filled] = bytes(self.read)
            self.read, self.filled = 0, rest

    def _cpu(self):
        try:
            return time.clock_gettime(self.clock)
        except OSError:   # already reaped
            return 0.0

    def _ended(self, wall_end, timeout=False):
        """The stop message once it closed its socket or ended: how it ended, if it does within a
        second (and by wall_end); else a timeout (timeout: it did not take a request) or an exit
        of unknown code."""
        if select.select([self.pidfd], [], [], max(min(1.0, wall_end - time.monotonic()), 0))[0]:
            ended = os.waitid(os.P_PIDFD, self.pidfd, os.WEXITED | os.WNOWAIT)   # reaped by _kill
            why = os.read(self.status_fd, 400).decode(errors="replace")
            if why:
                return protocol.stop("sandbox", error=why[:300])
            if ended.si_code in (os.CLD_KILLED, os.CLD_DUMPED):
                return protocol.stop("signal", signal=ended.si_status)
            return protocol.stop("exited", code=ended.si_status)
        return protocol.stop("timeout") if timeout else protocol.stop("exited", code=None)


@lru_cache(maxsize=None)
def _buffer(name, size):
    """One of the worker's buffers for what runs say (name: which), made once: memory of its
    own, taken up only as far as a run fills it, that runs do not inherit (forking them copies
    none of it)."""
    buffer = mmap.mmap(-1, size)
    buffer.madvise(mmap.MADV_DONTFORK)
    return buffer


def _kill(pid):
    """End the student's process's group (and so its PID namespace); reap it."""
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
    """Remove the empty run folders that killed workers left in the temporary folder (each named
    after its worker's pid, and this account's); a live worker's are left alone, and so is one
    that is not empty (a run without isolation wrote there)."""
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
