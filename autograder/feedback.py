"""`backprop-course feedback`: one HTML page per student and notebook with each exercise's points,
status and message. Built from the grading results only, so it never shows hidden tests or
hidden inputs (the messages about hidden checks name no input). Pages and the graded submission's
timestamp and secret land where `nbgrader release_feedback` looks for them."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from autograder import html, results
from autograder.scores import graded


def write_feedback(root: Path | str, assignment: str) -> list[Path]:
    """Write feedback/<student>/<assignment>/<notebook>.html for every graded student, beside the
    graded submission's results.STAMPS; returns the paths of the pages."""
    written = []
    for result in graded(root, assignment):
        folder = Path(root) / "feedback" / result.student / assignment
        results.copy_stamps(results.path_for(root, assignment, result.student).parent, folder)
        by_notebook = defaultdict(list)
        for exercise in result.exercises:
            by_notebook[exercise.notebook].append(exercise)
        for notebook, exercises in by_notebook.items():
            path = folder / (Path(notebook).stem + ".html")
            path.write_text(_page(result, notebook, exercises))
            written.append(path)
    return written


def _page(result, notebook, exercises):
    score = sum(e.score for e in exercises)
    total = sum(e.max_score for e in exercises)
    rows = [(e.exercise, f"{e.score:g} / {e.max_score:g}" + (" (set by your instructor)" if e.manual else ""),
             html.status(e.status),
             html.pre(e.message or "Right on every check."))
            for e in exercises]
    body = (f"<p>Student <b>{html.escape(result.student)}</b>, assignment "
            f"<b>{html.escape(result.assignment)}</b>: <b>{score:g} of {total:g}</b> points.</p>"
            + html.table(["exercise", "points", "status", "what the checks found"], rows, numeric=(1,)))
    if result.penalty:
        body += (f"<p>Submitted late: the late-submission policy takes off <b>{result.penalty:g}</b> "
                 f"point(s), so the assignment counts <b>{result.final_score:g} of "
                 f"{result.max_score:g}</b>.</p>")
    if result.notes:
        body += "<h2>Notes from the grader</h2><ul>" + "".join(
            f"<li>{html.escape(n)}</li>" for n in result.notes) + "</ul>"
    if any(e.status in results.NEEDS_A_PERSON for e in exercises):
        body += ("<p>Some of this needs a person: your instructor will look at it. "
                 "Nothing is lost meanwhile.</p>")
    return html.page(f"Feedback: {notebook}", body)
