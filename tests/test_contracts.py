"""Does every exercise's visible check hold the whole contract of its docstring?

For every exercise, variants of the instructor's solution break one promise each, keeping the
values right where they can: one changes an array argument in place, one a dict or a list it was
given, one returns a list where a tuple is promised, one returns a value too few (a dict: a key
too few), one an empty or all-zero dict (a cache, the gradients by name), one always the answer
of one visible case; a question read off an explorer (no arguments, one answer) is answered in
words. Each must fail the visible check with a message that names what is broken.
"""
import copy
import inspect

import numpy as np
import pytest

from autograder.grading import _Run
from course import CheckFailed, check
from course.assignments.autograd import forward as autograd
from course.assignments.computation_graph import forward as graph
from course.exercises import EXERCISES
from support import instructor_functions

INSTRUCTOR = instructor_functions()
# Questions read off an explorer: no arguments, one answer, which is meant to be written down.
QUESTIONS = {name for name in INSTRUCTOR if not EXERCISES[name].arguments}


def _raw(name, case):
    """(arguments, returned) of the instructor's function name when its check calls it on a case."""
    functions, seen = list(INSTRUCTOR[name]), {}
    position = EXERCISES[name].functions.index(name)
    solution = functions[position]

    def recording(*arguments):
        seen["arguments"], seen["returned"] = arguments, solution(*arguments)
        return seen["returned"]
    functions[position] = recording
    EXERCISES[name].run(functions, case)
    return seen["arguments"], seen["returned"]


def _replacing(name, variant):
    """The instructor's functions for exercise name, with name's own one made variant(solution)."""
    functions = list(INSTRUCTOR[name])
    position = EXERCISES[name].functions.index(name)
    functions[position] = variant(functions[position])
    return functions


def _changes_an_argument(name):
    """A solution that returns the right values, then adds 1 to its first array argument."""
    arguments, _ = _raw(name, EXERCISES[name].visible[0])
    at = next((i for i, a in enumerate(arguments) if isinstance(a, np.ndarray) and a.size), None)
    if at is None:
        return None   # its arguments are numbers and functions: nothing to change in place

    def variant(solution):
        def changing(*arguments):
            returned = solution(*copy.deepcopy(arguments))
            arguments[at][...] += 1
            return returned
        return changing
    return variant, f"{name} changed its argument {EXERCISES[name].arguments[at]} in place"


def _changes_a_container(name):
    """A solution that returns the right values, then removes the first entry of its first dict
    or list argument (a network's layers, a line-up of layers, a cache)."""
    arguments, _ = _raw(name, EXERCISES[name].visible[0])
    at = next((i for i, a in enumerate(arguments) if isinstance(a, (dict, list)) and a), None)
    if at is None:
        return None

    def variant(solution):
        def changing(*arguments):
            returned, container = solution(*copy.deepcopy(arguments)), arguments[at]
            del container[next(iter(container)) if isinstance(container, dict) else 0]
            return returned
        return changing
    parameter = list(inspect.signature(INSTRUCTOR[name][EXERCISES[name].functions.index(name)])
                     .parameters)[at]
    return variant, f"{name} changed its argument {parameter} in place"


def _reshaped(name, reshape, said):
    """A variant that returns reshape(what the solution returned), when the solution's return on
    the first visible case is a tuple or a dict (the structures with parts to break), else None."""
    _, returned = _raw(name, EXERCISES[name].visible[0])
    if not isinstance(returned, (tuple, dict)):
        return None
    message = said(returned)
    if message is None:
        return None
    return (lambda solution: lambda *arguments: reshape(solution(*arguments))), message


def _list_for_tuple(name):
    return _reshaped(name, list, lambda returned: (
        r"returned a list of \d+ values?; it should return a tuple" if isinstance(returned, tuple)
        else None))


def _one_too_few(name):
    def fewer(returned):
        if isinstance(returned, dict):
            return dict(list(returned.items())[:-1])
        return returned[:-1]
    return _reshaped(name, fewer, lambda returned: (
        f"has no key '{list(returned)[-1]}'" if isinstance(returned, dict)
        else f"returned a tuple of {len(returned) - 1} values?; it should return a tuple of "
             f"{len(returned)} values"))


def _in_its_dict(returned, change):
    """returned with change applied to its dict: the dict itself, or the one in a tuple."""
    if isinstance(returned, dict):
        return change(returned)
    return tuple(change(part) if isinstance(part, dict) else part for part in returned)


def _has_dict(returned):
    return isinstance(returned, dict) or any(isinstance(part, dict) for part in returned)


def _empty_dict(name):
    return _reshaped(name, lambda returned: _in_its_dict(returned, lambda d: {}),
                     lambda returned: "holds none of the keys" if _has_dict(returned) else None)


