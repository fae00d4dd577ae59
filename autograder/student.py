"""The student's process: the only place student code runs while grading.

Forked by its worker into the run's namespaces (autograder.sandbox), it wipes its copy of the job
before it runs anything, so it never holds the job: it answers one request at a time on its socket
(autograder.protocol), and the grader takes nothing it says but the answer to the request it made
(autograder.run_report). Before a reply it may report watched objects a step replaced (they are
put back) and touches of the course's answer machinery (see autograder.answer_machinery).
"""
from __future__ import annotations

import builtins
import ctypes
import json
import os
import resource
import select
import signal
import sys
from typing import TYPE_CHECKING

import numpy  # noqa: F401 (loaded before the notebook, so its watched functions can be looked up)

from autograder import namespaces, protocol
from autograder.transport import decode_case, dumps, encode

if TYPE_CHECKING:
    from collections.abc import Mapping
    import socket
    from typing import NoReturn

    from autograder.sandbox import Limits
    from course.checks import Exercise

# What a submission must not replace: what a cheat would patch. The grader judges in another
# process, so replacing them gains nothing, but it is worth a person's look; every step's
# replacements are reported and undone before the next step runs.
_WATCHED = {
    "numpy": ("allclose", "isclose", "array_equal", "array", "asarray"),
    "numpy.testing": ("assert_allclose", "assert_array_equal"),
    "course": ("check",), "course.checks": ("check", "judge", "Exercise"),
    "course.checks.Exercise": ("run", "expected"),
    "autograder.transport": ("encode", "dumps"),
    "IPython.core.inputtransformer2.TransformerManager": ("transform_cell",),
    "IPython.core.interactiveshell.InteractiveShell": ("showtraceback",),
}
_channel = None    # the socket's file descriptor, for machinery_used
_calling = False   # whether an exercise's function is being called


def serve(sock: socket.socket, job: memoryview, limits: Limits, mode: str, uid: int,
          calls: Mapping[str, Exercise], address_space: int) -> NoReturn:
    """Lock this process down, then answer the worker's requests until the socket closes.
    job: the worker's buffer holding the job (wiped here first); calls: exercise name -> how to
    call it (an Exercise stripped of its answers); address_space: bytes of virtual memory the
    worker had (the memory limit comes on top)."""
    global _channel
    _wipe(job)
    _channel = sock.fileno()
    os.closerange(3, _channel)
    os.closerange(_channel + 1, 65536)
    _limit(limits, mode, address_space)
    namespaces.drop_privileges(mode, uid)
    namespaces.prctl(namespaces.PR_SET_PDEATHSIG, signal.SIGKILL)   # again: a new user clears it
    if _worker_gone(sock):   # before it was set again: nothing would end this process
        os._exit(0)
    os.environ.clear()
    os.environ.update(PATH="/nonexistent", LANG="C.UTF-8", HOME=namespaces.SCRATCH, MPLBACKEND="agg")
    if mode != "none":
        os.chdir(namespaces.SCRATCH)
    namespace = {"__name__": "__main__"}
    shell = _NoIPython(namespace)
    namespace["get_ipython"] = lambda: shell
    saved = _watch()
    from IPython.core.inputtransformer2 import TransformerManager
    transform = TransformerManager().transform_cell
    requests = sock.makefile("rb")
    for line in requests:
        request = json.loads(line)
        if "cell" in request:
            reply = _run_cell(request, namespace, transform)
        else:
            reply = _call(calls[request["call"]], namespace, request["case"])
        _restore(saved)
        _send(reply)
    os._exit(0)


def machinery_used(what: str) -> None:
    """Tell the grader that the course's answer machinery was touched (by a stand-in) while an
    exercise is being called."""
    if _calling:
        _send(protocol.machinery(what))


def _worker_gone(sock):
    """Whether the worker's end of the socket is closed (the worker ended)."""
    watch = select.poll()
    watch.register(sock, select.POLLRDHUP)
    return any(events & (select.POLLRDHUP | select.POLLHUP) for _, events in watch.poll(0))


def _send(message):
    data = dumps(message)
    while data:
        data = data[os.write(_channel, data):]


def _wipe(buffer):
    """Overwrite the job's bytes in this process's copy of the worker's buffer."""
    if len(buffer):
        ctypes.memset(ctypes.addressof(ctypes.c_char.from_buffer(buffer)), 0, len(buffer))


def _limit(limits, mode, address_space):
    memory = address_space + limits.memory_mb * 2**20
    for name, value in ((resource.RLIMIT_CPU, limits.cpu_seconds), (resource.RLIMIT_AS, memory),
                        (resource.RLIMIT_FSIZE, limits.file_mb * 2**20), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(name, (value, value))
    if mode != "none":   # without namespaces the count would include the grader's own processes
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _run_cell(request, namespace, transform):
    index = request["cell"]
    try:
        exec(compile(transform(request["source"]), f"<cell {index}>", "exec"), namespace)
        error = None
    except BaseException as exception:  # noqa: B036 (SystemExit and KeyboardInterrupt too)
        error = _error(exception)
    return protocol.cell_done(index, error)


def _call(call, namespace, case):
    global _calling
    functions = [namespace.get(name) for name in call.functions]
    if not all(callable(f) for f in functions):
        return {"missing": [n for n, f in zip(call.functions, functions) if not callable(f)]}
    _calling = True
    try:
        return {"result": encode(call.run(functions, decode_case(case)))}
    except BaseException as exception:  # noqa: B036
        return {"error": _error(exception)}
    finally:
        _calling = False


def _error(exception):
    try:
        return protocol.error(type(exception).__name__, str(exception))
    except BaseException:  # noqa: B036 (a hostile exception whose __str__ fails)
        return protocol.error("Exception", "")


class _NoIPython:
    """Stands in for get_ipython(): line magics and shell escapes do nothing; a cell magic's body
    runs as plain code when the magic only times or captures it."""

    def __init__(self, namespace):
        self.namespace = namespace

    def run_line_magic(self, *args: object, **kwargs: object) -> None:
        return None

    def run_cell_magic(self, name: str, line: str, body: str) -> None:
        if name in ("time", "timeit", "capture", "prun"):
            exec(compile(body, "<cell magic>", "exec"), self.namespace)

    def system(self, *args: object, **kwargs: object) -> None:
        return None

    getoutput = system


def _watch():
    """The watched objects as they are now: (builtins, {name: (owner, attribute, object)}). Every
    owner was imported by the worker."""
    watched = {}
    for path, attributes in _WATCHED.items():
        module, _, name = path.rpartition(".")
        owner = sys.modules[path] if path in sys.modules else getattr(sys.modules[module], name)
        watched.update({f"{path}.{a}": (owner, a, getattr(owner, a)) for a in attributes})
    return dict(builtins.__dict__), watched


def _restore(saved):
    """Put back whatever the last step replaced of the watched objects, and report it. Builtins
    are put back first, without calling any, since a cell may have replaced them."""
    originals, watched = saved
    current = builtins.__dict__
    replaced = ["builtins." + name for name, value in originals.items() if current.get(name) is not value]
    current.update(originals)
    for name, (owner, attribute, value) in watched.items():
        if getattr(owner, attribute, None) is not value:
            replaced.append(name)
            setattr(owner, attribute, value)
    if replaced:
        _send(protocol.tampered(sorted(replaced)))
