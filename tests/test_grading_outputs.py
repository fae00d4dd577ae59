"""Does the demo grade the sample class, and do feedback, CSV, report and nbgrader's export agree?"""
import csv
import os
import subprocess

import pytest

from support import ROOT

EXPECTED = {  # student -> (score of 6, statuses of mul, add, max, flow, question)
    "sample-01-correct": (6, ["passed"] * 5),
    "sample-02-blank": (0, ["failed"] * 5),
    "sample-03-mul-not-swapped": (3, ["failed", "passed", "passed", "failed", "passed"]),
    "sample-04-max-tie-to-y": (5, ["passed", "passed", "failed", "passed", "passed"]),
    "sample-05-numpy-warning": (6, ["passed"] * 5),
    "sample-06-infinite-loop": (3, ["passed", "timeout", "passed", "timeout", "passed"]),
    "sample-07-exits-at-the-end": (6, ["passed"] * 5),
    "sample-08-segfault": (3, ["passed", "passed", "crashed", "crashed", "passed"]),
    "sample-09-memory-bomb": (3, ["memory", "passed", "passed", "memory", "passed"]),
    "sample-10-corrupted": (0, ["ungradable"] * 5),
    "sample-11-nothing-submitted": (0, ["missing"] * 5),
    "sample-12-edited-test-cell": (6, ["tampered", "passed", "passed", "passed", "passed"]),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "class"
    run = subprocess.run(["backprop-course", "demo", "--dir", str(folder)], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return folder, run.stdout


def _rows(demo):
    with open(demo[0] / "grades.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_does_every_sample_submission_get_the_score_and_statuses_it_deserves(demo):
    rows = _rows(demo)
    for student, (score, statuses) in EXPECTED.items():
        mine = [r for r in rows if r["student_id"] == student]
        assert [r["exercise"] for r in mine] == ["mul_backward", "add_backward", "max_backward",
                                                 "flow_backward", "gates_question_1"]
        assert [r["status"] for r in mine] == statuses, student
        assert sum(float(r["score"]) for r in mine) == score, student


def test_does_the_csv_have_the_promised_columns_and_one_row_per_exercise(demo):
    rows = _rows(demo)
    assert list(rows[0]) == ["student_id", "assignment", "notebook", "exercise", "score",
                             "max_score", "status", "message", "mistake", "seconds_late",
                             "isolation", "manual", "penalty", "final_score"]
    assert len(rows) == 12 * 5
    assert {row["isolation"] for row in rows} == {"root" if os.geteuid() == 0 else "user"}


def test_does_a_wrong_answer_get_expected_got_and_the_name_of_its_mistake(demo):
    row = next(r for r in _rows(demo) if r["student_id"] == "sample-03-mul-not-swapped")
    assert "returned a wrong dx: expected -8, got 6" in row["message"]
    assert "Mistake: dx and dy are not swapped" in row["message"]
    assert row["mistake"] == "not-swapped"


def test_does_the_summary_table_show_who_needs_a_person(demo):
    lines = demo[1].splitlines()
    assert any("sample-06-infinite-loop" in line and "timeout" in line for line in lines)
    assert any("sample-01-correct" in line and line.rstrip().endswith("-") for line in lines)
    assert "private read-only root on" in demo[1]


def test_does_feedback_show_each_exercise_without_hidden_tests(demo):
    pages = sorted((demo[0] / "feedback").glob("*/03_gates/gates.html"))
    assert len(pages) == 12
    for page in pages:
        text = page.read_text()
        assert "hidden=True" not in text and "HIDDEN TESTS" not in text
        for exercise in ("mul_backward", "add_backward", "max_backward", "flow_backward",
                         "gates_question_1"):
            assert exercise in text
    wrong = (demo[0] / "feedback" / "sample-04-max-tie-to-y" / "03_gates" / "gates.html").read_text()
    assert "5 of 6" in wrong and "sends it to x: compare with &gt;=, not &gt;" in wrong


def test_does_the_report_show_histogram_pass_rates_mistakes_and_who_needs_a_person(demo):
    text = (demo[0] / "reports" / "03_gates.html").read_text()
    assert text.count("data:image/png;base64,") == 2
    assert "Pass rate per exercise" in text and "Most frequent mistakes" in text
    assert "Mistake: dx and dy are not swapped" in text
    for student in ("sample-06-infinite-loop", "sample-08-segfault", "sample-10-corrupted"):
        assert student in text.split("need a person")[1]


def test_does_nbgrader_export_read_the_scores_we_wrote(demo):
    subprocess.run(["nbgrader", "export", "--to", "nbgrader.csv"], cwd=demo[0], check=True,
                   capture_output=True)
    with open(demo[0] / "nbgrader.csv", newline="") as f:
        exported = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(f)}
    assert exported == {s: float(score) for s, (score, _) in EXPECTED.items()
                        if s != "sample-11-nothing-submitted"} | {"sample-11-nothing-submitted": 0.0}


def test_does_a_second_run_skip_what_is_already_graded(demo):
    run = subprocess.run(["backprop-course", "autograde", "03_gates"], cwd=demo[0],
                         capture_output=True, text=True)
    assert run.returncode == 0
    assert "0 submission(s) graded, 12 already up to date" in run.stdout
