"""Assignment 06: does the notebook show the lecture's shapes, do the exercises judge shapes
plainly, and does the shape explorer tell legal products from illegal ones?"""
import re
import statistics
import time

import ipywidgets as widgets
import numpy as np
import pytest

from course import CheckFailed, check
from course.assignments.vectorized.explorers import ShapeExplorer, gradient_candidates
from course.assignments.vectorized.forward import candidates, product_shape, shape_text
from course.exercises import EXERCISES
from support import instructor_namespace, not_printed, printed_by

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NAME = "06_vectorized"
# NOTES.md: W 5x10, X 10x3 -> dD 5x3; dW = dD X^T (5x10); dX = W^T dD (10x3).
WORKED_NUMBERS = [
    "W (5, 10) @ X (10, 3) -> D (5, 3)",
    "dD (5, 3): the shape of D",
    "numerical dW (5, 10), numerical dX (10, 3)",
    "dD @ X.T: (5, 3) @ (3, 10) -> (5, 10), the shape of W",
    "W.T @ dD: (10, 5) @ (5, 3) -> (10, 3), the shape of X",
    "dW (5, 10), relative error",
    "dX (10, 3), relative error",
    "W @ dD.T runs too: shape (3, 4), dX transposed: True",   # a wrong product need not fail
]



def test_does_the_notebook_print_the_lectures_shapes(validated):
    assert not_printed(validated, NAME, WORKED_NUMBERS) == []


def test_do_the_printed_gradient_checks_agree_with_centered_differences(validated):
    errors = [float(e) for e in re.findall(r"relative error (\S+)", printed_by(validated, NAME))]
    assert len(errors) == 6  # dW, dX of the product; the batch sum; dX, dW, db of the affine layer
    assert max(errors) < 1e-6


def test_does_a_visible_case_use_the_lectures_shapes():
    shapes = [{name: np.shape(value) for name, value in case.items()}
              for case in EXERCISES["matmul_backward"].visible]
    assert {"W": (5, 10), "X": (10, 3), "dD": (5, 3)} in shapes


@pytest.mark.parametrize("name", ["matmul_backward", "matmul_rows_backward", "affine_backward"])
def test_do_hidden_cases_draw_shapes_that_multiply(name):
    for seed in range(10):
        for case in EXERCISES[name].draw_hidden(np.random.default_rng(seed)):
            outputs = EXERCISES[name].expected(case)
            for output, variable in zip(outputs, EXERCISES[name].outputs):
                assert np.shape(output) == np.shape(case[variable[1:]])


def test_do_hidden_cases_vary_the_shapes():
    cases = EXERCISES["matmul_backward"].draw_hidden(np.random.default_rng(0))
    cases += EXERCISES["matmul_backward"].draw_hidden(np.random.default_rng(1))
    assert len({case["W"].shape + case["X"].shape for case in cases}) > 3


def test_does_a_bias_gradient_without_the_batch_sum_get_a_shape_message():
    solution = instructor_namespace(NAME)["affine_backward"]

    def no_sum(X, W, b, dD):
        dX, dW, _ = solution(X, W, b, dD)
        return dX, dW, dD
    with pytest.raises(CheckFailed, match=r"wrong db: expected shape \(3,\), got shape \(3, 3\)"):
        check("affine_backward", no_sum)


def test_does_a_transposed_input_gradient_of_the_right_shape_fail_on_its_values():
    solution = instructor_namespace(NAME)["matmul_rows_backward"]

    def transposed_dD(X, W, dD):  # dD.T @ W.T has the shape of dX when p = m
        dX, dW = solution(X, W, dD)
        return dD.T @ W.T, dW
    with pytest.raises(CheckFailed, match="returned a wrong dX: expected"):
        check("matmul_rows_backward", transposed_dD)


def test_is_a_product_of_mismatched_inner_sizes_undefined():
    assert product_shape((5, 3), (3, 10)) == (5, 10)
    assert product_shape((5, 10), (5, 3)) is None
    assert shape_text((5, 3)) == "5×3"


