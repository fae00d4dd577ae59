"""Can a teaching assistant grade in nbgrader's formgrader, in a real browser, what `backprop-course
autograde` graded: open a flagged submission, see the student's code and the verdicts, type a
score, and find it in our CSV?"""
import time
from types import SimpleNamespace

from nbgrader.api import Gradebook
import pytest

from autograder.cli import main
from autograder.sample_class import gates_class, solved_release, write_class
from support import ARTIFACTS, ROOT, course_copy
from tools.jupyterlab import WINDOW, JupyterLab

A, NOTEBOOK = "03_gates", "gates.ipynb"


@pytest.fixture(scope="module")
def formgrader(tmp_path_factory, browser):
    """A graded class of two (ann right, cal with an edited test cell) served by a Jupyter server,
    and a browser page to grade it in."""
    course = course_copy(tmp_path_factory.mktemp("formgrader") / "course", A)
    write_class(course, A, NOTEBOOK, {"ann": solved_release(ROOT, A, NOTEBOOK),
                                      "cal": gates_class(ROOT)["sample-12-edited-test-cell"]})
    assert main(["--course-dir", str(course), "autograde", A]) == 0
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url) as gradebook:
        submission = gradebook.find_submission_notebook("gates", A, "cal").id
    with JupyterLab(course) as lab:
        page = browser.new_page(viewport=WINDOW)
        page.set_default_timeout(60_000)
        page.goto(f"{lab.url}/login?next=/formgrader/submissions/{submission}/")
        page.fill("input#password_input", lab.token)   # the server's login page, as a TA logs in
        page.click("button#login_submit")
        page.wait_for_url("**/formgrader/submissions/**")
        try:
            yield SimpleNamespace(course=course, url=url, page=page)
        finally:
            page.close()


def _manual_score(url, student, grade_id):
    with Gradebook(url) as gradebook:
        return gradebook.find_grade(grade_id, "gates", A, student).manual_score


def test_does_a_flagged_submission_show_its_code_and_verdicts(formgrader):
    score = formgrader.page.locator("input.score#check_mul_backward")
    score.wait_for()
    text = formgrader.page.inner_text("body")
    assert "Autograder: tampered, 1 of 1 point(s)" in text
    assert "the test cell check_mul_backward was edited" in text
    assert "return y * dout, x * dout" in text
    formgrader.page.screenshot(path=str(ARTIFACTS / "formgrader-flagged-submission.png"), full_page=True)


def test_does_a_score_typed_in_formgrader_reach_the_gradebook_and_the_csv(formgrader):
    score = formgrader.page.locator("input.score#check_mul_backward")
    score.fill("0")
    score.press("Tab")   # formgrader saves a score when it changes
    deadline = time.monotonic() + 20
    while _manual_score(formgrader.url, "cal", "check_mul_backward") != 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _manual_score(formgrader.url, "cal", "check_mul_backward") == 0
    out = formgrader.course / "grades.csv"
    assert main(["--course-dir", str(formgrader.course), "export", A, "-o", str(out)]) == 0
    row = next(line for line in out.read_text().splitlines()
               if line.startswith("cal,03_gates,gates.ipynb,mul_backward,"))
    assert row.endswith(",yes,0,5")   # manual; no penalty; 5 of 6 once mul_backward's point is gone
