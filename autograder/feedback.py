"""`backprop-course feedback`: one HTML page per student and notebook: the summary table of each
exercise's points, status and message at the top, then the student's own notebook (their code,
markdown, outputs and pictures, from the autograded copy grading wrote) with each exercise's verdict
in place of its test cell's outputs. The autograded copy holds no hidden test and the messages
about hidden checks name no input, so the page shows neither. Pages and the graded submission's
timestamp and secret land where `nbgrader release_feedback` looks for them."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from autograder import html, notebook_html, notebooks, results
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
            path.write_text(_page(result, notebook, exercises, _autograded(root, result, notebook)))
            written.append(path)
    return written


def _autograded(root, result, notebook):
    """The autograded copy of the student's notebook, or None if there is none to read."""
    path = results.path_for(root, result.assignment, result.student).parent / notebook
    try:
        return notebooks.read(path)
    except Exception:  # missing, or not a notebook: the page then says so
        return None


def _page(result, notebook, exercises, nb):
    score = sum(e.score for e in exercises)
    total = sum(e.max_score for e in exercises)
    rows = [(html.Markup(f"<a href='#{html.escape(_anchor(e))}'>{html.escape(e.exercise)}</a>"),
             f"{e.score:g} / {e.max_score:g}" + (" (set by your instructor)" if e.manual else ""),
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
    body += "<h2>Your notebook, with each verdict in place</h2>"
    if nb is None:
        body += "<p>Your notebook cannot be shown here; the table above has every verdict.</p>"
    else:
        verdicts = {e.grade_id: e for e in exercises}
        body += notebook_html.notebook(nb, lambda grade_id: _verdict(verdicts.get(grade_id)))
    return html.page(f"Feedback: {notebook}", body)


def _anchor(e):
    return f"verdict-{e.grade_id or e.exercise}"


def _verdict(e):
    """The verdict of one exercise, shown under its test cell."""
    if e is None:
        return None
    return html.Markup(f"<div class='verdict' id='{html.escape(_anchor(e))}'><p><b>{html.escape(e.exercise)}"
                       f"</b>: {e.score:g} / {e.max_score:g} point(s), {html.status(e.status)}</p>"
                       f"{html.pre(e.message or 'Right on every check.')}</div>")
