"""Assignment 16: does the notebook print its worked numbers and the agreement of the two backward
passes, and show its timing, are the expected gradients the closed form worked out here, do the
hidden cases hold short batches, large inputs and a large eps, and does each catalogued mistake
get its own diagnosis?"""
import numpy as np
import pytest

from course import CheckFailed, check
from course.assignments.normalisation.pictures import before_and_after, best_times, staged_graph, timing
from course.exercises import EXERCISES
from support import instructor_namespace, not_printed, pictures_shown, printed_by

NAME = "16_normalisation"
NAMES = ("batchnorm_backward_staged", "batchnorm_backward", "layernorm_backward")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# The worked batch x = [[1, 50], [2, 10], [4, 30], [5, 70]], gamma (2, 0.5), beta (1, -1).
WORKED_NUMBERS = [
    "mean: [ 3. 40.]  variance: [  2.5 500. ]",
    "normalised x: [[-1.2649, 0.4472], [-0.6325, -1.3416], [0.6325, -0.4472], [1.2649, 1.3416]]",
    "out: [[-1.5298, -0.7764], [-0.2649, -1.6708], [2.2649, -1.2236], [3.5298, -0.3292]]",
    "given forward: [[-1.5298, -0.7764], [-0.2649, -1.6708], [2.2649, -1.2236], [3.5298, -0.3292]]",
    "minus the sum of dxc over the rows: [-2.   -3.25]",
    "centered differences:               [-2.   -3.25]",
    "row means: [0. 0. 0. 0.]  row standard deviations: [1. 1. 1. 1.]",
]


@pytest.fixture(scope="module")
def instructor():
    return instructor_namespace(NAME)


def test_are_the_worked_numbers_the_definitions():
    x = np.array([[1.0, 50.0], [2.0, 10.0], [4.0, 30.0], [5.0, 70.0]])
    mean = [sum(column) / 4 for column in zip(*x.tolist())]
    variance = [sum((v - m) ** 2 for v in column) / 4 for column, m in zip(zip(*x.tolist()), mean)]
    assert mean == [3.0, 40.0] and variance == [2.5, 500.0]
    normalised = [[round((v - m) / (var + 1e-5) ** 0.5, 4) for v, m, var in zip(row, mean, variance)]
                  for row in x.tolist()]
    assert normalised == [[-1.2649, 0.4472], [-0.6325, -1.3416], [0.6325, -0.4472], [1.2649, 1.3416]]
    out = [[2.0 * a + 1.0, 0.5 * b - 1.0] for a, b in normalised]
    assert np.allclose(out, [[-1.5298, -0.7764], [-0.2649, -1.6708], [2.2649, -1.2236],
                             [3.5298, -0.3292]], atol=2e-4)


def test_does_the_notebook_print_the_worked_numbers(validated):
    assert not_printed(validated, NAME, WORKED_NUMBERS) == []


def test_do_the_two_backward_passes_agree_and_are_the_pictures_shown(validated):
    printed = printed_by(validated, NAME)
    assert float(printed.split("largest difference between the two: ")[1].split()[0]) < 1e-12
    assert pictures_shown(validated, NAME) == 3   # before and after, the graph, the timing


def test_does_the_timing_find_the_slower_pass_slower_on_every_size():
    sizes = [(4, 3), (64, 64)]
    times = best_times({"sorts": lambda x, gamma, dout, eps: np.sort(x, axis=None),
                        "returns": lambda x, gamma, dout, eps: x}, sizes, repeat=2)
    assert all(slow > fast > 0 for slow, fast in zip(times["sorts"], times["returns"]))
    assert len(times["sorts"]) == len(sizes)


