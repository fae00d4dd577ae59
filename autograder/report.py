"""`backprop-course report`: an HTML class report for one assignment: score histogram, pass rate
per exercise, the most frequent mistakes, the submissions that need a person, and the late ones."""
from __future__ import annotations

import base64
from collections import Counter
from pathlib import Path
import re
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from autograder import html, results
from autograder.gradebook import db_url, lateness
from autograder.results import Status
from autograder.scores import graded as graded_in_gradebook
from course.figures import png

if TYPE_CHECKING:
    from collections.abc import Iterable

    from autograder.results import SubmissionResult


def write_report(root: Path | str, assignment: str) -> Path:
    """Write reports/<assignment>.html; returns its path. Raises ValueError with nothing graded."""
    graded = graded_in_gradebook(root, assignment)
    if not graded:
        raise ValueError(f"nothing of {assignment} is graded yet: run `backprop-course autograde "
                         f"{assignment}` first")
    path = Path(root) / "reports" / f"{assignment}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    late = {student: times for (_, student), times in lateness(db_url(root), assignment).items()}
    path.write_text(html.page(f"Class report: {assignment}", _body(graded) + _late_section(
        assignment, {r.student: late[r.student] for r in graded if r.student in late},
        {r.student: r for r in graded})))
    return path


def late_by(seconds: float) -> str:
    """A duration in seconds as people say it: "2 d 3 h", "3 h 12 min", "41 s"."""
    days, rest = divmod(round(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min"), (secs, "s")) if n]
    return " ".join(parts[:2]) or f"{seconds:.1f} s"


def _late_section(assignment, late, by_student):
    """The late submissions, by nbgrader's figure, with the penalty the gradebook holds. late:
    student -> (submitted, due, seconds late); by_student: student -> SubmissionResult."""
    body = "<h2>Late submissions</h2>"
    if not any(due for _, due, _ in late.values()):
        return body + (f"<p>The gradebook has no due date for {html.escape(assignment)}, so nothing "
                       f"counts as late. Set one with <code>nbgrader db assignment add "
                       f"{html.escape(assignment)} --duedate='YYYY-MM-DD HH:MM:SS UTC'</code>.</p>")
    rows = [(student, f"{when:%Y-%m-%d %H:%M:%S}", f"{due:%Y-%m-%d %H:%M:%S}", late_by(seconds),
             f"{seconds:g}", f"{by_student[student].penalty:g}",
             f"{by_student[student].final_score:g} / {by_student[student].max_score:g}")
            for student, (when, due, seconds) in sorted(late.items()) if seconds > 0]
    return body + (html.table(["student", "submitted (UTC)", "due (UTC)", "late by", "seconds late",
                               "penalty", "final score"], rows, numeric=(3, 4, 5, 6))
                   if rows else "<p>None.</p>")


def pass_rates(graded: Iterable[SubmissionResult]) -> dict[str, tuple[int, int]]:
    """exercise -> (number passed, number graded), in the order exercises first appear."""
    rates = {}
    for result in graded:
        for e in result.exercises:
            passed, total = rates.get(e.exercise, (0, 0))
            rates[e.exercise] = (passed + (e.status == Status.PASSED), total + 1)
    return rates


def frequent_mistakes(graded: Iterable[SubmissionResult],
                      most: int = 10) -> list[tuple[int, str, str]]:
    """[(count, exercise, what the checks said)] of failed checks, most frequent first: a diagnosed
    mistake by its diagnosis, any other failure by its first line with numbers blanked."""
    counter = Counter()
    for result in graded:
        for e in result.exercises:
            if e.status == Status.FAILED and e.message:
                counter[(e.exercise, _gist(e))] += 1
    return [(n, exercise, text) for (exercise, text), n in counter.most_common(most)]


def _gist(e):
    """What the checks said of a failed exercise, alike for alike failures: a catalogued mistake's
    diagnosis; a resemblance's, or the first line, with numbers blanked."""
    if e.diagnosis and e.diagnosis["kind"] == "mistake":
        return "Mistake: " + e.diagnosis["text"]
    said = "Looks like: " + e.diagnosis["text"] if e.diagnosis else e.message.splitlines()[0]
    return re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "#", said)


def _body(graded):
    scores = [r.score for r in graded]
    top = max(r.max_score for r in graded)
    rates = pass_rates(graded)
    body = (f"<p>{len(graded)} submissions; mean score {sum(scores) / len(scores):.2f} of "
            f"{top:g}; {sum(s == top for s in scores)} with full marks.</p>")
    if any(r.penalty for r in graded):
        body += (f"<p>After late penalties, the mean score is "
                 f"{sum(r.final_score for r in graded) / len(graded):.2f} of {top:g}.</p>")
    unisolated = sorted(r.student for r in graded if r.isolation == "none")
    if unisolated:
        body += (f"<p><strong>{len(unisolated)} submission(s) were graded without isolation "
                 "(--no-isolation): their code ran as the grader, with the grader's files.</strong> "
                 f"{html.escape(', '.join(unisolated))}</p>")
    body += "<h2>Scores</h2>" + _image(_histogram(scores, top))
    body += "<h2>Pass rate per exercise</h2>" + _image(_rates_chart(rates)) + html.table(
        ["exercise", "passed", "of", "rate"],
        [(name, p, n, f"{p / n:.0%}") for name, (p, n) in rates.items()], numeric=(1, 2, 3))
    mistakes = frequent_mistakes(graded)
    body += "<h2>Most frequent mistakes</h2>" + (html.table(
        ["students", "exercise", "what the checks said"],
        [(n, exercise, html.pre(text)) for n, exercise, text in mistakes], numeric=(0,))
        if mistakes else "<p>None.</p>")
    people = [(r.student, e.exercise, html.status(e.status), _points(e), html.pre(e.message))
              for r in graded for e in r.exercises if e.status in results.NEEDS_A_PERSON]
    body += "<h2>Submissions that need a person</h2>" + (html.table(
        ["student", "exercise", "status", "points", "message"], people, numeric=(3,))
        if people else "<p>None.</p>")
    manual = [(r.student, e.exercise, html.status(e.status), _points(e))
              for r in graded for e in r.exercises if e.manual]
    body += "<h2>Scored by a person</h2>" + (html.table(
        ["student", "exercise", "status", "points"], manual, numeric=(3,)) + (
        "<p>These scores were set in formgrader (or nbgrader's API) and count instead of the "
        "autograder's.</p>") if manual else "<p>None: every score is the autograder's.</p>")
    return body


def _points(e):
    """An exercise's points, marked when a person set them."""
    return f"{e.score:g} / {e.max_score:g}" + (" (by a person)" if e.manual else "")


def _histogram(scores, top):
    figure = Figure(figsize=(6, 2.6), dpi=90)
    axes = figure.subplots()
    axes.hist(scores, bins=[b - 0.5 for b in range(int(top) + 2)], color="#4c72b0", rwidth=0.85)
    axes.set_xlabel("score")
    axes.set_ylabel("submissions")
    figure.tight_layout()
    return figure


def _rates_chart(rates):
    figure = Figure(figsize=(6, 0.4 + 0.35 * len(rates)), dpi=90)
    axes = figure.subplots()
    names = list(rates)[::-1]
    axes.barh(names, [rates[n][0] / rates[n][1] for n in names], color="#55a868")
    axes.set_xlim(0, 1)
    axes.set_xlabel("share of submissions that passed")
    figure.tight_layout()
    return figure


def _image(figure):
    data = base64.b64encode(png(figure)).decode("ascii")
    return f"<img alt='chart' src='data:image/png;base64,{data}'>"
