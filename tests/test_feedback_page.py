"""A student's feedback page: does it show their own notebook (code, markdown, outputs, pictures
with alt text) with each verdict in place under its test cell and the summary table on top, never
a hidden test or a hidden input, and does it stay readable at a phone's width and in print?

The class: for every assignment, the instructor's source notebooks as nbgrader ran them (solutions,
hidden tests, outputs and pictures all in them: the worst a student could hand in), and for 03_gates
a submission right on the visible check but wrong on the hidden ones."""
from concurrent.futures import ThreadPoolExecutor
import html
import re

import numpy as np
import pytest

from autograder import grading, notebooks
from autograder.autograde import autograde
from autograder.course_dir import assignments
from autograder.feedback import write_feedback
from autograder.regions import Markers
from autograder.sample_class import replace_in, solved_release, write_class
from support import ROOT, course_copy

ASSIGNMENTS = assignments(ROOT)
SOURCE, VISIBLE_ONLY = "handed-in-source", "visible-only"
# mul_backward right on the visible cases (multiples of a quarter), wrong on random inputs
RIGHT_ON_VISIBLE_ONLY = ("return y * dout, x * dout",
                         "return (y * dout, x * dout) if float(4 * x).is_integer() else (x * dout, y * dout)")
DATA_URI = re.compile(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+")


@pytest.fixture(scope="module")
def graded_class(validated, tmp_path_factory):
    """The class graded and its feedback written; returns (course, pages: (assignment, student)
    -> page text, hidden inputs the grader drew: assignment -> list of cases)."""
    course = course_copy(tmp_path_factory.mktemp("feedback") / "course", *ASSIGNMENTS)
    for name in ASSIGNMENTS:
        ran = validated[1] / name / "autograded" / "instructor_solution" / name
        folder = course / "submitted" / SOURCE / name
        folder.mkdir(parents=True)
        for path in ran.glob("*.ipynb"):
            (folder / path.name).write_bytes(path.read_bytes())
    write_class(course, "03_gates", "gates.ipynb", {VISIBLE_ONLY: replace_in(
        solved_release(ROOT, "03_gates", "gates.ipynb"), "mul_backward", *RIGHT_ON_VISIBLE_ONLY)})
    drawn = {}
    real_cases = grading._cases

    def recorded(exercise, rng):
        cases = real_cases(exercise, rng)
        drawn.setdefault(exercise.name, []).extend(cases[len(exercise.visible):])
        return cases

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grading, "_cases", recorded)
        autograde(course, ASSIGNMENTS, workers=2, progress=False)
    pages = {}
    for name in ASSIGNMENTS:
        for path in write_feedback(course, name):
            pages.setdefault((name, path.parent.parent.name), []).append(path.read_text())
    return course, {key: "\n".join(texts) for key, texts in pages.items()}, drawn


def _hidden_test_lines(nb, markers=Markers()):
    """The lines inside the hidden-test regions of a source notebook (not the marker lines:
    nbgrader's markers are public, and the grader names them when a submission holds them)."""
    found = set()
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if markers.end_hidden in line:
                inside = False
            elif markers.begin_hidden in line:
                inside = True
            elif inside and line.strip():
                found.add(line.strip())
    return found


def _shown_text(page):
    """What a reader sees of a page: its text with entities decoded, pictures' data left out."""
    return html.unescape(DATA_URI.sub("", page))


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_does_no_page_show_a_line_of_a_hidden_test(graded_class, name):
    _, pages, _ = graded_class
    hidden = set().union(*(_hidden_test_lines(notebooks.read(path))
                           for path in (ROOT / "source" / name).glob("*.ipynb")))
    assert hidden, f"{name} has no hidden tests to look for"
    for (assignment, student), page in pages.items():
        shown = _shown_text(page)
        assert not [line for line in hidden if line in shown], (assignment, student)
        assert "hidden=True" not in shown


def _numbers(value):
    """Every float in a case (nested dicts, tuples, lists, arrays)."""
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers(v)]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _numbers(v)]
    array = np.asarray(value)
    return [float(x) for x in array.ravel()] if array.dtype.kind == "f" else []


