"""Assignment 14: the gradient checker (every entry, a sample of entries, the relative error),
the hunt for the handed-over layers' bugs, and their fixes."""
import numpy as np

from course.assignments.gradient_checker.forward import (
    HANDED_OVER,
    KINDS,
    line_up,
    prelu_forward,
    probe,
    silu_forward,
    softplus_forward,
)
from course.checks import ContractBroken, Exercise, Mistake, kind_of, leaving_unchanged
from course.exercises.kit import gradient_exercise, gradients_of, random_cases
from course.functions import sigmoid
from course.numgrad import numerical_gradient
from course.numgrad import relative_error as course_relative_error

FLOOR = 1e-8   # the relative error's smallest denominator

# ---------------------------------------------------------------- centered differences


def _given_x(x, float32):
    """x as the check hands it to the student: in single precision when float32 is 1."""
    return np.asarray(x, dtype=np.float32) if float32 else np.asarray(x, dtype=float)


def _probe_of(w):
    return lambda v: probe(v, w)


def _estimates(f, x, h, entries, forward=False, divisor=2.0, restore=True, dtype=float):
    """The difference quotients of f at x for the flat entries, as a checker with these slips
    computes them: one-sided (forward), divided by divisor * h, nudges left in place (not
    restore), or nudging a copy of x of this dtype. Returns an array of shape (len(entries),)."""
    x = np.array(x, dtype=dtype)
    quotients = np.zeros(len(entries))
    for j, i in enumerate(entries):
        old = x.flat[i]
        x.flat[i] = old + h
        high = f(x)
        x.flat[i] = old if forward else old - h
        quotients[j] = (high - f(x)) / (divisor * h)
        if restore:
            x.flat[i] = old
    return quotients


def _every_entry(**slips):
    """(**case) -> (gradient,): a checker with these slips (see _estimates) on every entry."""
    def returns(x, w, h, float32):
        x = _given_x(x, float32)
        return (_estimates(_probe_of(w), x, h, range(x.size), **slips).reshape(x.shape),)
    return returns


def _centered_expect(x, w, h, float32):
    return (numerical_gradient(_probe_of(w), _given_x(x, float32).astype(float), h),)


# log10 of the step h by precision: in float64 from 1e-3 to 1e-2, where a one-sided quotient is
# off by far more than the tolerance; in float32 from 1e-5 to 1e-4, where float32 rounding is
_STEPS = {0.0: (-3, -2), 1.0: (-5, -4)}


def _probe_case(rng, shape, float32):
    """A case of probe: x and w of this shape, and a step h for the precision (see _STEPS)."""
    return {"x": rng.uniform(-2, 2, shape), "w": rng.uniform(-2, 2, shape),
            "h": float(10 ** rng.uniform(*_STEPS[float32])), "float32": float32}


def _centered_cases(rng):
    """Two cases in float64 and one in float32, of 1 to 3 dimensions."""
    return [_probe_case(rng, tuple(int(n) for n in rng.integers(1, 5, size=rng.integers(1, 4))),
                        float32) for float32 in (0.0, 0.0, 1.0)]


_ONE_SIDED = ("the quotient is one-sided, (f(x + h) - f(x)) / h: its error shrinks like h, the "
              "centered one's like h^2. Nudge the entry both ways, up by h and down by h.")
_NOT_HALVED = "the difference f(x + h) - f(x - h) spans 2h, not h: divide it by 2h."

