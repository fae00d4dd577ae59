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

# What a submission must not replace: the grader does not rely on them (it judges in another
# process), but replacing them is worth a person's look.
_WATCHED = {
    "numpy.allclose": (np, "allclose"), "numpy.isclose": (np, "isclose"),
    "numpy.array_equal": (np, "array_equal"),
    "numpy.testing.assert_allclose": (np.testing, "assert_allclose"),
    "numpy.testing.assert_array_equal": (np.testing, "assert_array_equal"),
    "builtins.isinstance": (builtins, "isinstance"), "builtins.print": (builtins, "print"),
    "builtins.abs": (builtins, "abs"), "builtins.float": (builtins, "float"),
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


def _watched_objects():
    return {name: getattr(owner, attr, None) for name, (owner, attr) in _WATCHED.items()}


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
