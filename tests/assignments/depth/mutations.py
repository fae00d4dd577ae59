"""Catalogued mistakes of depth's exercises, as edits of the reference solutions in its source
notebook: (exercise, mistake) -> [(text in the solution, text that makes the mistake)]."""
MUTATIONS = {
    ("xavier_init", "variance-as-std"): [("np.sqrt(2.0 / (fan_in + fan_out))",
                                          "2.0 / (fan_in + fan_out)")],
    ("xavier_init", "fan-in-only"): [("np.sqrt(2.0 / (fan_in + fan_out))", "np.sqrt(1.0 / fan_in)")],
    ("xavier_init", "sum-not-average"): [("np.sqrt(2.0 / (fan_in + fan_out))",
                                          "np.sqrt(1.0 / (fan_in + fan_out))")],
    ("he_init", "variance-as-std"): [("np.sqrt(2.0 / fan_in)", "2.0 / fan_in")],
    ("he_init", "factor-2-forgotten"): [("np.sqrt(2.0 / fan_in)", "np.sqrt(1.0 / fan_in)")],
    ("he_init", "fan-out-for-fan-in"): [("np.sqrt(2.0 / fan_in)", "np.sqrt(2.0 / fan_out)")],
    ("residual_backward", "changed-in-place"): [("dx = dout.copy()", "dx = dout")],
    ("residual_backward", "skip-dropped"): [("dx += dz @ W.T", "dx = dz @ W.T")],
    ("residual_backward", "no-tanh-slope"): [("dz = dout * (1 - t**2)", "dz = dout")],
    ("residual_backward", "W-not-transposed"): [("dx += dz @ W.T", "dx += dz @ W")],
    ("residual_backward", "forgot-upstream"): [("dz = dout * (1 - t**2)", "dz = (1 - t**2)"),
                                               ("dx = dout.copy()", "dx = np.ones_like(dout)")],
}
