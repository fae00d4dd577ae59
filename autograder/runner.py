"""The student side of grading, run inside the sandbox: execute a notebook's cells, then call the
exercise functions on the cases given, reporting each step as one line of JSON on a pipe.

Messages: {"cell": i} before cell i and {"cell_done": i, "error": ...} after it; then per
exercise {"case": [name, k]} before case k and {"case_done": [name, k], "result" | "error": ...}
after it; {"missing": [name, [functions]]} when an exercise's function is not defined;
{"finished": true} at the end. A step that replaced something watched is followed by
{"tampered": [names]} before its *_done message.
"""
import builtins
import os
import sys

import numpy  # noqa: F401 (loaded before the notebook, so its watched functions can be looked up)

from autograder.transport import decode_case, dumps, encode

# What a submission must not replace: what the checks in this process use, and what a cheat would
# patch. The grader judges in another process, so replacing them gains nothing, but it is worth a
# person's look; every cell's replacements are reported and undone before the next step runs.
_WATCHED = {
    "numpy": ("allclose", "isclose", "array_equal", "array", "asarray"),
    "numpy.testing": ("assert_allclose", "assert_array_equal"),
    "course": ("check",), "course.checks": ("check", "judge", "Exercise"),
    "course.checks.Exercise": ("run", "expected"), "course.exercises": ("EXERCISES",),
    "autograder.transport": ("encode", "dumps"),
    "IPython.core.inputtransformer2.TransformerManager": ("transform_cell",),
    "IPython.core.interactiveshell.InteractiveShell": ("showtraceback",),
}


class _NoIPython:
    """Stands in for get_ipython(): line magics and shell escapes do nothing; a cell magic's body
    runs as plain code when the magic only times or captures it."""

    def __init__(self, namespace):
        self.namespace = namespace

    def run_line_magic(self, *args, **kwargs):
        return None

    def run_cell_magic(self, name, line, body):
        if name in ("time", "timeit", "capture", "prun"):
            exec(compile(body, "<cell magic>", "exec"), self.namespace)

    def system(self, *args, **kwargs):
        return None

    getoutput = system


def _watch():
    """The watched objects as they are now: (builtins, {name: (owner, attribute, object)}). Every
    owner was imported by the worker: a sandboxed child cannot import from disk."""
    watched = {}
    for path, attributes in _WATCHED.items():
        module, _, name = path.rpartition(".")
        owner = sys.modules[path] if path in sys.modules else getattr(sys.modules[module], name)
        watched.update({f"{path}.{a}": (owner, a, getattr(owner, a)) for a in attributes})
    return dict(builtins.__dict__), watched


def _undo(saved):
    """Put back whatever was replaced of the watched objects; return the replaced names. Builtins
    are put back first, without calling any, since a cell may have replaced them."""
    originals, watched = saved
    current = builtins.__dict__
    replaced = ["builtins." + name for name, value in originals.items() if current.get(name) is not value]
    current.update(originals)
    for name, (owner, attribute, value) in watched.items():
        if getattr(owner, attribute, None) is not value:
            replaced.append(name)
            setattr(owner, attribute, value)
    return replaced


def _restore(saved, send):
    """Undo what the last step replaced of the watched objects, and report it."""
    replaced = _undo(saved)
    if replaced:
        send({"tampered": sorted(replaced)})


def _error(exception):
    try:
        return {"type": type(exception).__name__[:60], "message": str(exception)[:500]}
    except BaseException:  # a hostile exception whose __str__ fails
        return {"type": "Exception", "message": ""}


def run(job, send):
    """Execute job["cells"] (list of (index, source)) in one namespace, then every exercise of
    job["exercises"] (list of {"name", "functions", "cases"}) not in job["skip_exercises"];
    send(message) reports each step."""
    from IPython.core.inputtransformer2 import TransformerManager
    from course.exercises import EXERCISES

    namespace = {"__name__": "__main__"}
    shell = _NoIPython(namespace)
    namespace["get_ipython"] = lambda: shell
    saved = _watch()
    transform = TransformerManager().transform_cell
    for index, source in job["cells"]:
        send({"cell": index})
        try:
            exec(compile(transform(source), f"<cell {index}>", "exec"), namespace)
            error = None
        except BaseException as exception:  # noqa: B036 (SystemExit and KeyboardInterrupt too)
            error = _error(exception)
        _restore(saved, send)
        send({"cell_done": index, "error": error})
    for exercise in job["exercises"]:
        if exercise["name"] in job.get("skip_exercises", ()):
            continue
        functions = [namespace.get(name) for name in exercise["functions"]]
        if not all(callable(f) for f in functions):
            send({"missing": [exercise["name"], [n for n, f in zip(exercise["functions"],
                                                                    functions) if not callable(f)]]})
            continue
        definition = EXERCISES[exercise["name"]]
        for k, case in enumerate(exercise["cases"]):
            send({"case": [exercise["name"], k]})
            try:
                result = {"result": encode(definition.run(functions, decode_case(case)))}
            except BaseException as exception:  # noqa: B036
                result = {"error": _error(exception)}
            _restore(saved, send)
            send({"case_done": [exercise["name"], k], **result})
    send({"finished": True})


def pipe_sender(fd):
    """send(message) writing one JSON line to the file descriptor fd."""
    def send(message):
        data = dumps(message)
        while data:
            data = data[os.write(fd, data):]
    return send
