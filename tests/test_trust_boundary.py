"""The trust boundary on its own: does the grader's decoder refuse every malformed value with a
TransportError (never another error), does it take what a student's process said only in the form
its request called for, and does it follow a run's reports only in the order and form it asked
for?"""
import base64
import itertools
import json
import random

import numpy as np
import pytest

from autograder import run_report
from autograder.grading import _Run
from autograder.transport import MAX_ELEMENTS, MAX_ITEMS, TransportError, decode, encode, encode_case


def _array(shape, data="", **dtype):
    return {"array": {"shape": shape, "data": data, **dtype}}


MALFORMED = {
    "not an object": [1.0],
    "two keys": {"number": 1.0, "none": True},
    "unknown kind": {"pickle": "gASV"},
    "number as text": {"number": "1.0"},
    "number as a boolean": {"number": True},
    "number as null": {"number": None},
    "none that is not true": {"none": 1},
    "array with extra keys": {"array": {"shape": [1], "data": "", "dtype": "object"}},
    "negative dimension": _array([-1]),
    "fractional dimension": _array([1.5]),
    "boolean dimension": _array([True]),
    "too many dimensions": _array([1, 1, 1, 1, 1]),
    "oversized array": _array([MAX_ELEMENTS + 1]),
    "oversized by product": _array([MAX_ELEMENTS, 2]),
    "data not base64": _array([1], data="!!!!"),
    "data shorter than its shape": _array([2], data=base64.b64encode(b"\0" * 8).decode()),
    "data longer than its shape": _array([1], data=base64.b64encode(b"\0" * 16).decode()),
    "tuple too long": {"tuple": [{"number": 1.0}] * (MAX_ITEMS + 1)},
    "tuple inside a tuple": {"tuple": [{"tuple": [{"number": 1.0}]}]},
    "list of raw numbers": {"list": [1.0, 2.0]},
    "unsupported not text": {"unsupported": ["list"]},
    "integer beyond 64 bits": {"int": 2**63},
    "integer written as a float": {"int": 1.0},
    "boolean written as a number": {"bool": 1},
    "array of objects": _array([1], dtype="object"),
    "integers shorter than their shape": _array([2], data=base64.b64encode(b"\0" * 8).decode(),
                                                dtype="int64"),
}


@pytest.mark.parametrize("what", MALFORMED)
def test_is_a_malformed_value_refused_with_a_transport_error(what):
    with pytest.raises(TransportError):
        decode(MALFORMED[what])


def test_is_deep_nesting_refused_without_recursion():
    deep = {"number": 1.0}
    for _ in range(10000):
        deep = {"tuple": [deep]}
    with pytest.raises(TransportError):
        decode(deep)


def test_does_random_garbage_only_ever_raise_a_transport_error():
    rng = random.Random(7)
    atoms = [None, True, 0, -1, 1.5, float("nan"), "", "x", "AAAA", [], {}, 2**70]
    keys = ["number", "none", "array", "tuple", "list", "unsupported", "shape", "data", "?"]

    def garbage(depth):
        if depth == 0 or rng.random() < 0.3:
            return rng.choice(atoms)
        if rng.random() < 0.5:
            return [garbage(depth - 1) for _ in range(rng.randrange(3))]
        return {rng.choice(keys): garbage(depth - 1) for _ in range(rng.randrange(1, 3))}

    for _ in range(5000):
        try:
            decode(garbage(5))
        except TransportError:
            pass


def test_does_what_encode_writes_decode_back_the_same():
    values = [1.5, 3, np.float32(0.5), np.arange(6.0).reshape(2, 3), (1.0, np.eye(2)), [1.0, 2.0]]
    for value in values:
        back = decode(json.loads(json.dumps(encode(value))))
        for got, sent in zip(back if isinstance(value, (tuple, list)) else [back],
                             value if isinstance(value, (tuple, list)) else [value]):
            assert np.array_equal(np.asarray(got, dtype=float), np.asarray(sent, dtype=float))
    assert decode(encode(None)) is None


@pytest.mark.parametrize("value, kind", [(7, int), (np.int64(-3), int), (True, bool), (np.bool_(False), bool),
                                         (2.5, float), (10**30, float)])
def test_does_a_number_keep_its_kind_across_the_boundary(value, kind):
    back = decode(json.loads(json.dumps(encode(value))))
    assert type(back) is kind and back == kind(value)


@pytest.mark.parametrize("array", [np.array([[1, 4, 2], [0, 3, 3]]), np.array([True, False]),
                                   np.arange(3, dtype=np.uint8), np.array([0.5, -1.0])])
def test_does_an_array_keep_its_kind_across_the_boundary(array):
    back = decode(json.loads(json.dumps(encode(array))))
    assert back.dtype.kind == ("i" if array.dtype.kind in "iu" else array.dtype.kind)
    assert np.array_equal(back, array)


# --- following a run -------------------------------------------------------------------------

CASES = {"mul_backward": [{"x": 1.0, "y": 2.0, "dout": 1.0}, {"x": 3.0, "y": -4.0, "dout": 2.0}]}
JOB = {"cells": [[0, "import numpy"], [2, "def mul_backward(x, y, dout): ..."]],
       "exercises": [{"name": n, "cases": [encode_case(c) for c in cs]} for n, cs in CASES.items()],
       "skip_exercises": []}