def test_are_there_eight_different_candidate_products():
    products = candidates(("dD", (5, 3)), ("X", (10, 3)))
    assert len({expression for expression, _ in products}) == 8
    assert dict(products)["dD @ X.T"] == (5, 10)
    assert dict(products)["X @ dD"] is None


@pytest.mark.parametrize("layout, dW, dX", [("columns", "dD @ X.T", "W.T @ dD"),
                                            ("rows", "X.T @ dD", "dD @ W.T")])
def test_do_distinct_sizes_leave_exactly_one_product_per_gradient(layout, dW, dX):
    found = gradient_candidates(layout, 5, 10, 3)
    fitting = {name: [e for e, shape in products if shape == target]
               for name, (target, products) in found.items()}
    assert fitting == {"dW": [dW], "dX": [dX]}


def test_do_equal_sizes_let_every_product_fit():
    for target, products in gradient_candidates("columns", 4, 4, 4).values():
        assert all(shape == target for _, shape in products)


@pytest.fixture
def explorer():
    return ShapeExplorer()


def test_does_the_shape_explorer_build_headless_at_the_lectures_sizes(explorer):
    assert isinstance(explorer, widgets.VBox)
    assert bytes(explorer.picture.value).startswith(PNG_MAGIC)
    assert explorer.numbers == {"m": 5, "n": 10, "p": 3, "products that fit dW": 1,
                                "products that fit dX": 1}
    assert "<table>" in explorer.readout.value
    assert "dD @ X.T" in explorer.products.value and "✓ fits dW" in explorer.products.value
    assert set(explorer.children) == {*explorer.controls.values(), explorer.picture,
                                      explorer.products, explorer.readout}


def test_are_the_sizes_integer_sliders_and_the_layout_a_menu(explorer):
    controls = explorer.controls
    assert type(controls["layout"]) is widgets.Dropdown
    for name in "mnp":
        assert type(controls[name]) is widgets.IntSlider
        assert controls[name].continuous_update and (controls[name].min, controls[name].max) == (1, 10)


def test_does_changing_a_size_redraw_picture_and_table(explorer):
    picture, products = bytes(explorer.picture.value), explorer.products.value
    explorer.controls["n"].value = 5  # now m = n: two products fit dW
    assert bytes(explorer.picture.value) != picture
    assert explorer.products.value != products
    assert explorer.numbers["products that fit dW"] == 2


def test_does_the_rows_layout_show_the_row_shapes_but_not_the_next_exercises_products(explorer):
    explorer.controls["layout"].value = "rows"
    shown = explorer.products.value
    assert "dX must be 3×10" in shown and "dW must be 10×5" in shown
    assert "3×5" in shown and "3×10" in shown and "10×5" in shown   # dD, X, W
    assert "@" not in shown and "✓" not in shown and "fits" not in shown
    assert explorer.numbers == {"m": 5, "n": 10, "p": 3}
    for sizes in ((5, 10, 3), (4, 4, 4), (2, 7, 2)):   # no size makes it show a product
        for name, size in zip("mnp", sizes):
            explorer.controls[name].value = size
        assert "@" not in explorer.products.value and "✓" not in explorer.products.value


def test_does_the_column_layout_show_the_questions_count_when_two_sizes_agree(explorer):
    """vectorized_question_1: with exactly two of m, n, p equal, two products fit dW."""
    exercise = EXERCISES["vectorized_question_1"]
    (answer,) = exercise.expected({})
    for sizes in ((5, 5, 3), (5, 10, 5), (3, 10, 10), (4, 4, 9)):
        for name, size in zip("mnp", sizes):
            explorer.controls[name].value = size
        assert explorer.numbers["products that fit dW"] == answer == 2
        assert explorer.products.value.count("✓ fits dW") == 2
    wrong = {name: mistake.returns()[0] for name, mistake in
             ((m.name, m) for m in exercise.mistakes)}
    assert wrong == {"still-unique": 1.0, "every-product": 8.0, "defined-not-fitting": 4.0}


def test_is_an_update_quick_enough_for_a_slider(explorer):
    times = []
    for size in (2, 7, 4, 9, 6):
        start = time.perf_counter()
        explorer.controls["p"].value = size
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.25  # seconds; about 0.02-0.03 s on a 2-core VM
