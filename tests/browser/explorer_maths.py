"""What each explorer of the course must show, worked out here from the maths on its own (closed
forms, or a rule restated from the notebook), never by calling the explorer's code.

EXPECTED maps a source notebook to one function per explorer, top to bottom. Each takes what
the explorer's controls show (dict label -> text) and returns the readout numbers those values
must give (dict readout label -> float). MENUS names the menu options the tests choose.
"""
import math

import numpy as np

from course.assignments.input_gradients.forward import score


def sigma(t):
    return 1 / (1 + math.exp(-t))


def slope(f, t, h=1e-5):
    """f'(t) by a centered difference."""
    return (f(t + h) - f(t - h)) / (2 * h)


def shown(values, *labels):
    """The floats the controls with these labels show."""
    return [float(values[label]) for label in labels]


def derivative(values):
    """f = x^3 at x = 1.5: forward error ~ 3 x h, centered error = h^2 exactly."""
    h, x = 10 ** float(values["log10(h)"]), 1.5
    return {"h": h, "forward": ((x + h) ** 3 - x**3) / h, "centered": 3 * x**2 + h**2,
            "true f'(x)": 3 * x**2}


def flow_patterns(values):
    """f = 2 (x y + max(z, w)): add distributes, max routes, multiply swaps."""
    x, y, z, w = shown(values, "x", "y", "z", "w")
    return {"f": 2 * (x * y + max(z, w)), "df/dx": 2 * y, "df/dy": 2 * x,
            "df/dz": 2.0 * (z > w), "df/dw": 2.0 * (w > z)}


def input_scale(values):
    """f = w . (s x): df/dw = s x grows with the scale s, df/dx = w does not."""
    s = 10 ** float(values["log10(input scale)"])
    w, x = np.array([2.0, -3.0, 0.5]), np.array([-1.0, -2.0, 4.0])
    return {"scale": s, "f": s * w @ x, **{f"df/dw{i}": s * x[i] for i in range(3)},
            **{f"df/dx{i}": w[i] for i in range(3)}}


def add_mul(values):
    """f = (x + y) z: df/dx = df/dy = z, df/dz = x + y."""
    x, y, z = shown(values, "x", "y", "z")
    return {"f": (x + y) * z, "df/dx": z, "df/dy": z, "df/dz": x + y}


def sigmoid_curve(values):
    (x,) = shown(values, "x")
    return {"x": x, "σ(x)": sigma(x), "slope": sigma(x) * (1 - sigma(x))}


def neuron(values):
    """f = sigma(w0 x0 + w1 x1 + w2): each input's gradient is its partner times f (1 - f)."""
    w0, x0, w1, x1, w2 = shown(values, "w0", "x0", "w1", "x1", "w2")
    f = sigma(w0 * x0 + w1 * x1 + w2)
    local = f * (1 - f)
    return {"f": f, "df/dw0": x0 * local, "df/dx0": w0 * local, "df/dw1": x1 * local,
            "df/dx1": w1 * local, "df/dw2": local}


def staged(values):
    """f = (x + sigma(y)) / (sigma(x) + (x + y)^2)."""
    x, y = shown(values, "x", "y")

    def f(x, y):
        return (x + sigma(y)) / (sigma(x) + (x + y) ** 2)

    return {"f": f(x, y), "df/dx": slope(lambda t: f(t, y), x),
            "df/dy": slope(lambda t: f(x, t), y)}


def shapes(values):
    """With m, n and p all different, exactly one product of two of the four matrices has the
    shape of dW, and one that of dX."""
    m, n, p = shown(values, "m (outputs)", "n (inputs)", "p (batch)")
    expected = {"m": m, "n": n, "p": p}
    if len({m, n, p}) == 3:
        expected |= {"products that fit dW": 1, "products that fit dX": 1}
    return expected


POINTWISE = {"tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
             "ReLU": (lambda x: max(x, 0.0), lambda x: float(x > 0)),
             "sigmoid": (sigma, lambda x: sigma(x) * (1 - sigma(x)))}


def pointwise(values):
    h, local = POINTWISE[values["layer"]]
    (x,) = shown(values, "x")
    return {"x": x, "h(x)": h(x), "h'(x)": local(x)}


def two_layer(values):
    """x1 = W0 x0, x2 = tanh(x1), x3 = W1 . x2, L = (x3 - y)^2 / 2 at x0 = (1, 0.1), y = 0.5."""
    W0 = np.array([shown(values, f"W0[{i},0]", f"W0[{i},1]") for i in range(2)])
    W1 = np.array(shown(values, "W1[0]", "W1[1]"))
    x0, y = np.array([1.0, 0.1]), 0.5
    x2 = np.tanh(W0 @ x0)
    x3 = W1 @ x2
    dx3 = x3 - y
    dW0 = np.outer(dx3 * W1 * (1 - x2**2), x0)
    return {"x3": x3, "L": dx3**2 / 2, **{f"dL/dW1[{i}]": dx3 * x2[i] for i in range(2)},
            **{f"dL/dW0[{i},{j}]": dW0[i, j] for i in range(2) for j in range(2)}}


