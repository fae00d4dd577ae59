"""Grading with people: can a teaching assistant open every graded submission in nbgrader's
formgrader (a real Jupyter server, through formgrader's own HTTP API and pages), see the code and
the verdicts but no hidden test, and set a score that then wins in the CSV, the report and the
feedback, even after `autograde --force`? Does nbgrader's late-submission policy apply: none before
the due date, nbgrader's "zero" after it, and a custom plugin (10% of the score per day started)?
Does a plugin that cannot be loaded stop the run with no file written, also when it fails only
after the workers have graded the class?

One class of 03_gates, due 2025-03-02 00:00 UTC: ann right and on time (with HTML and a script in
her notebook), ben with one mistake two days and an hour late, cal with an edited test cell, dee
who submitted the instructor's source notebook (hidden tests and all), eve with a corrupted file.
"""
import csv
from datetime import datetime
import html
import json
import re
import subprocess
from types import SimpleNamespace
import urllib.request

import nbformat
from nbgrader.api import Gradebook
from nbgrader.utils import compute_checksum
import pytest

from autograder.assignment import read_assignment
from autograder.autograded_notebook import autograded_notebook
from autograder.cli import main
from autograder.regions import course_markers, split
from autograder.results import ExerciseResult, Status
from autograder.sample_class import gates_class, replace_in, solved_release, write_class
from autograder.submission import SubmittedNotebook
from support import ROOT, course_copy
from tools.jupyterlab import JupyterLab

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own

A, NOTEBOOK = "03_gates", "gates.ipynb"
DUE = datetime(2025, 3, 2)
SUBMITTED = {"ann": "2025-03-01 12:00:00 UTC", "ben": "2025-03-04 01:00:00 UTC",
             "cal": "2025-03-01 13:00:00 UTC", "dee": "2025-03-01 14:00:00 UTC",
             "eve": "2025-03-01 15:00:00 UTC"}
FLAGGED = {"cal", "dee", "eve"}
SLOW_TO_FAIL = '''
import time
from nbgrader.plugins import LateSubmissionPlugin

class SlowToFail(LateSubmissionPlugin):
    """Fails to start, after the workers have had time to grade the class."""
    def __init__(self, **kwargs):
        time.sleep(4)
        raise RuntimeError("the penalty table is missing")

c.AssignLatePenalties.plugin_class = SlowToFail
'''
TEN_PERCENT_A_DAY = '''
import math
from nbgrader.plugins import LateSubmissionPlugin

class TenPercentADay(LateSubmissionPlugin):
    """10% of the score for every day (or part of one) late."""
    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return 0.1 * score * math.ceil(total_seconds_late / 86400)

c.AssignLatePenalties.plugin_class = TenPercentADay
'''


def _class():
    solved = solved_release(ROOT, A, NOTEBOOK)
    ann = nbformat.v4.new_markdown_cell("My notes <script>alert('student')</script> "
                                        "[a link](javascript:grab())")
    shown = nbformat.v4.new_code_cell("show()", outputs=[nbformat.v4.new_output(
        "display_data", {"text/html": "<script>steal()</script>", "text/plain": "a plain view"})])
    solved_ann = solved_release(ROOT, A, NOTEBOOK)
    solved_ann.cells += [ann, shown]
    return {"ann": solved_ann,
            "ben": replace_in(solved, "mul_backward", "return y * dout, x * dout",
                              "return x * dout, y * dout"),
            "cal": gates_class(ROOT)["sample-12-edited-test-cell"],
            "dee": nbformat.read(ROOT / "source" / A / NOTEBOOK, 4),
            "eve": gates_class(ROOT)["sample-10-corrupted"]}


def _cli(course, *args):
    assert main(["--course-dir", str(course), *args]) == 0


def _outputs(course, tag):
    """Export, report and feedback as they are now, kept under tag."""
    _cli(course, "export", A, "-o", str(course / f"{tag}.csv"))
    _cli(course, "report", A)
    _cli(course, "feedback", A)
    with open(course / f"{tag}.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return SimpleNamespace(
        rows={(r["student_id"], r["exercise"]): r for r in rows},
        report=(course / "reports" / f"{A}.html").read_text(),
        feedback={s: (course / "feedback" / s / A / "gates.html").read_text() for s in SUBMITTED})