def closed_form(x, gamma, dout, eps, axis):
    """The gradients of sum(dout * normalisation along axis) worked out on paper, written here in
    a third way: dx from the Jacobian of the standardised values, row by row (or column by
    column), J = (I - 1/n - xhat xhat^T / n) / std."""
    x, dout = np.moveaxis(x, axis, 0), np.moveaxis(dout, axis, 0)
    n = x.shape[0]
    std = np.sqrt(x.var(axis=0) + eps)
    xhat = (x - x.mean(axis=0)) / std
    upstream = dout * (gamma[None, :] if axis == 0 else gamma[:, None])
    dx = np.empty_like(x)
    for j in range(x.shape[1]):
        jacobian = (np.eye(n) - 1 / n - np.outer(xhat[:, j], xhat[:, j]) / n) / std[j]
        dx[:, j] = jacobian.T @ upstream[:, j]
    dx, xhat, dout = (np.moveaxis(a, 0, axis) for a in (dx, xhat, dout))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@pytest.mark.parametrize("name, axis", [("batchnorm_backward", 0), ("layernorm_backward", 1)])
def test_are_the_expected_gradients_the_jacobian_of_the_standardisation(name, axis):
    exercise = EXERCISES[name]
    for case in [*exercise.visible, *exercise.draw_hidden(np.random.default_rng(3))]:
        for want, got in zip(closed_form(**case, axis=axis), exercise.expected(case)):
            assert np.allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name, axis", [("batchnorm_backward", 0), ("layernorm_backward", 1)])
def test_do_the_hidden_cases_hold_a_short_axis_large_inputs_and_a_large_eps(name, axis):
    for seed in range(5):
        moderate, short, large, big_eps = EXERCISES[name].draw_hidden(np.random.default_rng(seed))
        assert short["x"].shape[axis] <= 2 < moderate["x"].shape[axis]
        assert np.min(np.abs(large["x"])) > 5e4 and big_eps["eps"] >= 0.1


@pytest.mark.parametrize("name", NAMES)
def test_do_the_instructors_solutions_pass_on_many_hidden_draws(instructor, name):
    for seed in range(10):
        check(name, instructor[name], hidden=True, rng=np.random.default_rng(seed))


def test_is_a_batch_of_one_all_beta(instructor):
    x, gamma, dout = np.array([[2.0, -3.0]]), np.array([1.5, 0.5]), np.array([[0.7, -0.2]])
    for name in NAMES[:2]:
        dx, dgamma, dbeta = instructor[name](x, gamma, dout, 1e-5)
        assert np.all(dx == 0) and np.all(dgamma == 0) and np.array_equal(dbeta, dout[0])


@pytest.mark.parametrize("name", NAMES)
def test_does_a_hard_coded_worked_answer_fail_the_visible_check(instructor, name):
    exercise = EXERCISES[name]
    worked = exercise.expected(exercise.visible[0])
    with pytest.raises(CheckFailed):
        check(name, lambda *args: worked)


CATALOGUE = [(name, mistake) for name in NAMES for mistake in EXERCISES[name].mistakes]


@pytest.mark.parametrize("name, mistake", CATALOGUE,
                         ids=[f"{name}:{mistake.name}" for name, mistake in CATALOGUE])
def test_does_the_visible_check_name_each_catalogued_mistake(name, mistake):
    exercise = EXERCISES[name]

    def making_it(*args):
        return mistake.returns(**dict(zip(exercise.arguments, args)))
    with pytest.raises(CheckFailed) as failed:
        check(name, making_it)
    assert f"Mistake: {mistake.diagnosis}" in str(failed.value)


def test_are_the_pictures_drawn():
    x = np.random.default_rng(0).normal([5.0, -20.0], [1.0, 8.0], size=(16, 2))
    picture = before_and_after(x, (x - x.mean(axis=0)) / x.std(axis=0))
    assert bytes(picture._repr_png_()).startswith(PNG_MAGIC)
    assert [ax.get_title() for ax in picture.axes] == ["before", "after"]
    assert bytes(staged_graph()._repr_png_()).startswith(PNG_MAGIC)
    bars = timing({"a": lambda *args: None, "b": lambda *args: None}, [(2, 2)])
    assert len(bars.axes[0].patches) == 2
