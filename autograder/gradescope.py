"""`backprop-course gradescope ASSIGNMENT -o autograder.zip`: a Gradescope autograder for one
assignment, and what it runs there.

The zip holds setup.sh (installs the course from the copy in course/ into /autograder/venv),
run_autograder (runs `python -m autograder.gradescope ASSIGNMENT`), and course/: the package, its
pyproject.toml, nbgrader_config.py and the assignment's source notebooks. On Gradescope,
/autograder/submission/ holds the student's upload; grading it here goes through the same sandboxed
pipeline as `backprop-course autograde`, in a scratch course directory, and writes
/autograder/results/results.json as Gradescope documents it: the total score, and one test per
exercise with its name, score, max_score, visibility and the message the student would see, which
about a hidden check names only shapes, never an input. The root, /autograder, is
$GRADESCOPE_ROOT when set (tests use a throwaway folder laid out the same way)."""
from __future__ import annotations

import json
import os
from pathlib import Path
import shutil
import sys
import tempfile
from typing import TYPE_CHECKING
import zipfile

from autograder.course_dir import CourseError
from autograder.sandbox import IsolationUnavailable

if TYPE_CHECKING:
    from autograder.results import SubmissionResult

STUDENT = "gradescope"            # the one student of the scratch course directory
MAX_NOTEBOOKS = 20                # uploaded notebooks looked at, in name order
PACKAGE = ("pyproject.toml", "README.md", "autograder", "course")   # from the course's source checkout

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install -q --upgrade pip
/autograder/venv/bin/python -m pip install -q /autograder/source/course
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission/*.ipynb, write
# /autograder/results/results.json. GRADESCOPE_ROOT and BACKPROP_PYTHON stand in for /autograder
# and its venv's Python when this is tried outside Gradescope.
set -euo pipefail
root="${{GRADESCOPE_ROOT:-/autograder}}"
export GRADESCOPE_ROOT="$root"
export PYTHONPATH="$root/source/course"
exec "${{BACKPROP_PYTHON:-/autograder/venv/bin/python}}" -m autograder.gradescope {assignment}
"""


def build(root: Path | str, assignment: str, out: Path | str) -> Path:
    """Write the autograder zip of one assignment of the course at root to out; returns out."""
    root, out = Path(root), Path(out)
    checkout = Path(__file__).resolve().parent.parent
    if not (checkout / "pyproject.toml").is_file():
        raise CourseError(f"the course package at {checkout} is not a source checkout (no "
                          "pyproject.toml): install it with pip install -e . from the course's "
                          "repository to build a Gradescope autograder")
    if not (root / "source" / assignment).is_dir():
        raise CourseError(f"no assignment {assignment} under source/")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN.format(assignment=assignment))):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            archive.writestr(info, text)
        for top, name in [(checkout, name) for name in PACKAGE] + [
                (root, "nbgrader_config.py"), (root, f"source/{assignment}")]:
            path = top / name
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
            for file in files:
                if "__pycache__" not in file.parts and not file.name.startswith("."):
                    archive.write(file, f"course/{file.relative_to(top)}")
    return out


def run(assignment: str, gradescope_root: Path | str) -> dict:
    """Grade the upload in gradescope_root/submission against the course unpacked in
    gradescope_root/source/course, and write gradescope_root/results/results.json; returns what it
    wrote. A failure of the grader itself still writes a
    results.json that says so, with no score, for the instructor to see."""
    gradescope_root = Path(gradescope_root)
    try:
        graded = _grade(assignment, gradescope_root / "source" / "course", gradescope_root / "submission")
    except Exception as error:  # the student must see something, and the instructor the cause
        graded = {"score": 0, "output": f"The autograder itself failed ({type(error).__name__}: "
                                        f"{error}); your instructor has been shown this.",
                  "tests": []}
    folder = gradescope_root / "results"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(graded, indent=1))
    return graded


def _grade(assignment, course, submission):
    """The results.json data of the upload in the folder submission, graded in a scratch copy of
    the course (its nbgrader_config.py and the assignment's source)."""
    from autograder.autograde import autograde
    with tempfile.TemporaryDirectory(prefix="gradescope-") as scratch:
        scratch = Path(scratch)
        shutil.copy(course / "nbgrader_config.py", scratch)
        shutil.copytree(course / "source" / assignment, scratch / "source" / assignment)
        folder = scratch / "submitted" / STUDENT / assignment
        folder.mkdir(parents=True)
        uploads = sorted(p for p in submission.rglob("*.ipynb") if p.is_file() and not p.is_symlink())
        for path in uploads[:MAX_NOTEBOOKS]:
            shutil.copyfile(path, folder / path.name)
        notes = []
        try:
            graded, _, _ = autograde(scratch, [assignment], workers=1, progress=False)
        except IsolationUnavailable:   # each Gradescope submission runs in its own throwaway container
            graded, _, _ = autograde(scratch, [assignment], workers=1, progress=False, no_isolation=True)
            notes.append("(graded without the sandbox's isolation: this container gives none)")
        return results_json(graded[0], notes)


def results_json(result: SubmissionResult, notes: list[str] = ()) -> dict:
    """Gradescope's results.json of one graded submission: one test per exercise."""
    tests = [{"name": e.exercise, "score": e.score, "max_score": e.max_score,
              "status": "passed" if e.score >= e.max_score else "failed",
              "output": f"{e.status}: {e.message or 'Right on every check.'}", "visibility": "visible"}
             for e in result.exercises]
    return {"score": result.score, "output": "\n".join([*result.notes, *notes]),
            "visibility": "visible", "tests": tests}


if __name__ == "__main__":
    from autograder.environment import own_scripts_first
    own_scripts_first()   # run_autograder starts this Python by path; nbgrader wants alembic beside it
    answer = run(sys.argv[1], os.environ.get("GRADESCOPE_ROOT", "/autograder"))
    print(f"{answer['score']:g} point(s); results.json written")
