"""Assignment 10: gradients on the input of a small tanh network, one regularized ascent step on
the input, and the backward pass of an embedding lookup."""
import numpy as np

from course.assignments.input_gradients.forward import W1, b1, b2, lookup, objective, score, w2
from course.checks import Exercise, Mistake
from course.exercises.kit import gradient_exercise, gradients_of, number_question
from course.numgrad import input_gradients

_TRAINED = {"W1": W1, "b1": b1, "w2": w2, "b2": b2}
_NET = ("x", "W1", "b1", "w2", "b2")


def _random_net(rng, extra=()):
    """A random small net: D in {2, 3} inputs, H in 1..5 hidden units, x and weights in [-2, 2]."""
    D, H = int(rng.integers(2, 4)), int(rng.integers(1, 6))
    case = {"x": rng.uniform(-2, 2, D), "W1": rng.uniform(-2, 2, (H, D)),
            "b1": rng.uniform(-2, 2, H), "w2": rng.uniform(-2, 2, H),
            "b2": float(rng.uniform(-2, 2))}
    return case | {name: float(rng.uniform(low, high)) for name, low, high in extra}


_SCORE_GRADIENT = gradients_of(score, ("x",))


def _with_w2(new_w2):
    """(**case) -> the input gradient as a mistaken backward pass computes it: the true one with
    w2 replaced by new_w2(w2, a, h), where a = W1 x + b1 and h = tanh(a). dx is linear in
    w2 * tanh'(a), so a wrong slope s(a) of tanh is new_w2 = w2 s(a) / tanh'(a)."""
    def returns(x, W1, b1, w2, b2):
        a = np.matmul(W1, x) + b1
        return _SCORE_GRADIENT(x=x, W1=W1, b1=b1, w2=new_w2(w2, a, np.tanh(a)), b2=b2)
    return returns


input_gradient = gradient_exercise(
    "input_gradient", score, _NET, ("x",), expect=_SCORE_GRADIENT,
    mistakes=(
        Mistake("tanh-slope-on-pre-activation", "tanh's slope was taken on its input: with "
                "h = tanh(W1 x + b1) it is 1 - h^2, not 1 - (W1 x + b1)^2.",
                _with_w2(lambda w2, a, h: w2 * (1 - a**2) / (1 - h**2))),
        Mistake("tanh-not-derivative", "h = tanh(W1 x + b1) is the hidden layer's value, not its "
                "slope: tanh passes the gradient on times 1 - h^2.",
                _with_w2(lambda w2, a, h: w2 * h / (1 - h**2))),
        Mistake("forgot-w2", "the gradient the score sends to the hidden layer is missing: "
                "s = w2 . h + b2, so the gradient on h is w2, which tanh then multiplies by "
                "1 - h^2.", _with_w2(lambda w2, a, h: np.ones_like(w2)))),
    visible=[{"x": np.array([1.0, -0.3]), **_TRAINED},
             {"x": np.array([0.5, -1.0, 2.0]), "W1": np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]]),
              "b1": np.array([0.0, -1.0]), "w2": np.array([2.0, -1.0]), "b2": 0.5}],
    draw_hidden=lambda rng: [_random_net(rng) for _ in range(4)],
    hint="backprop as for the weights, but finish at x: the score is a dot product with the "
         "hidden layer (a multiply gate swaps), tanh multiplies by its slope read off its own "
         "output, and the linear layer passes the gradient back through its weights, transposed "
         "or not as the shapes demand.")


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
    hint="the objective has two terms and its gradient is the sum of theirs: the score's is "
         "your input_gradient, and the penalty's pulls x back towards the origin. Ascent climbs: "
         "it steps along the gradient, by lr.",
    mistakes=(
        Mistake("downhill", "x moved against the gradient, downhill: ascent climbs J, so x "
                "moves along dJ/dx, by lr.",
                lambda x, lr, lam, **net: (2 * x - _ascent_expect(x, lr=lr, lam=lam, **net)[0],)),
        Mistake("penalty-sign", "the penalty's gradient has the wrong sign: the gradient of "
                "lam/2 ||x||^2 is lam x, and J subtracts the penalty, so dJ/dx = input_gradient "
                "- lam x (the penalty pulls x back towards 0).",
                lambda x, lr, lam, **net: (_ascent_expect(x, lr=lr, lam=lam, **net)[0]
                                           + 2 * lr * lam * x,)),
        Mistake("no-penalty", "the penalty is missing: J = score - lam/2 ||x||^2, so dJ/dx = "
                "input_gradient - lam x.",
                lambda x, lr, lam, **net: (_ascent_expect(x, lr=lr, lam=lam, **net)[0]
                                           + lr * lam * x,))))


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


