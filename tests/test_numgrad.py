"""Are the numerical gradients accurate, and does relative error tell agreement from a bug?"""
import re

import nbformat
import numpy as np

from course.numgrad import (
    GRADIENT_CHECK,
    centered_difference,
    input_gradients,
    numerical_gradient,
    relative_error,
)
from support import ROOT


def test_is_the_centered_difference_accurate_on_smooth_functions():
    assert abs(centered_difference(np.sin, 0.7) - np.cos(0.7)) < 1e-9
    assert abs(centered_difference(lambda x: x**3, 1.5) - 6.75) < 1e-8


def test_does_a_numerical_gradient_have_the_shape_of_its_variable():
    x = np.arange(6.0).reshape(2, 3)
    grad = numerical_gradient(lambda v: float(np.sum(v**2)), x)
    assert grad.shape == (2, 3)
    assert np.allclose(grad, 2 * x, atol=1e-8)
    assert isinstance(numerical_gradient(lambda v: v**2, 3.0), float)


def test_does_the_numerical_gradient_leave_its_input_unchanged():
    x = np.array([1.0, 2.0])
    numerical_gradient(lambda v: float(np.sum(v)), x)
    assert x.tolist() == [1.0, 2.0]


def test_does_the_upstream_gradient_weight_the_output():
    dx, dy = input_gradients(lambda x, y: x * y, {"x": 3.0, "y": -4.0}, ("x", "y"), upstream=2.0)
    assert np.allclose([dx, dy], [-8.0, 6.0])
    (dw,) = input_gradients(lambda w: w * np.array([1.0, 2.0]), {"w": 1.5}, ("w",),
                            upstream=np.array([3.0, -1.0]))
    assert np.isclose(dw, 1.0)


def test_does_relative_error_separate_agreement_from_a_bug():
    assert relative_error(1.0, 1.0 + 1e-9) < 1e-8
    assert relative_error([1.0, 2.0], [1.0, 2.5]) > 0.1
    assert relative_error(0.0, 0.0) == 0.0


def _power(bound):
    """1e-06 -> '$10^{-6}$', as the notebooks write it."""
    return f"$10^{{{round(np.log10(bound))}}}$"


def test_does_every_notebook_that_judges_a_relative_error_quote_the_one_table():
    bounds = [bound for bound, _ in GRADIENT_CHECK]
    assert bounds == sorted(bounds) and bounds[-1] == np.inf
    agree, bug = f"{_power(bounds[0])} or below", f"above {_power(bounds[-2])}"
    prose = {f"{path.parent.name}[{i}]": re.sub(r"\s+", " ", cell.source)
             for path in sorted((ROOT / "source").glob("*/*.ipynb"))
             for i, cell in enumerate(nbformat.read(path, as_version=4).cells)
             if cell.cell_type == "markdown"}
    judging = {where: text for where, text in prose.items()
               if "relative error" in text and re.search(r"\bagree", text)}
    assert len(judging) >= 5
    assert [where for where, text in judging.items() if "GRADIENT_CHECK" not in text
            or agree not in text or ("a bug" in text and bug not in text)] == []