def _zero_dict(name):
    zero = lambda d: {key: 0 * np.asarray(value, dtype=float) for key, value in d.items()}
    return _reshaped(name, lambda returned: _in_its_dict(returned, zero),
                     lambda returned: r"returned a wrong (cache\['\w+'\]|d\w+)"
                     if _has_dict(returned) else None)


def _hard_coded(name, k=0):
    """A solution that always returns its answer on visible case k (the first: a worked answer)."""
    if name in QUESTIONS:
        return None
    _, answer = _raw(name, EXERCISES[name].visible[k])
    return (lambda solution: lambda *arguments: copy.deepcopy(answer)), (
        "returned a wrong"   # or, for an order or names, a node or name the case does not have:
        "|every entry should be a node index|which is not a key of the layers")


def _answer_in_words(name):
    """A question's answer written in a sentence: no number, and none of the choices."""
    if name not in QUESTIONS:
        return None
    return (lambda solution: lambda: f"I think {solution()}"), "expected a number|return one of"


VARIANTS = {"changes an argument": _changes_an_argument,
            "changes a dict or list argument": _changes_a_container, "list for a tuple": _list_for_tuple,
            "one value too few": _one_too_few, "empty dict": _empty_dict,
            "zero dict": _zero_dict, "hard-coded visible answer": _hard_coded,
            "answer in words": _answer_in_words}
CASES = [(name, variant) for name in sorted(INSTRUCTOR) for variant in VARIANTS
         if VARIANTS[variant](name) is not None]


@pytest.mark.parametrize("name, variant", CASES, ids=[f"{n}:{v}" for n, v in CASES])
def test_does_a_contract_breaking_variant_fail_the_visible_check_naming_the_broken_part(name, variant):
    make, said = VARIANTS[variant](name)
    with pytest.raises(CheckFailed, match=said):
        check(name, *_replacing(name, make))


@pytest.mark.parametrize("name", sorted(set(INSTRUCTOR) - QUESTIONS))
def test_does_any_one_hard_coded_visible_answer_fail_the_visible_check(name):
    """Not only the worked answer: the answer of any single visible case, always returned."""
    for k in range(len(EXERCISES[name].visible)):
        make, _ = _hard_coded(name, k)
        with pytest.raises(CheckFailed):
            check(name, *_replacing(name, make))


def test_does_every_exercise_meet_the_variants_that_apply_to_it():
    """Every exercise is hard-coded and changed in place where it takes an array; every tuple
    and every dict is broken; every question is answered in words."""
    variants = {}
    for name, variant in CASES:
        variants.setdefault(name, set()).add(variant)
    assert all("hard-coded visible answer" in found for name, found in variants.items()
               if name not in QUESTIONS)
    assert all("answer in words" in variants[name] for name in QUESTIONS)
    assert sorted(variants) == sorted(INSTRUCTOR)
    assert {"staged_forward", "sigmoid_network_forward", "network_backward"} <= {
        name for name, found in variants.items() if "empty dict" in found}
    assert {"staged_backward", "network_backward", "buggy_layers"} <= {
        name for name, found in variants.items() if "changes a dict or list argument" in found}


@pytest.mark.parametrize("name, one_input", [
    ("local_gradients", {op for op in graph.GATE_OPS if graph.arity(op) == 1}),
    ("op_backward", set(autograd.GATE_OPS) - set(autograd.TWO_INPUTS))], ids=["12", "15"])
def test_does_a_one_input_gate_that_gives_b_as_db_fail_the_visible_check(name, one_input):
    """A one-input gate ignores b, and its db is 0: a visible case must give it a b that is not
    0, or db = b passes."""
    def variant(solution):
        def giving_b(op, a, b, *rest):
            da, db = solution(op, a, b, *rest)
            return (da, b) if op in one_input else (da, db)
        return giving_b
    with pytest.raises(CheckFailed, match="returned a wrong db"):
        check(name, *_replacing(name, variant))


@pytest.mark.parametrize("name, broken, mistake", [
    ("sgd_step", lambda W, dW, learning_rate: W.__isub__(learning_rate * dW), "changed-in-place"),
    ("staged_forward", lambda x, y: x * y, None),
])
def test_does_the_grader_give_a_contract_broken_in_the_sandbox_the_notebooks_words(name, broken, mistake):
    """The sandbox sends back only the exception's class name and message; the grader's verdict
    on them is what check says in the notebook."""
    exercise, case = EXERCISES[name], EXERCISES[name].visible[0]
    with pytest.raises(CheckFailed) as said:
        check(name, broken)
    with pytest.raises(CheckFailed) as raised:
        exercise.run([broken], case)
    error = {"type": type(raised.value).__name__, "message": str(raised.value)}
    status, message, found = _Run._raised(exercise, case, error, hidden=False)
    assert (status, message) == ("failed", str(said.value))
    assert (found.name if found else None) == mistake
