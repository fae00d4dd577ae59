"""Grade N synthetic submissions with this pipeline and with plain `nbgrader autograde`, in one run.

Prints seconds per submission for both, their ratio, and whether the honest submissions (correct,
partly wrong, blank) got the same per-exercise scores. Each pipeline works in its own copy of the
course directory; both are timed as the commands a grader types, start-up included.

    python benchmarks/grading_speed.py [--submissions 100] [--workers 2]
        [--as-user NAME --user-python PATH]

Run as root, it grades in the sandbox's root mode; with --as-user it also times the same command
as that ordinary account (the sandbox's user-namespace mode), with PATH an interpreter where the
account has the course installed (e.g. ~NAME/venv/bin/python), and prints the ratio of the two.
"""
import argparse
import os
from pathlib import Path
import shutil
import subprocess
import sys
import tempfile
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


def synthetic(rng, assignment, notebook):
    """(kind, content) of one submission: correct 60%, partly wrong 25%, blank 10%, broken 5%."""
    solved = solved_release(ROOT, assignment, notebook)
    draw = rng.random()
    if draw < 0.60:
        return "correct", solved
    if draw < 0.85:
        names = [c.metadata["nbgrader"]["grade_id"] for c in solved.cells
                 if c.metadata.get("nbgrader", {}).get("solution")]
        name = names[rng.integers(len(names))]
        return "partly wrong", with_cell(solved, WRONG_BY_HALF.format(name=name), before=f"check_{name}")
    if draw < 0.95:
        return "blank", notebooks.read(ROOT / "release" / assignment / notebook)
    return "broken", b'{"cells": [{"cell_type": "code", "source": "def '


def make_class(folder, n, seed):
    """Write n submissions spread over the course's assignments; returns student -> (kind, assignment)."""
    import nbformat
    rng = np.random.default_rng(seed)
    names = assignments(ROOT)
    made = {}
    for i in range(n):
        assignment = names[i % len(names)]
        notebook = next((ROOT / "source" / assignment).glob("*.ipynb")).name
        kind, content = synthetic(rng, assignment, notebook)
        student = f"student{i:04d}"
        path = folder / "submitted" / student / assignment / notebook
        path.parent.mkdir(parents=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            nbformat.write(content, path)
        made[student] = (kind, assignment)
    return made


def course_copy(folder):
    """A copy of the course at folder, its assignments in nbgrader's gradebook."""
    copy_course(ROOT, folder)
    for assignment in assignments(ROOT):   # not timed: both pipelines need the gradebook entries
        subprocess.run(["nbgrader", "generate_assignment", assignment, "--force"], cwd=folder,
                       check=True, capture_output=True)
        shutil.rmtree(folder / "release" / assignment)
        shutil.copytree(ROOT / "release" / assignment, folder / "release" / assignment)


def as_user(user, python, folder, names, workers):
    """Seconds for the one-command autograde run as an ordinary account, in its own copy of folder."""
    import pwd
    copy = Path(tempfile.mkdtemp(prefix="grading-bench-user-")) / "course"
    shutil.copytree(folder, copy)
    account = pwd.getpwnam(user)
    for path in [copy.parent, copy, *copy.rglob("*")]:
        os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)
    command = f"cd {copy} && {python} -m autograder.cli autograde {' '.join(names)} {' '.join(workers)}"
    try:
        return timed(["su", user, "-s", "/bin/sh", "-c", command], copy)
    finally:
        shutil.rmtree(copy.parent)


def timed(command, cwd):
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


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
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--as-user", metavar="NAME", help="also time the command as this account")
    parser.add_argument("--user-python", metavar="PATH", help="the account's Python with the course")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as scratch:
        ours, theirs = Path(scratch, "ours"), Path(scratch, "nbgrader")
        course_copy(ours)
        course_copy(theirs)
        made = make_class(ours / "_class", args.submissions, args.seed)
        for folder in (ours, theirs):
            shutil.copytree(ours / "_class" / "submitted", folder / "submitted")
        names = sorted({a for _, a in made.values()})
        print(f"{args.submissions} submissions over {len(names)} assignments: " + ", ".join(
            f"{sum(k == kind for k, _ in made.values())} {kind}"
            for kind in ("correct", "partly wrong", "blank", "broken")))
        workers = ["--workers", str(args.workers)]
        if args.as_user:
            user_seconds = as_user(args.as_user, args.user_python, ours, names, workers)
        our_seconds = timed(["backprop-course", "autograde", *names, *workers], ours)
        mode = "root" if os.geteuid() == 0 else "user namespaces"
        print(f"backprop-course autograde, one command ({mode}): {our_seconds:7.1f} s, "
              f"{our_seconds / args.submissions:.3f} s per submission")
        if args.as_user:
            print(f"the same as {args.as_user} (user namespaces): {user_seconds:7.1f} s, "
                  f"{user_seconds / args.submissions:.3f} s per submission; "
                  f"{user_seconds / our_seconds:.2f} x the time of {mode}")
        one_each = sum(timed(["backprop-course", "autograde", a, "--force", *workers], ours)
                       for a in names)
        print(f"backprop-course autograde, one per assignment: {one_each:7.1f} s, "
              f"{one_each / args.submissions:.3f} s per submission")
        nbgrader_seconds = 0.0
        for a in names:
            started = time.perf_counter()
            subprocess.run(["nbgrader", "autograde", a], cwd=theirs, capture_output=True)
            nbgrader_seconds += time.perf_counter() - started
        print(f"plain nbgrader autograde, one per assignment: {nbgrader_seconds:7.1f} s, "
              f"{nbgrader_seconds / args.submissions:.3f} s per submission")
        print(f"throughput: {nbgrader_seconds / our_seconds:.1f} x nbgrader with one command, "
              f"{nbgrader_seconds / one_each:.1f} x with one command per assignment")
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
        return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