def test_does_no_page_show_an_input_of_a_hidden_check(graded_class):
    course, pages, drawn = graded_class
    assert drawn and "mul_backward" in drawn
    visible_only = pages[("03_gates", VISIBLE_ONLY)]
    assert "On a hidden test with random inputs" in visible_only   # the hidden checks did fail
    secret = {f"{x:.6g}" for case in drawn.values() for x in _numbers(case)
              if len(f"{abs(x):.6g}".replace(".", "").lstrip("0")) >= 4}   # not a round number
    for (assignment, student), page in pages.items():
        shown = _shown_text(page)
        folder = course / "submitted" / student / assignment
        handed_in = "".join(path.read_text() for path in folder.glob("*.ipynb"))
        leaked = {text for text in secret if text in shown and text not in handed_in}
        assert not leaked, (assignment, student, sorted(leaked)[:5])


def test_does_the_page_show_the_students_work_with_each_verdict_in_place(graded_class):
    course, pages, _ = graded_class
    page = pages[("03_gates", VISIBLE_ONLY)]
    summary, _, work = page.partition("Your notebook")
    assert "<table>" in summary and "mul_backward" in summary
    assert RIGHT_ON_VISIBLE_ONLY[1] in html.unescape(work)   # their code
    assert "<h1" in work or "<h2" in work             # their markdown, rendered
    visible = [cell for cell in notebooks.read(ROOT / "release" / "03_gates" / "gates.ipynb").cells
               if cell.metadata.get("nbgrader", {}).get("grade")]
    at = 0
    for cell in visible:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        test = work.index(html.escape(cell.source), at)
        verdict = work.index(f"id='verdict-{grade_id}'", test)
        assert work.find("<div class='cell", test, verdict) == -1, f"{grade_id}'s verdict is not under it"
        at = verdict
    assert "failed" in work[work.index("id='verdict-check_mul_backward'"):][:400]
    source = pages[("03_gates", SOURCE)]
    assert re.search(r"<img [^>]*alt='Picture drawn by cell \d+", source)


def test_does_every_picture_carry_alt_text(graded_class):
    _, pages, _ = graded_class
    pictures = [tag for page in pages.values() for tag in re.findall(r"<img\b[^>]*>", page)]
    assert pictures
    assert all(re.search(r"\balt='[^']+'", tag) for tag in pictures)


# JavaScript: the elements whose content sticks out of them without a scroll bar, to say what
# makes a page too wide
WIDE = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX == "visible")
    .slice(0, 5).map(e => `${e.tagName}.${e.className}: ${(e.textContent || "").slice(0, 60)}`)"""


def test_is_the_page_readable_at_a_phones_width_and_in_print(graded_class, tmp_path):
    course, pages, _ = graded_class
    page = course / "feedback" / SOURCE / "08_two_layer_network" / "two_layer_network.html"
    # in a thread of its own: Playwright's sync API refuses a thread where an earlier test (Dask,
    # a Jupyter server's client) left an asyncio loop marked running
    with ThreadPoolExecutor(1) as thread:
        pdf = thread.submit(_phone_and_print, page, tmp_path).result()
    assert pdf.startswith(b"%PDF")


def _phone_and_print(page, tmp_path):
    """Open the page at a phone's width and as printed on A4; returns the printed PDF's bytes."""
    from tools.jupyterlab import chromium
    with chromium() as browser:
        phone = browser.new_page(viewport={"width": 360, "height": 740})
        phone.goto(page.as_uri())
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360, phone.evaluate(WIDE)
        widest = phone.evaluate("Math.max(...[...document.images].map(i => i.getBoundingClientRect().right))")
        assert widest <= 360
        paper = browser.new_page(viewport={"width": 700, "height": 1000})   # A4's printable width
        paper.emulate_media(media="print")
        paper.goto(page.as_uri())
        assert paper.evaluate("document.documentElement.scrollWidth") <= 700, paper.evaluate(WIDE)
        return paper.pdf(path=str(tmp_path / "feedback.pdf"), format="A4")
