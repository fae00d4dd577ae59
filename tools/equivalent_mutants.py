"""Mutants of the solutions that no check can kill, because they compute the same thing.

Keyed as tools/mutation_sweep.py prints them: "<exercise>: <line before> -> <line after>".
"""
_UNARY_B = ("the second value is only read by two-input gates; a one-input gate (1/x, sigmoid, "
            "tanh) ignores it, whatever it is")

EQUIVALENT = {
    "flow_backward: xy = x * y -> xy = x":
        "the add gate's gradients do not depend on its inputs' values, so xy is never used",
    "flow_backward: xy = x * y -> xy = y": "likewise: add_backward ignores the value of xy",
    "flow_backward: m = max(z, w) -> m = max(w, z)": "max is symmetric",
    "flow_backward: dxy, dm = add_backward(xy, m, dsum) -> dxy, dm = add_backward(m, xy, dsum)":
        "the add gate hands dsum to both inputs, whichever order they come in",
    "sigmoid_by_gates_backward: neg = -1.0 * z -> neg = z":
        "the chain then walks back through 1/(1 + e^z) = sigma(-z), whose slope at z, times the "
        "-1 gate's -1, is sigma'(-z) = sigma'(z): the sigmoid's slope is even",
    "sigmoid_by_gates_backward: neg = -1.0 * z -> neg = 1.0 * z": "likewise: sigma'(-z) = sigma'(z)",
    "staged_backward: dx += 1.0 * dxpy -> dx = 1.0 * dxpy":
        "dx is still 0 here (its first path), so = and += agree; the later += are killed",
    "staged_backward: dy += 1.0 * dxpy -> dy = 1.0 * dxpy":
        "dy is still 0 here (its first path), so = and += agree; the later += is killed",
    "two_layer_backward: X3 = X2 @ W1 -> X3 = X2 @ W1.T": "W1 is a vector: .T does nothing",
    "two_layer_backward: dW1 = X2.T @ dX3 -> dW1 = X2.T @ dX3.T": "dX3 is a vector: .T does nothing",
    "input_gradient: return W1.T @ da -> return W1.T @ da.T": "da is a vector: .T does nothing",
    "input_gradient: h = np.tanh(W1 @ x + b1) -> h = np.tanh((W1 @ x.T) + b1)":
        "x is a vector: .T does nothing",
    "conv1d_backward: dxp = np.zeros(n + k - 1) -> dxp = np.zeros(n + k + 1)":
        "a longer buffer only adds zeros past the end; the slice returned is the same",
    "conv1d_backward: dxp = np.zeros(n + k - 1) -> dxp = np.zeros(n + k)": "likewise, one zero more",
    "graph_backward: da, db = local_gradients(op, values[a], values[b] if b >= 0 else 0.0) -> "
    "da, db = local_gradients(op, values[a], values[b] if b >= 0 else 1.0)": _UNARY_B,
    "backward_pass: da, db = op_backward(op, data[a], data[b] if b >= 0 else 0.0, data[node], "
    "grads[node]) -> da, db = op_backward(op, data[a], data[b] if b >= 0 else 1.0, data[node], "
    "grads[node])": "a node without a second input is a one-input op (exp, tanh, relu), which "
    "ignores b, whatever it is",
    "logistic_loss: return np.mean(np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t)))) -> "
    "return np.mean(np.maximum(0, t) + np.log1p(np.exp(-np.abs(t))))": "maximum is symmetric",
    "sampled_gradient: flat = x.reshape(-1) -> flat = x.reshape(-2)":
        "numpy reads any negative size in reshape as 'the rest': both flatten x",
    "relative_error: sizes = np.maximum(np.abs(a) + np.abs(b), 1e-8) -> "
    "sizes = np.maximum(1e-08, np.abs(a) + np.abs(b))": "maximum is symmetric",
    "relative_error: gaps = np.abs(a - b) -> gaps = np.abs(b - a)": "|a - b| = |b - a|",
    "buggy_layers: draw = np.random.default_rng(0) -> draw = np.random.default_rng(1)":
        "any seed gives a random dout; only dout all ones (or all equal) would hide a bug",
    "buggy_layers: if relative_error(analytic, centered_gradient(loss, inputs[k])) > 1e-6: -> "
    "if relative_error(analytic, centered_gradient(loss, inputs[k])) >= 1e-06:":
        "no layer's error lands on 1e-6 exactly: right ones are near 1e-10, wrong ones near 1",
    "buggy_layers: if relative_error(analytic, centered_gradient(loss, inputs[k])) > 1e-6: -> "
    "if relative_error(centered_gradient(loss, inputs[k]), analytic) > 1e-6:":
        "the relative error is symmetric in its two arguments",
    "prelu_backward: negative = X <= 0 -> negative = X < 0":
        "they differ only at X = 0, the kink, where the slope is undefined; cases keep |X| >= 0.2",
    "relu_backward_rows: return dout * (X > 0) -> return dout * (X >= 0)":
        "they differ only at X = 0, ReLU's kink, which no case holds (the notebook says so)",
}