centered_gradient = Exercise(
    name="centered_gradient", arguments=("f", "x", "h"), outputs=("grad",),
    visible=({"x": np.array([0.5, -1.0, 2.0]), "w": np.array([1.0, 2.0, -1.0]), "h": 1e-2,
              "float32": 0.0},
             {"x": np.array([[0.3, 1.7], [-0.8, 1.1]]), "w": np.array([[1.0, -1.0], [0.5, 2.0]]),
              "h": 1e-3, "float32": 1.0}),
    draw_hidden=_centered_cases, expect=_centered_expect,
    call=lambda functions, case: functions[0](_probe_of(case["w"]),
                                              _given_x(case["x"], case["float32"]), case["h"]),
    hint="work on a float64 copy of x; for each entry, nudge it up by h and down by h, take the "
         "difference of f over 2h, and put the entry back before the next one.",
    mistakes=(
        Mistake("single-precision", "x came in single precision (float32) and was nudged as it "
                "is: float32 keeps about 7 digits, so x + h loses most of h. Work on a copy in "
                "double precision, np.array(x, dtype=np.float64).",
                _every_entry(dtype=np.float32)),
        Mistake("one-sided", _ONE_SIDED, _every_entry(forward=True, divisor=1.0)),
        Mistake("not-halved", _NOT_HALVED, _every_entry(divisor=1.0)),
        Mistake("not-restored", "each nudged entry stayed at x - h: put it back to its value "
                "before nudging the next one, or every later estimate is taken at another point.",
                _every_entry(restore=False))))


# ---------------------------------------------------------------- a sample of entries

def _sampled_call(functions, case):
    """(estimates, extra_calls): what sampled_gradient returned, and how many evaluations of f
    it made beyond the 2 per sampled entry that it needs."""
    calls = []
    f = _probe_of(case["w"])

    def counted(v):
        calls.append(1)
        return f(v)
    x = _given_x(case["x"], case["float32"])
    estimates = functions[0](counted, x, case["h"], case["entries"])
    return estimates, float(max(0, len(calls) - 2 * len(case["entries"])))


def _sampled(**slips):
    """(**case) -> (estimates, extra_calls): a checker with these slips on the sampled entries."""
    def returns(x, w, h, entries, float32):
        return _estimates(_probe_of(w), _given_x(x, float32), h, entries, **slips), 0.0
    return returns


def _sampled_expect(x, w, h, entries, float32):
    gradient, = _centered_expect(x, w, h, float32)
    return gradient.ravel()[np.asarray(entries, dtype=int)], 0.0


