"""Grade N synthetic submissions with this pipeline and with plain `nbgrader autograde`, in one run.

Prints, for `backprop-course autograde` over the whole class in one command: its wall seconds (the
median of 5 runs (PAIRS), each the first in its own copy of the course); the start-up (wall seconds of the
command grading one submission with `--student ID --force`, until its workers have ended, the
least and the median of 5 runs); what skipping an unchanged submission costs (wall and CPU seconds
of a run with nothing to grade over the class, minus one over one submission, the least of three
each, per submission); and what one submission costs the coordinator (CPU seconds of the command's
own process) and the workers (CPU seconds of its child processes, the sandboxes included): each
run over the whole class minus a run over one submission made right after it, both the first in a
fresh copy of the course, per submission, the median of the 5 pairs (a pair sees the machine
at one speed, which swings from minute to minute).
Then plain nbgrader's seconds per submission, the throughput ratio, and whether the honest
submissions (correct, partly wrong, blank) got the same per-exercise scores.
Each pipeline works in its own copy of the course directory; both are timed as the commands a
grader types, start-up included. Every copy is kept until the benchmark ends: nothing is removed
before a timed run, as nothing is before a grader's. (On an ext4 file system without a journal,
as this machine's, making a file or a folder skips every inode of its group freed in the last few
minutes: a run right after the removal of a graded copy was charged about 2 CPU ms per submission
on the coordinator for it.)

The CPU seconds come from a small launcher that runs the backprop-course program
(autograder.cli.command) in the command's process with an exit handler that, once every worker it
started has ended, writes resource.getrusage's RUSAGE_SELF (the coordinator) and RUSAGE_CHILDREN
(the workers and, through them, the sandboxes).

    python benchmarks/grading_speed.py [--submissions 100] [--assignments 01_derivative | all]
        [--workers 2] [--as-user NAME --user-python PATH]

Run as root, it grades in the sandbox's root mode; with --as-user it also times the same command
as that ordinary account (the sandbox's user-namespace mode), with PATH an interpreter where the
account has the course installed (e.g. ~NAME/venv/bin/python), and prints the ratio of the two.
"""
import argparse
import functools
import json
import os
from pathlib import Path
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import notebooks, results  # noqa: E402
from autograder.course_dir import assignments  # noqa: E402
from autograder.sample_class import copy_course, solved_release, with_cell  # noqa: E402

WRONG_BY_HALF = """
_{name} = {name}
def {name}(*args):
    out = _{name}(*args)
    return tuple(o * 1.5 for o in out) if isinstance(out, tuple) else out * 1.5
"""
BROKEN = b'{"cells": [{"cell_type": "code", "source": "def '
PAIRS = 5   # runs over the class, each followed by a run over one submission
LAUNCHER = """
import atexit, json, os, resource, sys
import autograder.autograde
from autograder.cli import command
figures = sys.argv.pop(1)
marks = []   # (results received, own CPU s) as each batch of results reaches the writing thread
batches = autograder.autograde._batches

def counted(done, count):
    received = 0
    for batch in batches(done, count):
        received += len(batch)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        marks.append((received, usage.ru_utime + usage.ru_stime))
        yield batch

autograder.autograde._batches = counted

def write_figures():   # an exit handler: it runs before the program leaves
    while True:   # the workers end once their input is closed: wait for them, so their CPU counts
        try:
            os.wait()
        except ChildProcessError:
            break
    own, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    with open(figures, "w") as out:
        json.dump([own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime, marks], out)

atexit.register(write_figures)
command()
"""

@functools.cache
def variants(assignment):
    """(notebook name, {kind: [file contents, bytes]}) of an assignment's synthetic submissions:
    correct, partly wrong (one per exercise), blank and broken; made once per assignment."""
    import nbformat
    notebook = next((ROOT / "source" / assignment).glob("*.ipynb")).name
    solved = solved_release(ROOT, assignment, notebook)
    names = [c.metadata["nbgrader"]["grade_id"] for c in solved.cells
             if c.metadata.get("nbgrader", {}).get("solution")]
    wrong = [with_cell(solved, WRONG_BY_HALF.format(name=n), before=f"check_{n}") for n in names]
    blank = notebooks.read(ROOT / "release" / assignment / notebook)
    written = {"correct": [solved], "partly wrong": wrong, "blank": [blank]}
    kinds = {kind: [nbformat.writes(nb).encode() for nb in nbs] for kind, nbs in written.items()}
    return notebook, {**kinds, "broken": [BROKEN]}


def synthetic(rng, assignment):
    """(notebook name, kind, content) of one submission: correct 60%, partly wrong 25%, blank 10%,
    broken 5%."""
    notebook, kinds = variants(assignment)
    draw = rng.random()
    kind = next(k for k, below in (("correct", 0.60), ("partly wrong", 0.85), ("blank", 0.95),
                                   ("broken", 1.0)) if draw < below)
    return notebook, kind, kinds[kind][rng.integers(len(kinds[kind]))]


