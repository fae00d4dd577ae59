"""A grading worker: a warm process that forks one sandboxed child per job.

It reads jobs as JSON lines on stdin and writes the children's messages as JSON lines on stdout,
starting with {"ready": protections}. It never runs student code itself. Everything a notebook
may import is imported here first, because a child in its empty root directory cannot read
modules from disk.
"""
import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # a forked child must not inherit BLAS threads
os.environ.setdefault("MPLBACKEND", "agg")

import importlib  # noqa: E402
import json  # noqa: E402
import pkgutil  # noqa: E402
import sys  # noqa: E402

from autograder import sandbox  # noqa: E402
from autograder.transport import dumps  # noqa: E402


def warm_up():
    """Import what course notebooks use, so that a child never needs to read a module."""
    import collections, copy, functools, itertools, math, random, re, time  # noqa: F401,E401
    import numpy  # noqa: F401
    import numpy.linalg, numpy.random, numpy.testing  # noqa: F401,E401
    from IPython.core.inputtransformer2 import TransformerManager
    import IPython.core.interactiveshell  # noqa: F401 (watched by the runner)
    import course
    for module in pkgutil.walk_packages(course.__path__, "course."):
        importlib.import_module(module.name)
    TransformerManager().transform_cell("%time x = 1\n!ls\n")


def skip_pictures():
    """Grading shows nobody a picture: in the sandbox, circuits and explorers draw nothing (a
    notebook cell that draws one still runs the rest of its code)."""
    from course.circuits import Circuit
    from course.explorers import Explorer
    Circuit.draw = lambda self, *args, **kwargs: None
    Explorer.update = lambda self, change=None: None


def main(slot, limits):
    """Serve jobs from stdin until it closes."""
    warm_up()
    skip_pictures()
    out = sys.stdout.buffer
    out.write(dumps({"ready": sandbox.protections()}))
    out.flush()
    for line in sys.stdin.buffer:
        job = json.loads(line)
        for message in sandbox.run_job(job, limits):
            out.write(dumps(message))
        out.flush()


if __name__ == "__main__":
    main(int(sys.argv[1]), sandbox.Limits(**json.loads(sys.argv[2])))