def _embedding_gradient(ids, E, dout):
    """dE of a case, by centered differences of the lookup."""
    return input_gradients(lambda E: lookup(ids, E), {"E": E}, ("E",), dout)


def _last_read_only(ids, E, dout):
    """dE when each looked-up row is assigned, not added: a repeated id keeps its last row."""
    assigned = np.zeros(np.shape(E))
    assigned[np.asarray(ids).astype(int)] = dout
    return (assigned,)


embedding_backward = Exercise(
    name="embedding_backward", arguments=("ids", "E", "dout"), outputs=("dE",),
    visible=({"ids": np.array([2]), "E": np.arange(12.0).reshape(4, 3),
              "dout": np.array([[1.0, -2.0, 0.5]])},
             {"ids": np.array([0, 1, 2, 3, 0, 4]),
              "E": np.linspace(-1.0, 1.0, 18).reshape(6, 3),
              "dout": np.tile([0.5, -1.0, 0.25], (6, 1))}),
    draw_hidden=_embedding_cases,
    expect=_embedding_gradient,
    call=lambda functions, case: functions[0](
        np.asarray(case["ids"], dtype=int), case["E"], case["dout"]),
    hint="row t of dout belongs to the row of E that was read at position t; a word read twice "
         "collects both rows (add, do not overwrite); rows never read get 0.",
    mistakes=(
        Mistake("repeats-overwritten", "a word read twice got only one of its rows of dout: with "
                "a repeated id, dE[ids] = dout and dE[ids] += dout both keep one. The two reads "
                "are a fork, so their gradients add: add the rows one position at a time.",
                _last_read_only),
        Mistake("started-from-E", "dE started from E: a gradient starts at 0, so rows never read "
                "stay 0, and the rows read collect dout.",
                lambda ids, E, dout: (E + _embedding_gradient(ids, E, dout)[0],)),
        Mistake("by-position", "row t of dout went to row t of dE: it belongs to the row read at "
                "position t, row ids[t].",
                lambda ids, E, dout: _embedding_gradient(np.arange(len(ids)), E, dout))))

input_gradients_question_1 = number_question(
    "input_gradients_question_1", 0.7, 0.0075,
    hint="in the adversarial explorer, set x[0] and x[1] first, then raise epsilon from 0 until "
         "the title says the prediction flips ('flipped' reads 1).",
    wrong=(("first-order-estimate", 7.83, "that is the first-order estimate |score| / ||g||, "
            "which trusts the gradient at x for the whole step; deep inside a class the tanh "
            "units saturate and the gradient is small, so the estimate is far off: raise epsilon "
            "itself until the prediction flips."),
           ("orange-point", 0.17, "0.17 is where the step flips the orange point [1.0, -0.3] "
            "of the notebook: move x to [1.5, -0.5] first, then raise epsilon."),
           ("estimate-at-orange-point", 0.198, "0.198 is the first-order estimate at the orange "
            "point: move x to [1.5, -0.5], then raise epsilon until the prediction flips.")))

EXERCISES = (input_gradient, input_gradients_question_1, ascent_step, embedding_backward)