def make_class(folder, n, seed, names):
    """Write n submissions spread over the named assignments; returns student -> (kind, assignment)."""
    rng = np.random.default_rng(seed)
    made = {}
    for i in range(n):
        assignment = names[i % len(names)]
        notebook, kind, content = synthetic(rng, assignment)
        student = f"student{i:04d}"
        path = folder / "submitted" / student / assignment / notebook
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
        made[student] = (kind, assignment)
    return made


def course_copy(folder, names):
    """A copy of the course at folder with the named assignments, in nbgrader's gradebook."""
    copy_course(ROOT, folder, names)
    for assignment in names:   # not timed: both pipelines need the gradebook entries
        subprocess.run(["nbgrader", "generate_assignment", assignment, "--force"], cwd=folder,
                       check=True, capture_output=True)
        shutil.rmtree(folder / "release" / assignment)
        shutil.copytree(ROOT / "release" / assignment, folder / "release" / assignment)


def as_user(user, python, folder, arguments):
    """Seconds for `autograde *arguments` run as an ordinary account, in its own copy of folder
    (removed afterwards, so this is the benchmark's last run)."""
    import pwd
    copy = Path(tempfile.mkdtemp(prefix="grading-bench-user-")) / "course"
    shutil.copytree(folder, copy)
    account = pwd.getpwnam(user)
    for path in [copy.parent, copy, *copy.rglob("*")]:
        os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)
    command = f"cd {copy} && {python} -m autograder.cli autograde {' '.join(arguments)}"
    try:
        return timed(["su", user, "-s", "/bin/sh", "-c", command], copy)
    finally:
        shutil.rmtree(copy.parent)


