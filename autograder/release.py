"""Build the student releases from source/ with nbgrader, and prove each one right.

For every assignment, in a throwaway course directory: `nbgrader generate_assignment`, then
`nbgrader autograde` of two submissions, the instructor's source notebooks and the untouched
release. The assignment is right when the source runs without error and earns full marks, the
untouched release earns zero and raises only NotImplementedError (its stubs), and the release
shows no line of a solution or a hidden test.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
import os
from pathlib import Path
import shutil
import tempfile
from typing import TYPE_CHECKING
import warnings

from tqdm import tqdm

from autograder import notebooks
from autograder.conventions import findings
from autograder.course_dir import nbgrader_config
from autograder.nbgrader_log import failure
from autograder.regions import course_markers
from autograder.versions import stamp

if TYPE_CHECKING:
    from collections.abc import Sequence

SOLVED, UNTOUCHED = "instructor_solution", "untouched_release"


@dataclass
class AssignmentCheck:
    """What validating one assignment found. Scores in points."""
    name: str
    max_score: float = 0.0
    solution_score: float = 0.0
    untouched_score: float = 0.0
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        verdict = "ok" if self.ok else f"{len(self.problems)} problem(s)"
        return (f"{self.name:<22} source {self.solution_score:g}/{self.max_score:g}  "
                f"untouched release {self.untouched_score:g}/{self.max_score:g}  {verdict}")


def build_and_check(root: Path | str, assignment: str,
                    keep: Path | str | None = None) -> AssignmentCheck:
    """Generate and validate one assignment in a temporary course directory.

    root: the course directory; keep: a folder to receive the generated release/<assignment>
    (and the autograded notebooks under keep/autograded/), or None. Returns an AssignmentCheck.
    """
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI

    root = Path(root)
    check = AssignmentCheck(assignment)
    with tempfile.TemporaryDirectory(prefix=f"release-{assignment}-") as work:
        work = Path(work)
        shutil.copytree(root / "source" / assignment, work / "source" / assignment)
        config = nbgrader_config(root, work)
        api = NbGraderAPI(config=config)
        with _stderr_to(work / "stderr.log"):
            _build_and_grade(api, check, work, assignment)
        if check.ok:
            released = work / "release" / assignment
            stamp(released)
            with Gradebook(config.CourseDirectory.db_url) as gradebook:
                check.max_score = gradebook.find_assignment(assignment).max_score
                check.solution_score = gradebook.find_submission(assignment, SOLVED).score
                check.untouched_score = gradebook.find_submission(assignment, UNTOUCHED).score
            _judge(check, work, assignment, course_markers(root))
            if keep is not None:
                shutil.copytree(released, Path(keep) / "release" / assignment)
                shutil.copytree(work / "autograded", Path(keep) / "autograded",
                                dirs_exist_ok=True)
    check.problems[:0] = findings(root, assignment)   # the authoring slips first: they say why
    return check


def _build_and_grade(api, check, work, assignment):
    """nbgrader generate_assignment, then autograde of the source and of the untouched release."""
    _must(check, "generate_assignment", api.generate_assignment(assignment))
    if not check.ok:
        return
    released = work / "release" / assignment
    for student, folder in ((SOLVED, work / "source" / assignment), (UNTOUCHED, released)):
        shutil.copytree(folder, work / "submitted" / student / assignment)
        _must(check, f"autograde of the {student}", api.autograde(assignment, student))


@contextmanager
def _stderr_to(path):
    """Send this process's stderr (and its kernels') to a file, and mute library warnings, so the
    progress bar stays readable; nbgrader's own log is kept in each step's result."""
    saved = os.dup(2)
    with open(path, "w") as log, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _must(check, step, result):
    if not result["success"]:
        check.problems.append(f"{step} failed: {failure(result)}")


def _judge(check, work, assignment, markers):
    if check.max_score <= 0:
        check.problems.append("it has no graded test cell with points")
    if check.solution_score != check.max_score:
        check.problems.append(f"the source earns {check.solution_score:g} of {check.max_score:g}")
    if check.untouched_score != 0:
        check.problems.append(f"the untouched release earns {check.untouched_score:g}, not 0")
    for source in sorted((work / "source" / assignment).glob("*.ipynb")):
        solved = notebooks.read(work / "autograded" / SOLVED / assignment / source.name)
        for cell, name, message in notebooks.errors(solved):
            check.problems.append(f"{source.name}: the source raises {name} in {cell}: "
                                  f"{message}")
        untouched = notebooks.read(work / "autograded" / UNTOUCHED / assignment / source.name)
        for cell, name, message in notebooks.errors(untouched):
            if name != "NotImplementedError":
                check.problems.append(f"{source.name}: the untouched release raises {name} in "
                                      f"{cell} (only stubs may raise): {message}")
        release = notebooks.read(work / "release" / assignment / source.name)
        source_nb = notebooks.read(source)
        leaked = notebooks.hidden_lines(source_nb, markers) & (
            notebooks.shown_lines(release, markers) - notebooks.shown_lines(source_nb, markers))
        for line in sorted(leaked):
            check.problems.append(f"{source.name}: the release shows solution or hidden-test "
                                  f"code: {line!r}")


def release(root: Path | str, names: Sequence[str], write: bool = True, jobs: int = 2,
            keep: Path | str | None = None) -> list[AssignmentCheck]:
    """Build and check the named assignments, jobs at a time, with a progress bar.

    write: replace release/<name> in the course with each new release that checked out;
    keep: a folder that receives the generated releases and autograded notebooks (default: a
    temporary one). Returns the AssignmentChecks in the order of names.
    """
    root = Path(root)
    with tempfile.TemporaryDirectory(prefix="releases-") as scratch, \
            ProcessPoolExecutor(max_workers=max(1, min(jobs, len(names)))) as pool:
        keep = Path(keep or scratch)
        futures = {pool.submit(build_and_check, root, name, keep / name): name for name in names}
        checks = {}
        with tqdm(total=len(names), desc="build and check releases", unit="assignment") as bar:
            for future in as_completed(futures):
                checks[futures[future]] = future.result()
                bar.set_postfix_str(futures[future])
                bar.update()
        for name, check in checks.items():
            if write and check.ok:
                shutil.rmtree(root / "release" / name, ignore_errors=True)
                shutil.copytree(keep / name / "release" / name, root / "release" / name)
    return [checks[name] for name in names]
