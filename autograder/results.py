"""Grading results: one record per student, notebook and exercise, kept as JSON beside nbgrader's
autograded notebooks (autograded/<student>/<assignment>/grading.json)."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
import json
import os
from pathlib import Path

from autograder.course_dir import CourseError


class Status(str, Enum):
    """How an exercise was graded: passed and failed need nobody, the others a person."""
    PASSED = "passed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CRASHED = "crashed"
    MEMORY = "memory"
    UNGRADABLE = "ungradable"
    MISSING = "missing"
    TAMPERED = "tampered"

    __str__ = str.__str__
    __format__ = str.__format__

    @property
    def needs_a_person(self) -> bool:
        return self not in PLAIN


PLAIN = (Status.PASSED, Status.FAILED)
# What nbgrader's exchange puts beside a submission: when it was submitted, and the secret under
# whose hash `nbgrader release_feedback` files the feedback the student's copy will look for.
STAMPS = ("timestamp.txt", "submission_secret.txt")
NEEDS_A_PERSON = tuple(status for status in Status if status not in PLAIN)


@dataclass
class ExerciseResult:
    """The grade of one exercise: points earned of max_score, a Status, the message the student
    sees, the name of the catalogued mistake it diagnosed (if any), the grade id of its test cell,
    the diagnosis as data: {"kind": "mistake" | "looks-like", "name", "text"} or None, and whether
    score is a person's (a manual score in the gradebook, read by autograder.scores.graded)."""
    notebook: str
    exercise: str
    score: float
    max_score: float
    status: Status
    message: str = ""
    mistake: str = ""
    grade_id: str = ""
    diagnosis: dict | None = None
    manual: bool = False


@dataclass
class SubmissionResult:
    """Everything grading found in one student's submission of one assignment; isolation: the
    sandbox's mode it was graded in ("root", "user", or "none" when isolation was turned off);
    penalty: the points taken off for lateness by the course's late-submission policy."""
    student: str
    assignment: str
    fingerprint: str
    exercises: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0
    isolation: str = ""
    penalty: float = 0.0

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def final_score(self) -> float:
        """The score less the late penalty, never below 0, as nbgrader's export counts it (a person
        may lower a score after autograde set the penalty)."""
        return max(0.0, self.score - self.penalty)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    @property
    def needs_a_person(self) -> list[Status]:
        return sorted({e.status for e in self.exercises if e.status in NEEDS_A_PERSON})


def path_for(root: Path | str, assignment: str, student: str) -> Path:
    return Path(root) / "autograded" / student / assignment / "grading.json"


def save(root: Path | str, result: SubmissionResult) -> None:
    """Write a result atomically, so a killed run leaves either the old file or the new one."""
    path = path_for(root, result.assignment, result.student)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(_as_data(result), indent=1))
    os.replace(temporary, path)


def _as_data(result):
    """A result as the JSON data of its file: dataclasses.asdict's, without its deep copy (the
    diagnosis dicts are shared, not changed)."""
    return {**vars(result), "exercises": [vars(e) for e in result.exercises]}


def copy_stamps(source: Path | str, folder: Path | str) -> None:
    """Make folder's STAMPS those of the folder source: copied, or removed where source has none
    that is a small regular file (a link is never followed, nor written through)."""
    from autograder.submission import read_stamps
    write_stamps(read_stamps(source, STAMPS), folder)


def write_stamps(stamps: dict[str, bytes | None], folder: Path | str) -> None:
    """Make folder's STAMPS these (name -> bytes, or None: removed), as read_stamps read them;
    a link there is replaced, never written through."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in stamps.items():
        (folder / name).unlink(missing_ok=True)
        if data is not None:
            (folder / name).write_bytes(data)


def load(root: Path | str, assignment: str, student: str) -> SubmissionResult | None:
    """The saved result of a student's submission, or None (also when its file vanishes as it is
    read); raises CourseError for a file that is not a result (half-written, edited)."""
    path = path_for(root, assignment, student)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        data["exercises"] = [ExerciseResult(**{**e, "status": _status(e["status"])})
                             for e in data["exercises"]]
        return SubmissionResult(**data)
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as error:
        raise CourseError(
            f"the results file {path} cannot be read ({type(error).__name__}: {error}): was it "
            f"half-written or edited? Grade that submission again, which rewrites it: "
            f"backprop-course autograde {assignment} --student {student} --force") from None


def _status(text):
    """The Status a results file names; one it does not know (an edited file) needs a person."""
    try:
        return Status(text)
    except ValueError:
        return Status.CRASHED


def load_all(root: Path | str, assignment: str | None = None) -> list[SubmissionResult]:
    """Every saved result, for one assignment or all, sorted by assignment and student."""
    pattern = f"*/{assignment or '*'}/grading.json"
    found = [load(root, path.parent.name, path.parent.parent.name)
             for path in sorted(Path(root, "autograded").glob(pattern))]
    return sorted((r for r in found if r is not None), key=lambda r: (r.assignment, r.student))
