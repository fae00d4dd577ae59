"""Assignment 18, depth: Xavier's and He's initialisations, checked draw for draw against the same
seeded generator, and the backward pass of a residual block, checked by centered differences."""
import numpy as np

from course.assignments.depth.forward import residual_forward
from course.checks import CHANGED_IN_PLACE, Exercise, Mistake
from course.exercises.kit import gradient_exercise


def _draws(fan_in, fan_out, seed, variance):
    """What one call rng.normal(0, sqrt(variance), size=(fan_in, fan_out)) gives with
    rng = np.random.default_rng(seed)."""
    generator = np.random.default_rng(int(seed))
    return generator.standard_normal((int(fan_in), int(fan_out))) * float(np.sqrt(variance))


def _init_cases(rng):
    """Three (fan_in, fan_out, seed) cases, the fans 3 to 300 and never equal (so that a fan
    taken for the other shows), a fresh seed each."""
    cases = []
    for _ in range(3):
        fan_in, fan_out = (int(v) for v in rng.choice(np.arange(3, 301), size=2, replace=False))
        cases.append({"fan_in": fan_in, "fan_out": fan_out, "seed": int(rng.integers(2**31))})
    return cases


def _call_with_generator(functions, case):
    """The student's init(fan_in, fan_out, rng) with a generator seeded with the case's seed."""
    return functions[0](int(case["fan_in"]), int(case["fan_out"]),
                        np.random.default_rng(int(case["seed"])))


def _init_exercise(name, variance, hint, mistakes):
    """An initialisation exercise: variance(fan_in, fan_out) is the right variance, mistakes a
    tuple of (name, diagnosis, mistaken variance(fan_in, fan_out)); an answer is right when it
    is the very draws rng.normal makes with that variance."""
    def returns(wrong):
        return lambda fan_in, fan_out, seed: (_draws(fan_in, fan_out, seed, wrong(fan_in, fan_out)),)
    return Exercise(
        name=name, arguments=("fan_in", "fan_out", "rng"), outputs=("W",),
        visible=({"fan_in": 5, "fan_out": 3, "seed": 18}, {"fan_in": 40, "fan_out": 90, "seed": 7}),
        draw_hidden=_init_cases, call=_call_with_generator,
        expect=lambda fan_in, fan_out, seed: (_draws(fan_in, fan_out, seed,
                                                     variance(fan_in, fan_out)),),
        hint=f"{hint} Draw all the weights in one call of rng.normal, so that they are the very "
             "numbers the check draws from the same seed.",
        mistakes=tuple(Mistake(n, d, returns(v)) for n, d, v in mistakes))


_STD = ("rng.normal's second argument is the standard deviation, the square root of the variance: "
        "this W spreads by the variance itself")

xavier_init = _init_exercise(
    "xavier_init", lambda fan_in, fan_out: 2 / (fan_in + fan_out),
    hint="Xavier keeps the variance of the signal equal on the way up (fan_in) and on the way "
         "down (fan_out) as well as one variance can: it takes the average of the two fans.",
    mistakes=(
        ("variance-as-std", f"{_STD}, 2 / (fan_in + fan_out).",
         lambda fan_in, fan_out: (2 / (fan_in + fan_out))**2),
        ("fan-in-only", "the variance is 1 / fan_in, which keeps the forward signal alone: Xavier's "
         "compromise also keeps the backward signal, which passes through fan_out weights per "
         "input, so it divides by the average of fan_in and fan_out.",
         lambda fan_in, fan_out: 1 / fan_in),
        ("sum-not-average", "the variance is 1 / (fan_in + fan_out): Xavier divides by the average "
         "of the two fans, (fan_in + fan_out) / 2, not by their sum.",
         lambda fan_in, fan_out: 1 / (fan_in + fan_out))))

he_init = _init_exercise(
    "he_init", lambda fan_in, fan_out: 2 / fan_in,
    hint="a ReLU zeroes half of its inputs and so halves the variance of the signal at every "
         "layer: He's variance makes up for that half, counting the inputs of one unit.",
    mistakes=(
        ("variance-as-std", f"{_STD}, 2 / fan_in.", lambda fan_in, fan_out: (2 / fan_in)**2),
        ("factor-2-forgotten", "the variance is 1 / fan_in, right for a linear layer: a ReLU "
         "sets half of its inputs to 0 and halves the variance, so He doubles it, 2 / fan_in.",
         lambda fan_in, fan_out: 1 / fan_in),
        ("fan-out-for-fan-in", "the variance divides by fan_out: a unit of the layer adds up "
         "fan_in products x_i w_i (the rows of W), so the variance of its sum grows with fan_in.",
         lambda fan_in, fan_out: 2 / fan_out)))


# ---------------------------------------------------------------------------- the residual block

def _slope_times(x, W, dout):
    """The gradient on x W: dout times tanh's slope there, (N, D)."""
    return dout * (1 - np.tanh(x @ W)**2)


def _residual_with(x, W, dout, skip=1.0, slope=True, transpose=True):
    """(dx, dW) as a residual backward pass computes them, the skip's share times skip, with or
    without tanh's slope, with W transposed in the input's gradient or not."""
    dz = _slope_times(x, W, dout) if slope else dout
    return skip * dout + dz @ (W.T if transpose else W), x.T @ dz


_FORK = ("x is used twice, by the skip and by the branch tanh(x W): it is a fork, and its gradient "
         "is the sum of the two paths' gradients")

residual_backward = gradient_exercise(
    "residual_backward", residual_forward, ("x", "W", "dout"), ("x", "W"), upstream="dout",
    shapes={"x": (3, 4), "W": (4, 4), "dout": (3, 4)},
    visible=[{"x": np.array([[0.5, -1.2], [2.0, 0.3]]), "W": np.array([[0.4, -0.7], [1.5, 0.2]]),
              "dout": np.array([[1.0, -0.5], [0.25, 2.0]])},
             {"x": np.array([[0.3, -0.6, 1.1]]),
              "W": np.array([[0.2, -0.4, 0.9], [1.3, 0.5, -0.8], [-0.6, 0.7, 0.1]]),
              "dout": np.array([[-1.5, 0.4, 0.8]])}],
    hint=f"{_FORK}; the branch is the layer you know from 07, a product and a tanh.",
    mistakes=(
        Mistake(CHANGED_IN_PLACE, "dx = dout makes dx a second name for the caller's dout, and "
                "dx += ... then changes dout itself (the next block down still needs it). Start "
                "dx from a copy, dout.copy(), or add into a new array.", None),
        Mistake("skip-dropped", f"dx holds the branch's gradient alone: {_FORK}. "
                "dx = ... at the second path threw the first away; add it with +=.",
                lambda x, W, dout: _residual_with(x, W, dout, skip=0.0)),
        Mistake("no-tanh-slope", "the gradient went through tanh unchanged: by the chain rule "
                "it is multiplied by tanh's slope, 1 - tanh(x W)^2, at the branch's input.",
                lambda x, W, dout: _residual_with(x, W, dout, slope=False)),
        Mistake("W-not-transposed", "the input's gradient used W where it needs W transposed: "
                "x W sends x's entry i to output j through W[i, j], so dx_i gathers dz_j W[i, j], "
                "which is dz W^T.",
                lambda x, W, dout: _residual_with(x, W, dout, transpose=False))))

EXERCISES = (xavier_init, he_init, residual_backward)