def timed(command, cwd):
    """Wall seconds of a command."""
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def measured(arguments, cwd, watch=None):
    """(wall s, the command's own CPU s, its children's CPU s, its own CPU s per submission while
    grading) of `backprop-course autograde *arguments` at cwd, run through LAUNCHER; watch(pid),
    if given, runs in a thread meanwhile and is waited for (it should return once the pid has
    ended)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as figures:
        started = time.perf_counter()
        command = subprocess.Popen([sys.executable, "-c", LAUNCHER, figures.name, "autograde",
                                    *arguments], cwd=cwd, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        watcher = threading.Thread(target=watch or (lambda pid: None), args=(command.pid,))
        watcher.start()
        _, errors = command.communicate()
        wall = time.perf_counter() - started
        watcher.join()
        if command.returncode:
            raise RuntimeError(f"autograde {' '.join(arguments)} failed: {errors}")
        own, children, marks = json.loads(Path(figures.name).read_text())
    return wall, own, children, while_grading(marks)


def while_grading(marks):
    """The command's own CPU s per submission once it is grading, from its (results received, own
    CPU s) as each batch reached the writing thread: the slope from the first batch past a fifth
    of the results to the last (the start-up left out), or None for too few batches."""
    if not marks:
        return None
    start = next(k for k, (count, _) in enumerate(marks) if count >= marks[-1][0] / 5)
    if start == len(marks) - 1:
        return None
    (first, before), (last, after) = marks[start], marks[-1]
    return (after - before) / (last - first)


def first_run(arguments, pristine):
    """measured() of `backprop-course autograde *arguments` in a fresh copy of the course folder
    pristine (where nothing is graded yet), kept until the benchmark ends."""
    folder = Path(tempfile.mkdtemp(prefix="fresh-", dir=pristine.parent)) / "course"
    shutil.copytree(pristine, folder, symlinks=True)
    os.sync()   # the copy is written out before the run, not while it runs
    return measured(arguments, folder)


def loop_seconds():
    """Seconds a pure-Python loop of 10**7 additions takes here now: how fast the machine runs,
    which on a shared virtual machine swings from minute to minute."""
    started, total = time.perf_counter(), 0
    for number in range(10**7):
        total += number
    return time.perf_counter() - started


def medians(runs):
    """The (wall, own CPU, children CPU) medians of several measured() runs."""
    return tuple(statistics.median(run[i] for run in runs) for i in range(3))


def per_submission(whole, one, n):
    """(coordinator CPU s, workers' CPU s) per submission: a run over n submissions minus a run
    over one, each a (wall, own CPU, children CPU) of measured(), over n - 1."""
    return (whole[1] - one[1]) / (n - 1), (whole[2] - one[2]) / (n - 1)


def nbgrader_scores(folder):
    """(student, exercise) -> score from nbgrader's gradebook."""
    from nbgrader.api import Gradebook
    scores = {}
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        scores[(submission.student.id, grade.name.removeprefix("check_"))] = grade.score
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--assignments", nargs="+", default=["01_derivative"], metavar="NAME",
                        help="the assignments the class submits, or all (default: 01_derivative)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--as-user", metavar="NAME", help="also time the command as this account")
    parser.add_argument("--user-python", metavar="PATH", help="the account's Python with the course")
    args = parser.parse_args()
    n = args.submissions
    names = assignments(ROOT) if args.assignments == ["all"] else args.assignments
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as scratch:
        ours, theirs = Path(scratch, "ours"), Path(scratch, "nbgrader")
        course_copy(ours, names)
        course_copy(theirs, names)
        made = make_class(ours / "_class", n, args.seed, names)
        for folder in (ours, theirs):
            shutil.copytree(ours / "_class" / "submitted", folder / "submitted")
        pristine = Path(scratch, "pristine")
        shutil.copytree(ours, pristine, symlinks=True)   # the class as submitted, nothing graded
        os.sync()
        speed = [loop_seconds()]
        print(f"{n} submissions over {len(names)} assignment(s): " + ", ".join(
            f"{sum(k == kind for k, _ in made.values())} {kind}"
            for kind in ("correct", "partly wrong", "blank", "broken")))
        grade, first = [*names, "--workers", str(args.workers)], ["--student", min(made)]
        pairs = [(measured(grade, ours) if k == 0 else first_run(grade, pristine),
                  first_run([*grade, *first], pristine)) for k in range(PAIRS)]
        wholes = [run for run, _ in pairs]
        whole = medians(wholes)
        mode = "root" if os.geteuid() == 0 else "user namespaces"
        print(f"backprop-course autograde, one command ({mode}): {whole[0]:7.1f} s, "
              f"{whole[0] / n:.4f} s per submission (the median of {PAIRS} first runs: "
              f"{', '.join(f'{run[0]:.1f}' for run in wholes)} s)")
        skip_all, skip_one = ([measured(a, ours) for _ in range(3)] for a in (grade, [*grade, *first]))
        skip_wall, skip_cpu = ((min(r[i] for r in skip_all) - min(r[i] for r in skip_one)) / (n - 1)
                               for i in (0, 1))
        ones = [measured([*grade, *first, "--force"], ours) for _ in range(5)]
        one = medians(ones)
        each = [per_submission(run, one_run, n) for run, one_run in pairs]
        coordinator, workers = (statistics.median(costs[i] for costs in each) for i in (0, 1))
        startup = [run[0] for run in ones]
        print(f"start-up (the command grading one submission, --student ID --force): "
              f"{min(startup):.2f} s wall, median {one[0]:.2f} of 5 runs; "
              f"median {one[1]:.2f} CPU s in the command's own process")
        print(f"skipping an unchanged submission: {skip_wall * 1000:.2f} ms wall, {skip_cpu * 1000:.2f} "
              f"CPU ms (a run over all {n} minus one over one, the least of 3 each, / {n - 1})")
        steady = [run[3] for run in wholes if run[3] is not None]
        if steady:
            print(f"while grading, one submission costs the coordinator "
                  f"{statistics.median(steady) * 1000:.1f} CPU ms (its CPU over the results it "
                  f"receives, from a fifth of the class to the end; the median of {len(steady)} runs: "
                  f"{', '.join(f'{cost * 1000:.1f}' for cost in steady)} ms)")
        print(f"one submission costs the coordinator {coordinator * 1000:.1f} CPU ms and the "
              f"workers {workers * 1000:.1f} CPU ms (a first run over the class minus one over one "
              f"submission right after it, / {n - 1}, the median of {PAIRS} such pairs: coordinator "
              f"{', '.join(f'{costs[0] * 1000:.1f}' for costs in each)} ms)")
        speed.append(loop_seconds())
        print(f"this machine's speed: a pure-Python loop of 10**7 additions took "
              f"{speed[0]:.2f} s before these runs and {speed[1]:.2f} s after them")
        nbgrader_seconds = 0.0
        for a in names:
            started = time.perf_counter()
            subprocess.run(["nbgrader", "autograde", a], cwd=theirs, capture_output=True)
            nbgrader_seconds += time.perf_counter() - started
        print(f"plain nbgrader autograde, one per assignment: {nbgrader_seconds:7.1f} s, "
              f"{nbgrader_seconds / n:.3f} s per submission")
        print(f"throughput: {nbgrader_seconds / whole[0]:.1f} x nbgrader's")
        theirs_scores = nbgrader_scores(theirs)
        mismatches = []
        for assignment in names:
            for result in results.load_all(ours, assignment):
                if made[result.student][0] == "broken":
                    continue
                for e in result.exercises:
                    other = theirs_scores.get((result.student, e.exercise))
                    if other != e.score:
                        mismatches.append((result.student, e.exercise, e.score, other))
        honest = sum(k != "broken" for k, _ in made.values())
        print(f"honest submissions with equal per-exercise scores: "
              f"{honest - len({m[0] for m in mismatches})} of {honest}")
        for mismatch in mismatches[:10]:
            print("  differs:", mismatch)
        if args.as_user:
            user_seconds = as_user(args.as_user, args.user_python, pristine, grade)
            print(f"the same as {args.as_user} (user namespaces), a first run: {user_seconds:7.1f} s, "
                  f"{user_seconds / n:.4f} s per submission; "
                  f"{user_seconds / whole[0]:.2f} x the time of {mode}")
        return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
