"""Assignment 10: gradients on the input of a small tanh network, one regularized ascent step on
the input, and the backward pass of an embedding lookup."""
import numpy as np

from course.checks import Exercise
from course.exercises.kit import gradient_exercise
from course.numgrad import input_gradients
from course.toy_net import W1, b1, b2, lookup, objective, score, w2

_TRAINED = {"W1": W1, "b1": b1, "w2": w2, "b2": b2}
_NET = ("x", "W1", "b1", "w2", "b2")


def _random_net(rng, extra=()):
    """A random small net: D in {2, 3} inputs, H in 1..5 hidden units, x and weights in [-2, 2]."""
    D, H = int(rng.integers(2, 4)), int(rng.integers(1, 6))
    case = {"x": rng.uniform(-2, 2, D), "W1": rng.uniform(-2, 2, (H, D)),
            "b1": rng.uniform(-2, 2, H), "w2": rng.uniform(-2, 2, H),
            "b2": float(rng.uniform(-2, 2))}
    return case | {name: float(rng.uniform(low, high)) for name, low, high in extra}


input_gradient = gradient_exercise(
    "input_gradient", score, _NET, ("x",),
    visible=[{"x": np.array([1.0, -0.3]), **_TRAINED},
             {"x": np.array([0.5, -1.0, 2.0]), "W1": np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]]),
              "b1": np.array([0.0, -1.0]), "w2": np.array([2.0, -1.0]), "b2": 0.5}],
    draw_hidden=lambda rng: [_random_net(rng) for _ in range(4)],
    hint="backprop as for the weights, but finish at x: the score's gradient on the hidden layer "
         "is w2, tanh passes it times (1 - h^2), and the linear layer sends it to x through W1 "
         "transposed.")


def _ascent_expect(x, W1, b1, w2, b2, lr, lam):
    """x plus lr times the gradient of the regularized objective, by centered differences."""
    inputs = {"x": x, "W1": W1, "b1": b1, "w2": w2, "b2": b2, "lam": lam}
    return (x + lr * input_gradients(objective, inputs, ("x",))[0],)


ascent_step = Exercise(
    name="ascent_step", arguments=(*_NET, "lr", "lam"), outputs=("x_new",),
    visible=({"x": np.array([0.0, 0.0]), **_TRAINED, "lr": 0.01, "lam": 0.5},
             {"x": np.array([1.5, -2.0]), "W1": np.array([[1.0, 2.0]]), "b1": np.array([0.5]),
              "w2": np.array([1.0]), "b2": 0.0, "lr": 0.1, "lam": 2.0}),
    draw_hidden=lambda rng: [_random_net(rng, (("lr", 0.01, 0.5), ("lam", 0.0, 2.0)))
                             for _ in range(4)],
    expect=_ascent_expect,
    hint="the objective is score(x) - lam/2 ||x||^2: its gradient is your input_gradient minus "
         "lam * x; step UP the gradient (ascent), by lr.")


def _embedding_cases(rng):
    """Random tables and sentences; the first sentence repeats a word, the last misses some."""
    cases = []
    for count in (6, 4, 3):
        V, d = int(rng.integers(3, 8)), int(rng.integers(1, 5))
        ids = rng.integers(0, V, count)
        if count == 6:
            ids[-1] = ids[0]
        cases.append({"ids": ids, "E": rng.uniform(-2, 2, (V, d)),
                      "dout": rng.uniform(-2, 2, (count, d))})
    return cases


embedding_backward = Exercise(
    name="embedding_backward", arguments=("ids", "E", "dout"), outputs=("dE",),
    visible=({"ids": np.array([2]), "E": np.arange(12.0).reshape(4, 3),
              "dout": np.array([[1.0, -2.0, 0.5]])},
             {"ids": np.array([0, 1, 2, 3, 0, 4]),
              "E": np.linspace(-1.0, 1.0, 18).reshape(6, 3),
              "dout": np.tile([0.5, -1.0, 0.25], (6, 1))}),
    draw_hidden=_embedding_cases,
    expect=lambda ids, E, dout: input_gradients(
        lambda E: lookup(ids, E), {"E": E}, ("E",), dout),
    call=lambda functions, case: functions[0](
        np.asarray(case["ids"]).astype(int), case["E"], case["dout"]),
    hint="row t of dout belongs to the row of E that was read at position t; a word read twice "
         "collects both rows (add, do not overwrite); rows never read get 0.")

EXERCISES = (input_gradient, ascent_step, embedding_backward)
