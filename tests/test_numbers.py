"""Numbers as text: does each style of course.numbers write what the notebooks print?"""
import numpy as np

from course.numbers import fixed, short


def test_does_short_write_numbers_the_short_way():
    assert short(0.70000001, 4) == "0.7"
    assert short(-0.000001, 4) == "0"
    assert short(np.array([[1.02373, -2.99763]]), 4) == "[[1.0237, -2.9976]]"


def test_does_fixed_write_arrays_as_nested_lists_without_negative_zero():
    assert fixed(np.array([[1.0, -3.0], [-0.00001, 2.5]]), 4) == "[[1.0000, -3.0000], [0.0000, 2.5000]]"
    assert fixed(-0.5, 2) == "-0.50"
