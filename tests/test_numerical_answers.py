"""Answers by centered differences: is every honest answer (the instructor's, in single precision,
in another order of operations) left alone, and are the course's own centered differences at the
usual steps told apart from a backward pass wherever they differ from the truth?"""
from pathlib import Path

import numpy as np
import pytest

from autograder.course_dir import assignments
from autograder.numerical_answers import centered_step
from autograder.reference import exact_outputs, instructor_namespace
from course import numgrad
from course.exercises import EXERCISES
from support import ROOT

HOME = {name: a for a in assignments(ROOT) for name, e in EXERCISES.items()
        if all(f in instructor_namespace(Path(ROOT), a) for f in e.functions)}
NOT_GRADIENTS = {"forward_difference", "sgd_step", "sigmoid_network_forward", "staged_forward",
                 "derivative_question_1", "gates_question_1",   # read off an explorer
                 "staged_backprop_question_1",
                 "topological_order", "backward_order", "softmax", "cross_entropy", "logistic_loss",
                 # a checker's own estimates at the case's step, a relative error, names of layers
                 "centered_gradient", "sampled_gradient", "relative_error", "buggy_layers",
                 "accuracy",   # a fraction of rows predicted right
                 "xavier_init", "he_init",   # random draws
                 "chain_rule_question_1", "sigmoid_neuron_question_1",   # read off an explorer
                 "layers_question_1", "sigmoid_network_question_1", "input_gradients_question_1",
                 "conv_pool_question_1",
                 "two_layer_network_question_1", "vectorized_question_1"}
EXACT_BY_DIFFERENCES = {"relu_backward", "maxpool1d_backward"}   # piecewise linear: nothing to tell


def _cases(exercise, seed):
    return [dict(c) for c in exercise.visible] + list(exercise.draw_hidden(np.random.default_rng(seed)))


def _answers(exercise, functions, cases):
    return [exercise.as_outputs(exercise.run(functions, case)) for case in cases]


def _exact(name, cases):
    return [exact_outputs(instructor_namespace(ROOT, HOME[name]), EXERCISES[name], case) for case in cases]


def _single_precision(function):
    """function computing in float32: float inputs cast down, results cast back up."""
    def down(value):
        is_float = isinstance(value, float) or getattr(value, "dtype", None) == np.float64
        return np.asarray(value, dtype=np.float32) if is_float else value

    def up(value):
        return np.asarray(value, dtype=np.float64) if hasattr(value, "dtype") else value

    def cast(*args):
        out = function(*(down(a) for a in args))
        return tuple(up(v) for v in out) if isinstance(out, tuple) else up(out)
    return cast


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_is_an_honest_answer_never_taken_for_centered_differences(name):
    exercise, namespace = EXERCISES[name], instructor_namespace(Path(ROOT), HOME[name])
    functions = [namespace[f] for f in exercise.functions]
    for seed in range(3):
        cases = _cases(exercise, seed)
        exact = _exact(name, cases)
        assert centered_step(exercise, cases, _answers(exercise, functions, cases), exact) is None
        try:
            single = _answers(exercise, [_single_precision(f) for f in functions], cases)
        except (TypeError, ValueError, IndexError):   # needs exact integers: not a variant here
            continue
        assert centered_step(exercise, cases, single, exact) is None


def test_is_another_order_of_operations_left_alone():
    exercise = EXERCISES["flow_backward"]
    def flow_backward(x, y, z, w):   # noqa: E306 (the same maths, written otherwise)
        routed = np.einsum("i,i->i", [2.0, 2.0], [float(z >= w), float(z < w)])
        return 2 * y, np.sum([x, x]), routed[0], routed[1]
    cases = _cases(exercise, 1)
    answers = _answers(exercise, [flow_backward], cases)
    assert centered_step(exercise, cases, answers, _exact("flow_backward", cases)) is None


@pytest.mark.parametrize("name", sorted(set(EXERCISES) - NOT_GRADIENTS - EXACT_BY_DIFFERENCES))
@pytest.mark.parametrize("h", [1e-4, 1e-5, 1e-6])
def test_are_the_courses_centered_differences_found_with_their_step(name, h):
    exercise = EXERCISES[name]
    cases = _cases(exercise, 9)
    with numgrad.step(h):
        answers = [exercise.expected(case) for case in cases]
    assert centered_step(exercise, cases, answers, _exact(name, cases)) == h
