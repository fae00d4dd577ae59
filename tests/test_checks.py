"""Do the student-facing checks accept right answers, and name what is wrong in wrong ones?"""
import numpy as np
import pytest

from course import CheckFailed, check, todo
from course.checks import ContractBroken, diagnose
from course.exercises import EXERCISES
from support import instructor_functions

INSTRUCTOR = instructor_functions()


def test_does_every_exercise_have_an_instructor_solution():
    assert sorted(INSTRUCTOR) == sorted(EXERCISES)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_does_the_instructor_solution_pass_visible_and_many_hidden_checks(name):
    check(name, *INSTRUCTOR[name])
    for seed in range(20):
        check(name, *INSTRUCTOR[name], hidden=True, rng=np.random.default_rng(seed))


def test_does_a_wrong_gradient_name_the_output_with_expected_and_got():
    with pytest.raises(CheckFailed) as failure:
        check("mul_backward", lambda x, y, dout: (1.5 * y * dout, x * dout))
    message = str(failure.value)
    assert "mul_backward(x=3, y=-4, dout=2) returned a wrong dx" in message
    assert "expected -8, got -12" in message
    assert "Hint:" in message and "Mistake:" not in message


@pytest.mark.parametrize("given, said", [(10.0, "Hint:"), (5.0, "Mistake: at x = 5")])
def test_is_a_wrong_answer_to_a_question_told_without_the_answer(given, said):
    """-2 times the answer (uncatalogued) and minus it (catalogued): neither message says -5."""
    with pytest.raises(CheckFailed) as failure:
        check("chain_rule_question_1", lambda: given)
    message = str(failure.value)
    assert "returned a wrong answer: that is not what the explorer shows" in message
    assert said in message and "-5" not in message and "Looks like" not in message


def test_is_a_choice_taken_whatever_its_case_and_surrounding_spaces_and_a_stranger_refused():
    check("layers_question_1", lambda: "  Sigmoid\n")
    with pytest.raises(ContractBroken, match="returned 'relu': return one of 'tanh', 'sigmoid', 'same'"):
        check("layers_question_1", lambda: "relu")


def test_does_a_catalogued_mistake_get_its_diagnosis_instead_of_the_hint():
    with pytest.raises(CheckFailed) as failure:
        check("mul_backward", lambda x, y, dout: (x * dout, y * dout))
    message = str(failure.value)
    assert "expected -8, got 6" in message
    assert "Mistake: dx and dy are not swapped" in message and "Hint:" not in message


def test_does_a_hidden_failure_name_the_mistake_without_its_inputs():
    with pytest.raises(CheckFailed) as failure:
        check("sigmoid_backward", lambda out, dout: (out * dout), hidden=True)
    message = str(failure.value)
    assert "Mistake: out is the gate's output, not its slope" in message
    assert "out=" not in message and "expected" not in message


def test_does_a_hidden_failure_on_arrays_give_the_shapes_only():
    def halved(w, x):
        dx, dw = INSTRUCTOR["neuron_backward"][0](w, x)
        return dx, dw / 2
    with pytest.raises(CheckFailed) as failure:
        check("neuron_backward", halved, hidden=True)
    message = str(failure.value)
    assert "(w of shape (3,), x of shape (2,))" in message and "wrong dw" in message
    assert "expected" not in message and "Hint:" in message


def test_is_a_mistake_that_gives_the_right_answer_on_a_case_not_blamed_there():
    max_gate = EXERCISES["max_backward"]
    tie_to_y = next(m for m in max_gate.mistakes if m.name == "tie-to-y")
    no_tie = {"x": 2.0, "y": -1.0, "dout": 2.0}
    assert diagnose(max_gate, no_tie, tie_to_y.returns(**no_tie), max_gate.expected(no_tie)) is None
    tie = {"x": 1.0, "y": 1.0, "dout": 3.0}
    assert diagnose(max_gate, tie, (0.0, 3.0), max_gate.expected(tie)) is tie_to_y


def test_does_a_hidden_failure_keep_its_inputs_secret():
    with pytest.raises(CheckFailed) as failure:
        check("add_mul_backward", lambda x, y, z: (z, z, x), hidden=True)
    message = str(failure.value)
    assert "hidden test with random inputs" in message and "wrong dz" in message
    assert "x=" not in message and "expected" not in message


def test_does_a_wrongly_shaped_gradient_say_so():
    def transposed(w, x):
        dx, dw = INSTRUCTOR["neuron_backward"][0](w, x)
        return dx.reshape(2, 1), dw
    with pytest.raises(CheckFailed, match=r"expected shape \(2,\), got shape \(2, 1\)"):
        check("neuron_backward", transposed)


