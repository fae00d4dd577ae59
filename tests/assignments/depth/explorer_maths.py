"""What the explorer of assignment 18 (depth) must show, worked out from the maths on its own,
never by calling the explorer's code (see tests/browser/explorer_maths.py)."""
import numpy as np

from support.maths import shown

# the pre-activation z -> the activation's slope there, each from its own closed form
SLOPES = {"sigmoid": lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,
          "tanh": lambda z: 1 / np.cosh(z) ** 2,
          "relu": lambda z: np.heaviside(z, 0.0)}
ACTIVATE = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh,
            "relu": lambda z: np.where(z > 0, z, 0.0)}


def depth_explorer(values):
    """The stack the notebook describes: 64-wide layers whose weights are drawn one after another
    from default_rng(0) with standard deviation scale / 8, 32 examples and the gradient at the
    top drawn from default_rng(1). Each example's gradient on layer l's input is the product of
    the Jacobians W_k diag(f'(z_k)) of the layers above it applied to its row of the top's
    gradient; a layer's norm is the root of the sum of the examples' squares."""
    depth, scale = shown(values, "depth", "scale × 1/√64")
    activation = values["activation"]
    rng = np.random.default_rng(0)
    weights = [rng.normal(0.0, scale / 8, size=(64, 64)) for _ in range(int(depth))]
    rng = np.random.default_rng(1)
    x, top = rng.normal(size=(32, 64)), rng.normal(size=(32, 64))
    squares = np.zeros(int(depth))
    for row, arriving in zip(x, top):
        pre = []
        for W in weights:
            pre.append(row @ W)
            row = ACTIVATE[activation](pre[-1])
        gradient = arriving
        for layer in range(int(depth) - 1, -1, -1):
            jacobian = weights[layer] @ np.diag(SLOPES[activation](pre[layer]))
            gradient = jacobian @ gradient
            squares[layer] += gradient @ gradient
    norms = np.sqrt(squares)
    return {"norm at the top": norms[-1], "norm at layer 1": norms[0],
            "layer 1 / top": norms[0] / norms[-1]}


EXPLORERS = [depth_explorer]
# explorer index -> (menu label, options to choose in turn)
MENUS = {0: ("activation", ["relu", "sigmoid"])}