def _sampled_cases(rng):
    """Two cases in float64 and one in float32, of 2 dimensions, each sampling from one entry
    to half of them."""
    cases = []
    for float32 in (0.0, 0.0, 1.0):
        case = _probe_case(rng, tuple(int(n) for n in rng.integers(2, 7, size=2)), float32)
        size = case["x"].size
        case["entries"] = rng.choice(size, size=int(rng.integers(1, size // 2 + 1)), replace=False)
        cases.append(case)
    return cases


sampled_gradient = Exercise(
    name="sampled_gradient", arguments=("f", "x", "h", "entries"),
    outputs=("estimates", "extra_calls"),
    visible=({"x": np.array([[0.5, -1.0, 2.0], [1.5, 0.2, -0.7]]),
              "w": np.array([[1.0, 2.0, -1.0], [0.5, -2.0, 1.0]]), "h": 1e-2,
              "entries": np.array([4, 0]), "float32": 0.0},
             {"x": np.array([[1.0, -0.5], [2.0, 0.3], [-1.2, 0.8]]),
              "w": np.array([[0.5, 1.0], [-1.5, 2.0], [1.0, -0.5]]), "h": 1e-3,
              "entries": np.array([5, 1, 2]), "float32": 0.0}),
    draw_hidden=_sampled_cases, expect=_sampled_expect, call=_sampled_call,
    hint="work on a float64 copy of x, as in centered_gradient; entry number i of the flattened "
         "x is x.flat[i] (or np.unravel_index(i, x.shape)): nudge only those, two evaluations of "
         "f each, and return the estimates in the order of entries.",
    mistakes=(
        Mistake("every-entry", "the estimates are right, but f was evaluated for every entry and "
                "the sample picked out afterwards: a sample is there to save those evaluations "
                "(a real network's forward pass is slow). Nudge only the sampled entries.",
                lambda x, w, h, entries, float32: (_sampled_expect(x, w, h, entries, float32)[0],
                                                   float(2 * (x.size - len(entries))))),
        Mistake("one-sided", _ONE_SIDED, _sampled(forward=True, divisor=1.0)),
        Mistake("not-halved", _NOT_HALVED, _sampled(divisor=1.0))))


# ---------------------------------------------------------------- the relative error

def _ratios(a, b, numerator, denominator):
    with np.errstate(all="ignore"):
        return numerator(a, b) / np.maximum(denominator(a, b), FLOOR)


def _relative_error_cases(rng):
    """Pairs a, b of nearly equal arrays, with entries of both signs, an entry 0 in both, and in
    some cases a pair of tiny entries (below the floor) that decides the largest error."""
    cases = []
    for tiny in (False, True, True):
        shape = tuple(int(n) for n in rng.integers(2, 5, size=rng.integers(1, 3)))
        a = rng.uniform(-3, 3, shape)
        b = a * (1 + rng.normal(0, 10 ** rng.uniform(-8, -2), shape))
        b.flat[0] = -0.5 * a.flat[0]
        a.flat[-1] = b.flat[-1] = 0.0
        if tiny:
            a.flat[1], b.flat[1] = rng.uniform(1e-9, 4e-9), -rng.uniform(1e-9, 4e-9)
        cases.append({"a": a, "b": b})
    return cases


relative_error = Exercise(
    name="relative_error", arguments=("a", "b"), outputs=("error",),
    visible=({"a": np.array([1.0, -2.0, 0.0, 3e-9]), "b": np.array([1.001, -1.0, 0.0, -2e-9])},
             {"a": np.array([[0.5, 2.0], [-1.0, 4.0]]), "b": np.array([[0.5, 2.0], [1.0, 4.0]])}),
    draw_hidden=_relative_error_cases,
    expect=lambda a, b: (course_relative_error(a, b, FLOOR),),
    hint="entry by entry, |a - b| over |a| + |b| (never below 1e-8), then the largest of those.",
    mistakes=(
        Mistake("mean-not-max", "that is the mean of the entries' errors: one wrong entry among "
                "many right ones drowns in it. A checker reports the worst entry, the largest.",
                lambda a, b: (np.mean(_ratios(a, b, lambda a, b: np.abs(a - b),
                                              lambda a, b: np.abs(a) + np.abs(b))),)),
        Mistake("abs-of-sum", "the denominator is |a + b|: where a and b have opposite signs it "
                "nearly vanishes and the error explodes. Use |a| + |b|, the sizes of both.",
                lambda a, b: (np.max(_ratios(a, b, lambda a, b: np.abs(a - b),
                                             lambda a, b: np.abs(a + b))),)),
        Mistake("over-a-only", "the difference was divided by |a| alone: the measure should not "
                "depend on which of the two is called the truth, so divide by |a| + |b|.",
                lambda a, b: (np.max(_ratios(a, b, lambda a, b: np.abs(a - b),
                                             lambda a, b: np.abs(a))),)),
        Mistake("norm-ratio", "that is the ratio of norms ||a - b|| / (||a|| + ||b||): large "
                "entries hide an error in a small one. Take the error entry by entry, then the "
                "largest.", lambda a, b: (np.linalg.norm(a - b) / max(
                    np.linalg.norm(a) + np.linalg.norm(b), FLOOR),))))


# ---------------------------------------------------------------- the hunt

# the kinds of forward.KINDS whose backward is wrong: all but the absolute value's and the scale's
BUGGY = frozenset({2, 3, 4, 5, 6})
SEEN_WITH_ONES = BUGGY - {4}     # the softplus forgot dout: with dout all ones it looks right
SEEN_IN_FIRST = BUGGY - {2}      # the PReLU's slip is in dalpha, its second gradient


def _marks(kinds, flagged):
    """One entry per layer: 1.0 where its kind is in flagged, else 0.0."""
    return (np.array([int(k) in flagged for k in kinds], dtype=float),)


def _hunt_call(functions, case):
    """Which layers of a line-up the student's buggy_layers names: 1.0 per named layer, in the
    line-up's order. Raises ContractBroken, saying what to return, when the answer is not a
    collection of the line-up's names (ArgumentChanged when the call changed the layers)."""
    layers = line_up(case["kinds"], case["seed"])
    returned = leaving_unchanged("buggy_layers", functions[0], {"layers": layers})
    if not isinstance(returned, (set, frozenset, list, tuple)) or not all(
            isinstance(name, str) for name in returned):
        raise ContractBroken(f"buggy_layers returned {kind_of(returned)}: return a set of "
                             "layer names (strings), the keys of layers, such as {'silu'}")
    strangers = set(returned) - set(layers)
    if strangers:
        raise ContractBroken(f"buggy_layers named {sorted(strangers)[0]!r}, which is not a key "
                             "of the layers it was given: name layers by their keys in layers")
    return np.array([name in returned for name in layers], dtype=float)


def _hunt_cases(rng):
    cases = []
    while len(cases) < 3:
        kinds = rng.integers(0, len(KINDS), size=int(rng.integers(4, 8)))
        if {2, 4} <= set(kinds.tolist()) and set(kinds.tolist()) - BUGGY:
            cases.append({"kinds": kinds, "seed": int(rng.integers(1 << 30))})
    return cases


buggy_layers = Exercise(
    name="buggy_layers", arguments=("layers",), outputs=("named",),
    visible=({"kinds": np.arange(HANDED_OVER), "seed": 14},
             {"kinds": np.array([5, 0, 2, 6, 1, 4]), "seed": 3}),
    draw_hidden=_hunt_cases, expect=lambda kinds, seed: _marks(kinds, BUGGY), call=_hunt_call,
    hint="for each layer, take a random dout shaped like its output, compare every gradient its "
         "backward returns with your centered differences of sum(forward(*inputs) * dout), and "
         "name the layer when any relative error is above 1e-6 (named: 1 per named layer, in "
         "the order of the dict).",
    mistakes=(
        Mistake("all-named", "every layer was named, the correct ones too: if a correct layer "
                "fails, look at the checker (double precision, a step of about 1e-5, a threshold "
                "near 1e-6) before the layer.", lambda kinds, seed: _marks(kinds, range(len(KINDS)))),
        Mistake("none-named", "no layer was named: compare the backward's gradients with your "
                "centered differences and name a layer when the relative error is large.",
                lambda kinds, seed: _marks(kinds, ())),
        Mistake("ones-upstream", "a layer that forgot to multiply by dout passes when dout is all "
                "ones: check with a random dout, so that leaving it out shows.",
                lambda kinds, seed: _marks(kinds, SEEN_WITH_ONES)),
        Mistake("first-input-only", "only the gradient on the first input was checked: a bug in "
                "a parameter's gradient (the second, third... entry of backward's tuple) went "
                "unseen. Check every gradient the backward returns.",
                lambda kinds, seed: _marks(kinds, SEEN_IN_FIRST))))


# ---------------------------------------------------------------- the fixes

def _batch_cases(rng, names, away_from_zero=False):
    """3 cases of batches (N, D): arrays named in names shaped (N, D), "alpha" (D,) in
    [0.05, 0.5]; with away_from_zero, X's entries have 0.2 <= |X| <= 3."""
    cases = []
    for _ in range(3):
        rows, columns = (int(n) for n in rng.integers(1, 5, size=2))
        case = random_cases(rng, {name: (rows, columns) for name in names}, count=1)[0]
        if away_from_zero:
            case["X"] = np.sign(case["X"]) * rng.uniform(0.2, 3, (rows, columns))
        if "alpha" in names:
            case["alpha"] = rng.uniform(0.05, 0.5, columns)
        cases.append(case)
    return cases


def _elementwise_exercise(name, forward, **definition):
    """The backward pass (x, dout) -> dx of an elementwise layer on a batch (N, D)."""
    return gradient_exercise(name, forward, ("x", "dout"), ("x",), upstream="dout",
                             draw_hidden=lambda rng: _batch_cases(rng, ("x", "dout")), **definition)


silu_backward = _elementwise_exercise(
    "silu_backward", silu_forward,
    visible=[{"x": np.array([[1.0, -2.0], [0.5, 3.0]]), "dout": np.array([[1.0, 0.5], [-2.0, 1.0]])},
             {"x": np.array([[-0.5, 1.5, 0.0]]), "dout": np.array([[2.0, -1.0, 1.0]])}],
    hint="x reaches the output twice, as the factor x and inside sigmoid(x): each path brings a "
         "gradient, and at a fork they add up (the product rule).",
    mistakes=(
        Mistake("fork-overwritten", "only the path through sigmoid(x) is left: the second "
                "gradient replaced the first (=) where the fork needs +=.",
                lambda x, dout: (x * sigmoid(x) * (1 - sigmoid(x)) * dout,)),
        Mistake("factor-path-only", "only the path through the factor x is there: x also reaches "
                "the output inside sigmoid(x), and that path adds x sigmoid'(x).",
                lambda x, dout: (sigmoid(x) * dout,)),
        Mistake("sigma-not-derivative", "sigmoid(x) was used as its own slope on the path through "
                "the sigmoid: its slope is sigmoid(x) (1 - sigmoid(x)).",
                lambda x, dout: ((sigmoid(x) + x * sigmoid(x)) * dout,))))

softplus_backward = _elementwise_exercise(
    "softplus_backward", softplus_forward,
    visible=[{"x": np.array([[0.0, 2.0, -1.0]]), "dout": np.array([[2.0, -1.0, 0.5]])},
             {"x": np.array([[1.5, -0.5], [-2.0, 0.5]]), "dout": np.array([[-1.0, 2.0], [0.5, 3.0]])}],
    hint="the handed-over slope is right; the chain rule asks for one more factor, the same in "
         "every layer's backward pass.",
    mistakes=(
        Mistake("output-not-slope", "softplus(x), the layer's output, is not its slope: "
                "d/dx log(1 + e^x) = sigmoid(x).",
                lambda x, dout: (softplus_forward(x) * dout,)),
        Mistake("sigmoid-of-minus-x", "1 / (1 + e^x) is sigmoid(-x), the slope mirrored: "
                "d/dx log(1 + e^x) = e^x / (1 + e^x) = 1 / (1 + e^-x).",
                lambda x, dout: (sigmoid(-x) * dout,))))

_PRELU_GRADIENTS = gradients_of(prelu_forward, ("X", "alpha"), "dout")


def _dalpha(combine):
    """A mistake's returns: the expected dX, and dalpha = combine(X, dout) of shape (D,)."""
    return lambda X, alpha, dout: (_PRELU_GRADIENTS(X=X, alpha=alpha, dout=dout)[0],
                                   combine(X, dout))


prelu_backward = gradient_exercise(
    "prelu_backward", prelu_forward, ("X", "alpha", "dout"), ("X", "alpha"), upstream="dout",
    expect=_PRELU_GRADIENTS,
    visible=[{"X": np.array([[1.0, -2.0, 0.5], [-1.0, 3.0, -0.5]]), "alpha": np.array([0.1, 0.2, 0.3]),
              "dout": np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 2.0]])},
             {"X": np.array([[-1.5, 2.0], [-0.5, -1.0], [1.0, -2.0]]), "alpha": np.array([0.25, 0.5]),
              "dout": np.array([[2.0, -1.0], [1.0, 0.5], [-1.0, 1.5]])}],
    draw_hidden=lambda rng: _batch_cases(rng, ("X", "dout", "alpha"), away_from_zero=True),
    hint="below zero the output is alpha X, so there X passes alpha dout and alpha collects "
         "X dout; above zero alpha plays no part. alpha[j] is shared by every row.",
    mistakes=(
        Mistake("alpha-averaged", "dalpha is the mean over the batch's rows: alpha[j] is shared by "
                "every row and each row's gradient adds to it, so sum over the rows.",
                _dalpha(lambda X, dout: np.mean((X <= 0) * X * dout, axis=0))),
        Mistake("alpha-not-masked", "dalpha collected X dout from every entry: where X > 0 the "
                "output is X itself and does not depend on alpha.",
                _dalpha(lambda X, dout: np.sum(X * dout, axis=0))),
        Mistake("slope-ignored", "below zero dX is 0, the ReLU's rule: here the output there is "
                "alpha X, so dX = alpha dout.",
                lambda X, alpha, dout: (np.where(X > 0, dout, 0.0),
                                        _PRELU_GRADIENTS(X=X, alpha=alpha, dout=dout)[1]))))

EXERCISES = (centered_gradient, sampled_gradient, relative_error, buggy_layers, silu_backward,
             softplus_backward, prelu_backward)
