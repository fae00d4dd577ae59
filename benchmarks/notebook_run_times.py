"""Restart and run all: seconds each source notebook takes in a fresh kernel, against the 20 s
target. Runs every notebook of source/ (or those named) with nbclient in a throwaway copy of the
course, one at a time, and prints the wall seconds (kernel start included) and the kernel's CPU
seconds for each, then the slowest.

    python benchmarks/notebook_run_times.py [ASSIGNMENT ...]
"""
import argparse
from pathlib import Path
import sys
import tempfile
import time

import nbclient
import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.course_dir import assignments  # noqa: E402
from autograder.sample_class import copy_course  # noqa: E402

TARGET_SECONDS = 20
CPU = "import resource; _r = resource.getrusage(resource.RUSAGE_SELF); print(_r.ru_utime + _r.ru_stime)"


def run(path):
    """(wall seconds, kernel CPU seconds) of one restart-and-run of the notebook at path."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(CPU))
    started = time.perf_counter()
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    wall = time.perf_counter() - started
    return wall, float(nb.cells[-1].outputs[0]["text"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*")
    names = assignments(ROOT, parser.parse_args().assignments)
    times = {}
    with tempfile.TemporaryDirectory(prefix="notebook-times-") as scratch:
        folder = copy_course(ROOT, Path(scratch, "course"), names)
        for name in names:
            for path in sorted((folder / "source" / name).glob("*.ipynb")):
                wall, cpu = run(path)
                times[name] = wall
                flag = "" if wall < TARGET_SECONDS else f"  over {TARGET_SECONDS} s"
                print(f"{name:28s} {wall:5.1f} s wall, {cpu:5.1f} s CPU in the kernel{flag}",
                      flush=True)
    slowest = max(times, key=times.get)
    print(f"slowest: {slowest}, {times[slowest]:.1f} s (target: under {TARGET_SECONDS} s each)")
    return 0 if times[slowest] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
