"""Assignment 17: does the course ship the digits it says, does the notebook show each habit's
number by running it (the loss at the start near log 10, a tiny set learned by heart, over 90% on
the validation digits), does grading skip every cell that trains, and are the expected answers
the definitions?"""
from pathlib import Path
import re

import numpy as np
import pytest

from autograder import notebooks
from autograder.assignment import read_assignment
from course import check
from course.assignments.digits.forward import IMAGES, LABELS, mean_cross_entropy, split
from course.exercises import EXERCISES
from support import ROOT, instructor_namespace, pictures_shown, printed_by

NAME = "17_digits"


def test_are_the_digits_the_ucis_1797_images_with_balanced_labels():
    assert IMAGES.shape == (1797, 8, 8) and IMAGES.dtype == np.uint8
    assert (IMAGES.min(), IMAGES.max()) == (0, 16)
    assert np.bincount(LABELS).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_does_a_non_editable_install_get_the_digits_and_their_licence():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"course.assignments.digits" = ["digits.npz", "LICENCE.md"]' in pyproject
    folder = Path(ROOT, "course", "assignments", "digits")
    assert (folder / "digits.npz").is_file()
    assert "CC BY 4.0" in (folder / "LICENCE.md").read_text()


def test_does_the_split_use_every_example_once():
    training, validation = split(1797, validation=297)
    assert (len(training), len(validation)) == (1500, 297)
    assert sorted([*training, *validation]) == list(range(1797))


def test_is_the_expected_loss_the_definition_at_any_size_of_logits():
    logits, labels = np.array([[2.0, -1.0, 0.5], [0.0, 3.0, 1.0]]), np.array([2, 0])
    naive = -np.mean(np.log(np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True))[[0, 1], labels])
    assert mean_cross_entropy(logits, labels) == pytest.approx(naive, rel=1e-14)
    assert mean_cross_entropy(np.array([[800.0, 0.0, -5.0]]), np.array([1])) == pytest.approx(800.0)


@pytest.mark.parametrize("seed", range(2))
def test_is_the_expected_gradient_p_minus_y_over_n(seed):
    exercise = EXERCISES["softmax_cross_entropy_rows"]
    for case in [*exercise.visible, *exercise.draw_hidden(np.random.default_rng(seed))]:
        logits, labels = case["logits"], case["labels"]
        exps = np.exp(logits - logits.max(axis=1, keepdims=True))
        fused = (exps / exps.sum(axis=1, keepdims=True) - np.eye(logits.shape[1])[labels]) / len(labels)
        assert np.allclose(exercise.expected(case)[1], fused, rtol=1e-6, atol=1e-9)


def test_do_the_instructors_functions_pass_every_check_on_more_hidden_cases():
    namespace = instructor_namespace(NAME)
    for name in ("affine_backward_rows", "relu_backward_rows", "softmax_cross_entropy_rows", "accuracy"):
        for seed in range(3):
            check(name, namespace[name], hidden=True, rng=np.random.default_rng(seed))


def _numbers_after(text, label):
    return [float(n) for n in re.findall(re.escape(label) + r" ([0-9.]+(?:e-?[0-9]+)?)", text)]


def test_does_the_notebook_show_every_habits_number(validated):
    printed = printed_by(validated, NAME)
    start = _numbers_after(printed, "loss at the start:")
    assert len(start) == 1 and abs(start[0] - np.log(10)) < 0.02
    assert max(_numbers_after(printed, "relative error")) < 1e-6
    tiny = re.search(r"200 epochs: loss [0-9.]+ -> ([0-9.]+), training accuracy ([0-9.]+)%", printed)
    assert float(tiny[1]) < 0.02 and float(tiny[2]) == 100.0
    assert _numbers_after(printed, "validation accuracy")[-1] >= 90.0
    assert pictures_shown(validated, NAME) == 5   # the digits, three loss pictures, the trained run


def test_does_grading_skip_every_cell_that_trains():
    spec, = read_assignment(ROOT, NAME)
    training = [source for source in spec.display_only if "train(" in source]
    assert len(training) == 4   # the tiny set, the learning rates, the batch sizes, the real run
    nb = notebooks.read(ROOT / "source" / NAME / "digits.ipynb")
    calls = [cell.source.strip() for cell in nb.cells if cell.cell_type == "code"
             and re.search(r"\btrain\(", cell.source) and "def train" not in cell.source]
    assert sorted(calls) == sorted(training)