class Formgrader:
    """formgrader's HTTP API and pages on a running Jupyter server, as its web page calls them."""

    def __init__(self, lab):
        self.lab = lab

    def get(self, path, raw=False):
        request = urllib.request.Request(f"{self.lab.url}/formgrader/{path}",
                                         headers={"Authorization": f"token {self.lab.token}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read().decode()
        return body if raw else json.loads(body)

    def put(self, path, data):
        request = urllib.request.Request(f"{self.lab.url}/formgrader/{path}", method="PUT",
                                         data=json.dumps(data).encode(),
                                         headers={"Authorization": f"token {self.lab.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded under nbgrader's "zero" policy; a TA then works in formgrader; the class is
    graded again with --force under the 10%-a-day plugin. What each step showed is kept."""
    course = course_copy(tmp_path_factory.mktemp("people") / "course", A)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    write_class(course, A, NOTEBOOK, _class())
    for student, when in SUBMITTED.items():
        (course / "submitted" / student / A / "timestamp.txt").write_text(when)
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url) as gradebook:
        gradebook.update_or_create_assignment(A, duedate=DUE)
    _cli(course, "autograde", A)
    seen = SimpleNamespace(course=course, url=url, zero=_outputs(course, "zero"))

    with JupyterLab(course) as lab:
        formgrader = Formgrader(lab)
        seen.submissions = formgrader.get(f"api/submissions/{A}")
        seen.notebooks = {nb["student"]: nb for nb in
                          formgrader.get(f"api/submitted_notebooks/{A}/gates")}
        seen.pages = {s: formgrader.get(f"submissions/{nb['id']}/", raw=True)
                      for s, nb in seen.notebooks.items()}
        grades = {s: {g["name"]: g for g in formgrader.get(f"api/grades?submission_id={nb['id']}")}
                  for s, nb in seen.notebooks.items()}
        formgrader.put(f"api/grade/{grades['cal']['check_mul_backward']['id']}", {"manual_score": 0})
        formgrader.put(f"api/grade/{grades['ben']['check_mul_backward']['id']}",
                       {"manual_score": 0.5})
    seen.manual = _outputs(course, "manual")

    bad = course / "nbgrader_config.py"
    good = bad.read_text()
    bad.write_text(good + '\nc.AssignLatePenalties.plugin_class = "no_such_module.Plugin"\n')
    before = _mtimes(course)
    seen.bad_plugin = subprocess.run(["backprop-course", "--course-dir", str(course), "autograde", A,
                                      "--force"], capture_output=True, text=True)
    seen.bad_plugin_touched = before != _mtimes(course)
    bad.write_text(good + SLOW_TO_FAIL)
    before = _mtimes(course)
    seen.slow_plugin = subprocess.run(["backprop-course", "--course-dir", str(course), "autograde",
                                       A, "--force"], capture_output=True, text=True)
    seen.slow_plugin_touched = before != _mtimes(course)
    bad.write_text(good + TEN_PERCENT_A_DAY)
    _cli(course, "autograde", A, "--force")
    seen.custom = _outputs(course, "custom")
    subprocess.run(["nbgrader", "export", "--to", "nbgrader.csv"], cwd=course, check=True,
                   capture_output=True)
    with open(course / "nbgrader.csv", newline="") as f:
        seen.nbgrader_export = {r["student_id"]: r for r in csv.DictReader(f)}
    return seen


def _mtimes(course):
    """When each file under autograded/ was last written."""
    return {path: path.stat().st_mtime_ns for path in (course / "autograded").rglob("*")}


def _hidden_lines(course):
    """Every non-blank line inside a hidden-test region of the source notebook."""
    markers = course_markers(course)
    source = nbformat.read(course / "source" / A / NOTEBOOK, 4)
    hidden = {line.strip() for cell in source.cells if cell.cell_type == "code"
              for line in split(cell.source.replace(markers.begin_solution, "#")
                                .replace(markers.end_solution, "#"), markers)[0]}
    return {line for line in hidden if line and not line.startswith("#")}


def _autograded(graded, student):
    return nbformat.read(graded.course / "autograded" / student / A / NOTEBOOK, 4)


def test_does_every_submission_get_an_autograded_notebook_with_verdicts_and_no_hidden_test(graded):
    release = nbformat.read(graded.course / "release" / A / NOTEBOOK, 4)
    released = {c.metadata.nbgrader["grade_id"]: c.source for c in release.cells
                if c.metadata.get("nbgrader", {}).get("grade")}
    hidden = _hidden_lines(graded.course)
    assert hidden, "the source notebook should have hidden tests to look for"
    for student in SUBMITTED:
        nb = _autograded(graded, student)
        nbformat.validate(nb)
        tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert {c.metadata.nbgrader.grade_id: c.source for c in tests} == released, student
        for cell in tests:
            assert cell.metadata.nbgrader.checksum == compute_checksum(cell)
            assert cell.outputs[0].data["text/plain"].startswith("Autograder: ")
        text = json.dumps(nb)
        assert not [line for line in hidden if line in text], student


def test_does_the_notebook_keep_the_students_work_and_leave_out_what_could_run_in_a_browser(graded):
    ann = _autograded(graded, "ann")
    assert "return y * dout, x * dout" in json.dumps(ann)
    assert "a plain view" in json.dumps(ann) and "steal()" not in json.dumps(ann)
    assert "<script>" not in json.dumps(ann)
    eve = _autograded(graded, "eve")
    assert "could not be graded" in eve.cells[0].source


def test_does_formgrader_list_every_submission_and_flag_the_ones_that_need_a_person(graded):
    assert {s["student"]: s["autograded"] for s in graded.submissions} == dict.fromkeys(SUBMITTED, True)
    flagged = {s for s, nb in graded.notebooks.items() if nb["needs_manual_grade"]}
    assert flagged == FLAGGED


def _text(page):
    """The text a browser shows of an HTML page (tags dropped, entities read)."""
    return html.unescape(re.sub(r"<[^>]*>", "", page))


def test_does_formgrader_show_a_flagged_submissions_code_and_verdicts_but_no_hidden_test(graded):
    cal = _text(graded.pages["cal"])
    assert "Autograder: tampered, 1 of 1 point(s)" in cal
    assert "the test cell check_mul_backward was edited" in cal
    assert "return y * dout, x * dout" in cal
    assert '<input class="score tabbable" id="check_mul_backward"' in graded.pages["cal"]
    hidden = _hidden_lines(graded.course)
    for student, page in graded.pages.items():
        assert "Autograder: " in _text(page), student
        assert not [line for line in hidden if line in _text(page)], student


def test_does_formgrader_show_a_students_markup_as_text_and_run_none_of_it(graded):
    ann = graded.pages["ann"]
    assert "My notes <script>alert('student')</script> [a link](javascript:grab())" in _text(ann)
    assert "<script>alert" not in ann and "href=\"javascript" not in ann
    assert "steal()" not in ann and "a plain view" in ann


def test_does_a_score_set_in_formgrader_win_in_csv_report_and_feedback(graded):
    rows = graded.manual.rows
    assert rows[("cal", "mul_backward")]["score"] == "0"
    assert rows[("cal", "mul_backward")]["manual"] == "yes"
    assert rows[("ben", "mul_backward")]["score"] == "0.5"
    assert rows[("ann", "mul_backward")]["manual"] == ""
    section = graded.manual.report.split("<h2>Scored by a person</h2>")[1]
    assert "cal" in section and "ben" in section and "ann" not in section.split("<h2>")[0]
    assert "(set by your instructor)" in graded.manual.feedback["cal"]
    assert "(set by your instructor)" not in graded.manual.feedback["ann"]


def test_do_manual_scores_survive_autograde_force(graded):
    rows = graded.custom.rows
    assert (rows[("cal", "mul_backward")]["score"], rows[("cal", "mul_backward")]["manual"]) == ("0", "yes")
    assert rows[("ben", "mul_backward")]["score"] == "0.5"
    with Gradebook(graded.url) as gradebook:
        cal = gradebook.find_grade("check_mul_backward", "gates", A, "cal")
        assert (cal.auto_score, cal.manual_score, cal.needs_manual_grade) == (1.0, 0.0, False)


def test_does_the_zero_policy_take_everything_from_the_late_submission_only(graded):
    ben, ann = graded.zero.rows[("ben", "mul_backward")], graded.zero.rows[("ann", "mul_backward")]
    assert (ben["penalty"], ben["final_score"], ann["penalty"], ann["final_score"]) == ("3", "0", "0", "6")
    assert ben["seconds_late"] == str(2 * 86400 + 3600)
    late = graded.zero.report.split("<h2>Late submissions</h2>")[1]
    assert "ben" in late and "ann" not in late and "<td class='num'>0 / 6</td>" in late
    assert "takes off <b>3</b> point(s)" in graded.zero.feedback["ben"]
    assert "takes off" not in graded.zero.feedback["ann"]


def test_does_a_custom_plugin_from_nbgrader_config_set_the_penalty_as_nbgrader_would(graded):
    ben = graded.custom.rows[("ben", "mul_backward")]
    assert float(ben["penalty"]) == pytest.approx(0.3 * 3.5)   # 3 days started, of 3 + 0.5 by a person
    assert float(ben["final_score"]) == pytest.approx(3.5 - 1.05)
    exported = graded.nbgrader_export["ben"]
    assert float(exported["raw_score"]) == pytest.approx(3.5)
    assert float(exported["late_submission_penalty"]) == pytest.approx(1.05)
    assert float(graded.nbgrader_export["ann"]["late_submission_penalty"]) == 0


def test_does_a_plugin_that_cannot_be_loaded_stop_autograde_saying_what_to_fix(graded):
    assert graded.bad_plugin.returncode == 2
    assert "no_such_module.Plugin" in graded.bad_plugin.stderr
    assert "c.AssignLatePenalties.plugin_class" in graded.bad_plugin.stderr
    assert "Traceback" not in graded.bad_plugin.stderr
    assert not graded.bad_plugin_touched


def test_does_a_plugin_that_fails_once_the_class_is_graded_leave_every_file_as_it_was(graded):
    """The workers grade while the plugin loads; what they graded is written only once it has."""
    assert graded.slow_plugin.returncode == 2
    assert "the penalty table is missing" in graded.slow_plugin.stderr
    assert "Traceback" not in graded.slow_plugin.stderr
    assert not graded.slow_plugin_touched


def test_is_a_deleted_test_cell_put_back_with_its_verdict():
    spec = next(s for s in read_assignment(ROOT, A) if s.name == NOTEBOOK)
    release = nbformat.read(ROOT / "release" / A / NOTEBOOK, 4)
    release.cells = [c for c in release.cells
                     if c.metadata.get("nbgrader", {}).get("grade_id") != "check_add_backward"]
    verdicts = {g.grade_id: ExerciseResult(NOTEBOOK, g.exercise, 0.0, g.points, Status.TAMPERED,
                                           f"{g.grade_id} was deleted", grade_id=g.grade_id)
                for g in spec.graded}
    nb = autograded_notebook(SubmittedNotebook(spec, notebook=release), verdicts)
    last = nb["cells"][-1]
    assert last["metadata"]["nbgrader"]["grade_id"] == "check_add_backward"
    assert "check_add_backward was deleted" in last["outputs"][0]["data"]["text/plain"]
    assert [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
            if c["metadata"].get("nbgrader", {}).get("grade")] == [
        "check_mul_backward", "check_max_backward", "check_flow_backward", "check_gates_question_1",
        "check_add_backward"]


def test_is_a_submission_graded_before_autograded_notebooks_existed_graded_again(graded, capsys):
    (graded.course / "autograded" / "ann" / A / NOTEBOOK).unlink()
    _cli(graded.course, "autograde", A)
    assert "1 submission(s) graded, 4 already up to date" in capsys.readouterr().out
    assert _autograded(graded, "ann").cells


def test_does_a_score_lowered_below_the_late_penalty_count_zero_as_nbgrader_exports_it(graded):
    with Gradebook(graded.url) as gradebook:   # after the 10%-a-day penalty, a TA takes every point
        for grade in gradebook.find_submission_notebook("gates", A, "ben").grades:
            grade.manual_score = 0
        gradebook.db.commit()
    lowered = _outputs(graded.course, "lowered")
    ben = lowered.rows[("ben", "mul_backward")]
    assert (float(ben["penalty"]), ben["final_score"]) == (pytest.approx(1.05), "0")
    assert "<td class='num'>0 / 6</td>" in lowered.report.split("<h2>Late submissions</h2>")[1]
    assert "counts <b>0 of" in lowered.feedback["ben"]
    subprocess.run(["nbgrader", "export", "--to", "lowered-nbgrader.csv"], cwd=graded.course,
                   check=True, capture_output=True)
    with open(graded.course / "lowered-nbgrader.csv", newline="") as f:
        assert next(float(r["score"]) for r in csv.DictReader(f) if r["student_id"] == "ben") == 0


def test_does_an_extension_a_person_gives_move_the_due_date_the_late_penalty_counts_from(tmp_path):
    """ben, two days and an hour late under the "zero" policy, loses everything; given a three-day
    extension in the gradebook (as formgrader or `nbgrader db` records it) and graded again, he
    is on time, by nbgrader's own reckoning too."""
    from datetime import timedelta
    course = course_copy(tmp_path / "course", A)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    write_class(course, A, NOTEBOOK, {"ben": solved_release(ROOT, A, NOTEBOOK)})
    (course / "submitted" / "ben" / A / "timestamp.txt").write_text(SUBMITTED["ben"])
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url) as gradebook:
        gradebook.update_or_create_assignment(A, duedate=DUE)

    def penalty_and_lateness():
        with Gradebook(url) as gradebook:
            submission = gradebook.find_submission(A, "ben")
            return submission.late_submission_penalty, submission.total_seconds_late

    _cli(course, "autograde", A)
    assert penalty_and_lateness() == (6.0, 2 * 86400 + 3600)
    with Gradebook(url) as gradebook:
        gradebook.update_or_create_submission(A, "ben", extension=timedelta(days=3))
    _cli(course, "autograde", A, "--force")
    assert penalty_and_lateness() == (0.0, 0)
