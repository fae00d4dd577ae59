"""The student side of grading, run inside the sandbox: execute a notebook's cells, then call the
exercise functions on the cases given, reporting each step as one line of JSON on a pipe.

Messages: {"cell": i} before cell i and {"cell_done": i, "error": ...} after it; {"tampered":
[...]} after the cells; then per exercise {"case": [name, k]} before case k and
{"case_done": [name, k], "result" | "error": ...} after it; {"missing": [name, [functions]]}
when an exercise's function is not defined; {"finished": true} at the end.
"""
import builtins
import os

import numpy as np

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


def _watched():
    """(name, owner, attribute) of everything in _WATCHED, builtins included."""
    import importlib
    from IPython.core import inputtransformer2, interactiveshell  # noqa: F401 (for the lookups)
    import course.checks, course.exercises  # noqa: F401,E401
    found = [(f"builtins.{name}", builtins, name) for name in builtins.__dict__]
    for owner_name, attributes in _WATCHED.items():
        module, _, rest = owner_name.partition(".") if owner_name.count(".") > 2 else (owner_name, "", "")
        owner = _resolve(importlib, owner_name)
        found += [(f"{owner_name}.{attribute}", owner, attribute) for attribute in attributes]
    return found


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
    before = _watched_objects()
    transform = TransformerManager().transform_cell
    for index, source in job["cells"]:
        send({"cell": index})
        try:
            exec(compile(transform(source), f"<cell {index}>", "exec"), namespace)
            error = None
        except BaseException as exception:  # noqa: B036 (SystemExit and KeyboardInterrupt too)
            error = _error(exception)
        send({"cell_done": index, "error": error})
    after = _watched_objects()
    send({"tampered": sorted(name for name in before if after[name] is not before[name])})
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
            send({"case_done": [exercise["name"], k], **result})
    send({"finished": True})


def pipe_sender(fd):
    """send(message) writing one JSON line to the file descriptor fd."""
    def send(message):
        data = dumps(message)
        while data:
            data = data[os.write(fd, data):]
    return send