def training(values):
    """80 examples in batches: ceil(80 / batch size) steps per epoch."""
    rate, batch = shown(values, "learning rate", "batch size")
    return {"learning rate": rate, "batch size": batch, "steps per epoch": math.ceil(80 / batch)}


def sigmoid_fit(values):
    return {"step": float(values["training step"])}


def adversarial(values):
    """x' = x - epsilon sign(score(x)) g / ||g||, g the score's gradient at x."""
    epsilon, x0, x1 = shown(values, "epsilon", "x[0]", "x[1]")
    x = np.array([x0, x1])
    g = np.array([slope(lambda t: score(x + t * e), 0.0) for e in np.eye(2)])
    before = score(x)
    moved = x - epsilon * np.sign(before) * g / np.linalg.norm(g)
    after = score(moved)
    return {"epsilon": epsilon, "score(x)": before, "score(x')": after,
            "P(class 1 | x')": sigma(after), "flipped": float(np.sign(before) != np.sign(after)),
            "|score| / ||g||": abs(before) / np.linalg.norm(g)}


def ascent(values, numbers):
    """The objective at the end point is the unit's value there minus lambda/2 ||end||^2."""
    (lam,) = shown(values, "λ (L2 strength)")
    end = np.array([numbers["end x[0]"], numbers["end x[1]"]])
    return {"λ": lam, "objective at end": numbers["unit at end"] - lam / 2 * end @ end}


CONV_X = np.array([2.0, -1.0, 3.0, 0.0, 1.0, -2.0, 4.0])
CONV_W = np.array([1.0, -2.0, 0.5, 3.0, -1.0])


def convolution(values):
    """Same-length convolution, (k - 1) // 2 zeros before: y[i] = sum_j w[j] padded[i + j];
    x[m] is read by output o through w[m - o + before]."""
    k, i, m = (int(v) for v in shown(values, "kernel length k", "output i", "input m"))
    before, w = (k - 1) // 2, CONV_W[:k]
    padded = np.concatenate([np.zeros(before), CONV_X, np.zeros(k - 1 - before)])
    readers = [o for o in range(len(CONV_X)) if 0 <= m - o + before < k]
    return {"k": k, "zeros before": before, "zeros after": k - 1 - before,
            f"y[{i}]": w @ padded[i:i + k], f"outputs reading x[{m}]": len(readers),
            f"dx[{m}] (dout = 1)": sum(w[m - o + before] for o in readers)}


POOL_X = [1.0, 3.0, 3.0, 0.0, 2.0, 5.0, 5.0, 1.0, 4.0]


def pooling(values):
    """Windows start every stride; each window's gradient goes to its first maximum."""
    size, stride = (int(v) for v in shown(values, "window size", "stride"))
    starts = range(0, len(POOL_X) - size + 1, stride)
    read = {p for s in starts for p in range(s, s + size)}
    winners = {s + POOL_X[s:s + size].index(max(POOL_X[s:s + size])) for s in starts}
    return {"outputs": len(starts), "inputs read by no window": len(POOL_X) - len(read),
            "inputs with a gradient": len(winners)}


EXPECTED = {
    "01_derivative/derivative.ipynb": [derivative],
    "02_gates/gates.ipynb": [flow_patterns, input_scale],
    "03_chain_rule/chain_rule.ipynb": [add_mul],
    "04_sigmoid_neuron/sigmoid_neuron.ipynb": [sigmoid_curve, neuron],
    "05_staged_backprop/staged_backprop.ipynb": [staged],
    "06_vectorized/vectorized.ipynb": [shapes],
    "07_layers/layers.ipynb": [pointwise],
    "08_two_layer_network/two_layer_network.ipynb": [two_layer, training],
    "09_sigmoid_network/sigmoid_network.ipynb": [sigmoid_fit],
    "10_input_gradients/input_gradients.ipynb": [adversarial, ascent],
    "11_conv_pool/conv_pool.ipynb": [convolution, pooling],
    "12_computation_graph/computation_graph.ipynb": [],
}


# (notebook, explorer index) -> (menu label, options to choose in turn)
MENUS = {("06_vectorized/vectorized.ipynb", 0): ("layout", ["rows: D = X W", "columns: D = W X"]),
         ("07_layers/layers.ipynb", 0): ("layer", ["ReLU", "sigmoid", "tanh"])}


def expected_numbers(rule, values, numbers):
    """What rule says the readout must show; rules that relate readout numbers to one another
    (ascent) also get the numbers shown."""
    return rule(values, numbers) if rule is ascent else rule(values)