RESULT = encode((2.0, 1.0))
RUN = [{"cell": 0}, {"cell_done": 0, "error": None}, {"cell": 2}, {"cell_done": 2, "error": None},
       {"case": ["mul_backward", 0]}, {"case_done": ["mul_backward", 0], "result": RESULT},
       {"case": ["mul_backward", 1]}, {"case_done": ["mul_backward", 1], "result": RESULT},
       {"finished": True}]
END = {"end": {"reason": "exited", "code": 0}}


def follow(messages):
    run = _Run(None, CASES)
    return run.follow(iter(messages + [END]), JOB), run


def test_is_a_run_in_the_order_asked_for_followed_to_its_end():
    culprit, run = follow(RUN)
    assert culprit is None and run.settled == {"mul_backward"}
    assert sorted(run.returned["mul_backward"]) == [0, 1]


def test_is_every_other_order_of_the_same_messages_refused():
    orders = set(itertools.permutations(range(len(RUN)))) - {tuple(range(len(RUN)))}
    for order in random.Random(3).sample(sorted(orders), 3000):
        culprit, _ = follow([RUN[i] for i in order])
        assert culprit is not None and culprit[2] == "garbled", order


@pytest.mark.parametrize("extra", [
    {"case_done": ["mul_backward", 0], "result": RESULT},      # an answer twice
    {"missing": ["mul_backward", ["mul_backward"]]},           # missing after it answered
    {"finished": True},                                        # finished twice
    {"tampered": ["numpy.allclose"]},                          # a notice outside any step
    {"machinery": "course.exercises.EXERCISES"},               # likewise
    {"stop": {"reason": "done, trust me"}},                    # a stop of no known kind
    {"cell": 0},                                               # a step run again
    {"case": ["add_backward", 0]},                             # a step not asked for
])
def test_is_a_message_out_of_turn_taken_as_garbled(extra):
    for at in (0, 4, len(RUN)):
        culprit, _ = follow(RUN[:at] + [extra] + RUN[at:])
        assert culprit is not None and culprit[2] == "garbled", (at, extra)


def test_does_a_run_without_finished_end_its_open_step():
    culprit, run = follow(RUN[:5])
    assert culprit == ("case", "mul_backward", "exited")
    assert run.ended == {"mul_backward": "exited"}


def test_does_a_stop_end_the_step_it_came_in():
    culprit, _ = follow(RUN[:3] + [{"stop": {"reason": "timeout"}}])
    assert culprit == ("cell", 2, "timeout")
    culprit, _ = follow(RUN[:5] + [{"stop": {"reason": "signal", "signal": 11}}])
    assert culprit == ("case", "mul_backward", "signal")


def test_is_a_missing_function_taken_only_at_the_first_case():
    culprit, run = follow(RUN[:5] + [{"missing": ["mul_backward", ["mul_backward"]]}, {"finished": True}])
    assert culprit is None and run.missing == {"mul_backward": ["mul_backward"]}


# what the worker writes for RUN: each line the student's process said, marked "r" (a reply) or
# "n" (a notice), and its own lines unmarked
SAID = [b'r{"cell_done": 0, "error": null}\n', b'r{"cell_done": 2, "error": null}\n',
        b'r%s\n' % json.dumps({"result": RESULT}).encode(),
        b'r%s\n' % json.dumps({"result": RESULT}).encode(),
        b'{"finished": true}\n', b'{"end": {"reason": "exited", "code": 0}}\n']
GARBLED = {"stop": {"reason": "garbled"}}


def read(lines):
    return list(run_report.messages(JOB, iter(lines)))


def test_does_what_the_student_s_process_said_read_as_the_run_asked_for():
    assert read(SAID) == RUN + [END]


def test_are_its_notices_passed_on_in_the_step_they_came_in():
    said = SAID[:2] + [b'n{"tampered": ["numpy.allclose"]}\n', b'n{"machinery": "course.check"}\n'] + SAID[2:]
    assert read(said) == RUN[:4] + [{"case": ["mul_backward", 0]}, {"tampered": ["numpy.allclose"]},
                                    {"machinery": "course.check"}] + RUN[5:] + [END]


@pytest.mark.parametrize("line", [
    b'r{"cell_done": 1, "error": null}\n',                # the reply to another cell
    b'r{"cell_done": 0, "error": null, "score": 6}\n',    # more than the form
    b'r{"result": {"pickle": "gASV"}}\n',                 # a value that does not decode
    b'r[1, 2]\n',                                         # not an object
    b'r{"cell_done": 0,\n',                               # not JSON
    b'n{"tampered": "numpy"}\n',                          # a notice of no known form
    b'n{"finished": true}\n',                             # marked a notice by the worker
])
def test_is_a_line_of_another_form_taken_as_garbled_with_only_the_end_after_it(line):
    messages = read([line] + SAID)
    assert messages[1] == GARBLED and messages[2:] == [END]


def test_is_a_reply_after_the_last_request_garbled():
    assert read(SAID[:4] + [SAID[0]] + SAID[4:])[-2:] == [GARBLED, END]


def test_do_the_other_cases_of_an_exercise_whose_function_is_missing_say_nothing():
    missing = b'r{"missing": ["mul_backward"]}\n'
    assert read(SAID[:2] + [missing, b'n{"tampered": ["x"]}\n', missing] + SAID[4:]) == RUN[:5] + [
        {"missing": ["mul_backward", ["mul_backward"]]}, {"finished": True}, END]


def test_does_a_worker_that_died_end_the_run_as_died():
    assert read(SAID[:1] + [b""]) == RUN[:3] + [{"end": {"reason": "worker died"}}]