@pytest.mark.parametrize("returned, said", [
    (None, "returned None; it should return a tuple of 2 values: (dx, dy)"),
    ((1.0, 2.0, 3.0), "returned a tuple of 3 values; it should return a tuple of 2 values"),
    ([1.0, 2.0], "returned a list of 2 values; it should return a tuple of 2 values: (dx, dy): "
                 "write return dx, dy, without brackets"),
    ((float("nan"), 0.0), "contains nan or inf"),
    (("a", 0.0), "expected a number or a numpy array of numbers, got a str"),
])
def test_does_a_malformed_return_get_a_plain_message(returned, said):
    with pytest.raises(CheckFailed, match=said.replace("(", r"\(").replace(")", r"\)")):
        check("add_backward", lambda x, y, dout: returned)


def test_does_a_max_gate_tie_follow_the_stated_convention():
    to_y_on_tie = lambda x, y, dout: (dout, 0.0) if x > y else (0.0, dout)
    with pytest.raises(CheckFailed, match=r"max_backward\(x=1, y=1, dout=3\) returned a wrong dx"):
        check("max_backward", to_y_on_tie)


def test_does_the_forward_difference_check_tell_it_from_the_centered_one():
    centered = lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h)
    with pytest.raises(CheckFailed, match="expected 6.1, got 6"):
        check("forward_difference", centered)


def test_does_a_stub_name_the_function_to_write():
    def neuron_backward(w, x):
        raise NotImplementedError(todo())
    with pytest.raises(NotImplementedError, match="neuron_backward is yours to write"):
        check("neuron_backward", neuron_backward)


def test_does_a_check_leave_the_callers_arrays_alone():
    def mutating(w, x):
        w[:] = 0
        return INSTRUCTOR["neuron_backward"][0](w, x)
    with pytest.raises(CheckFailed):
        check("neuron_backward", mutating)
    assert EXERCISES["neuron_backward"].visible[0]["w"].tolist() == [2.0, -3.0, -3.0]


def _said(name, function, hidden=False):
    """What the check says of function; hidden cases come from a fixed draw (a single number where
    a matrix is drawn, as a random draw sometimes gives, is rightly not called a multiple)."""
    with pytest.raises(CheckFailed) as failure:
        check(name, function, hidden=hidden, rng=np.random.default_rng(1))
    return str(failure.value)


@pytest.mark.parametrize("name, wrong, looks", [
    ("mul_backward", lambda x, y, dout: (0.0, x * dout), "dx is all zeros"),
    ("mul_backward", lambda x, y, dout: (-y * dout, x * dout), "dx has the right size but the wrong sign"),
    ("mul_backward", lambda x, y, dout: (x * dout, x * dout), "dx holds the right value of dy"),
    ("matmul_backward", lambda W, X, dD: (3 * dD @ X.T, W.T @ dD), "dW is 3 times the right values"),
    ("affine_backward", lambda X, W, b, dD: (dD @ W.T, (X.T @ dD).T, dD.sum(axis=0)),
     "dW is the transpose of the right gradient"),
])
def test_does_an_unlisted_wrong_answer_that_is_a_simple_transform_say_what_it_looks_like(name, wrong, looks):
    for hidden in (False, True):
        message = _said(name, wrong, hidden)
        assert f"Looks like: {looks}" in message and "Hint:" in message and "Mistake:" not in message


def test_is_a_wrong_number_not_called_a_multiple_of_the_right_one():
    message = _said("mul_backward", lambda x, y, dout: (1.5 * y * dout, x * dout))
    assert "Looks like" not in message


@pytest.mark.parametrize("want", [0.0, 1.0, -3.5, 1e-9, 1e12, np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("off", [0.0, 1e-12, 1e-8, 5e-8, 1e-6, 1e-5, 1e-3, 1.0])
def test_does_judging_call_close_exactly_what_numpy_allclose_does(want, off):
    from course.checks import all_close
    for got in (want + off, want - off, want * (1 + off), want * (1 - off)):
        if np.isfinite(got):
            pair = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
            assert all_close(*pair, 1e-6, 1e-7) == np.allclose(*pair, 1e-6, 1e-7)
    rng = np.random.default_rng(0)
    want = rng.normal(size=(3, 4)) * 10.0 ** rng.integers(-8, 8, size=(3, 4))
    got = want * (1 + rng.normal(size=(3, 4)) * off)
    assert all_close(got, want, 1e-5, 1e-7) == np.allclose(got, want, 1e-5, 1e-7)
