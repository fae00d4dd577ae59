"""What the explorers of assignment 04 (the sigmoid neuron) must show, worked out from the
maths on its own, never by calling the explorer's code: one rule per explorer, top to bottom
(see tests/browser/explorer_maths.py)."""
from support.maths import shown, sigma


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


EXPLORERS = [sigmoid_curve, neuron]
