"""On honest submissions, does our grading give the per-exercise scores of plain nbgrader autograde?"""
from concurrent.futures import ThreadPoolExecutor
import shutil
import subprocess

import nbformat
from nbgrader.api import Gradebook
import pytest

from autograder import notebooks, results
from autograder.autograde import autograde
from autograder.sample_class import replace_in, solved_release, with_cell
from support import ROOT

HONEST = {  # (assignment, notebook) -> student -> how the notebook is made
    ("03_gates", "gates.ipynb"): {
        "correct": lambda nb: nb,
        "mul-not-swapped": lambda nb: replace_in(nb, "mul_backward", "return y * dout, x * dout",
                                                 "return x * dout, y * dout"),
        "max-tie-to-y": lambda nb: replace_in(nb, "max_backward", "if x >= y:", "if x > y:"),
        "warning": lambda nb: with_cell(nb, "import numpy as np\nnp.log(-1.0)"),
    },
    ("05_staged_backprop", "staged_backprop.ipynb"): {
        "correct": lambda nb: nb,
        "assigns-at-fork": lambda nb: replace_in(nb, "staged_backward", 'dx += 1.0 * dnum',
                                                 'dx = 1.0 * dnum'),
        "blank": None,
    },
}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The same honest submissions graded by plain nbgrader (a course copy per assignment, so that
    both run at once) and by our pipeline (one copy), all at the same time.
    Returns {(assignment, student, exercise): (nbgrader score, our score)}."""
    ours = tmp_path_factory.mktemp("ours")
    for place in HONEST:
        _write_class(ours, *place)
    with ThreadPoolExecutor(len(HONEST)) as beside:
        plain = [beside.submit(_plain_nbgrader, _write_class(tmp_path_factory.mktemp("nbgrader"),
                                                             *place), *place) for place in HONEST]
        autograde(ours, [assignment for assignment, _ in HONEST], progress=False)
        scores = {key: score for run in plain for key, score in run.result().items()}
    for assignment, _ in HONEST:
        for result in results.load_all(ours, assignment):
            for e in result.exercises:
                scores[(assignment, result.student, e.exercise)].append(e.score)
    return scores


def _write_class(folder, assignment, notebook):
    """The course's nbgrader_config.py, the assignment's source and its honest submissions written
    into folder; returns folder."""
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    shutil.copytree(ROOT / "source" / assignment, folder / "source" / assignment)
    solved = solved_release(ROOT, assignment, notebook)
    for student, make in HONEST[(assignment, notebook)].items():
        path = folder / "submitted" / student / assignment / notebook
        path.parent.mkdir(parents=True)
        nb = make(solved) if make else notebooks.read(ROOT / "release" / assignment / notebook)
        nbformat.write(nb, path)
    return folder


def _plain_nbgrader(course, assignment, notebook):
    """generate_assignment and autograde of the assignment with nbgrader's own commands;
    returns {(assignment, student, exercise): [nbgrader score]}."""
    for step in ("generate_assignment", "autograde"):
        subprocess.run(["nbgrader", step, assignment], cwd=course, check=True, capture_output=True)
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in HONEST[(assignment, notebook)]:
            for nb in gradebook.find_submission(assignment, student).notebooks:
                for grade in nb.grades:
                    scores[(assignment, student, grade.name.removeprefix("check_"))] = [grade.score]
    return scores


def test_does_every_honest_exercise_score_equal_plain_nbgraders(both):
    assert len(both) == 4 * 5 + 3 * 3   # 03 has five exercises, 05 three
    differing = {key: pair for key, pair in both.items() if pair[0] != pair[1]}
    assert differing == {}


def test_do_the_honest_submissions_cover_right_wrong_and_blank(both):
    ours = [pair[1] for pair in both.values()]
    assert 0 in ours and max(ours) > 0
    assert both[("05_staged_backprop", "assigns-at-fork", "staged_backward")] == [0, 0]
    assert both[("05_staged_backprop", "assigns-at-fork", "staged_forward")] == [1, 1]
