"""Catalogued mistakes of computation_graph's exercises, as edits of the reference solutions."""
MUTATIONS = {
    ("local_gradients", "max-tie-to-b"): [("if a >= b else", "if a > b else")],
    ("local_gradients", "sub-like-add"): [("SUB: lambda: (1.0, -1.0),", "SUB: lambda: (1.0, 1.0),")],
    ("local_gradients", "mul-not-swapped"): [("MUL: lambda: (b, a),", "MUL: lambda: (a, b),")],
    ("local_gradients", "tanh-slope-on-input"): [("TANH: lambda: (1.0 - np.tanh(a) ** 2, 0.0)",
                                                  "TANH: lambda: (1.0 - a ** 2, 0.0)")],
    ("topological_order", "dead-listed"): [("place(int(output))",
                                            "for node in range(len(graph)):\n        place(node)")],
    ("topological_order", "listed-twice"): [("if node not in placed:", "if True:")],
    ("topological_order", "row-order"): [("return order", "return sorted(order)")],
    ("topological_order", "reversed"): [("return order", "return order[::-1]")],
    ("graph_backward", "overwrote-at-forks"): [("gradient[a] += da", "gradient[a] = da"),
                                               ("gradient[b] += db", "gradient[b] = db")],
    ("graph_backward", "walked-forwards"): [("reversed(topological_order(graph, output))",
                                             "topological_order(graph, output)")],
    ("graph_backward", "local-only"): [("da * gradient[node]", "da"), ("db * gradient[node]", "db")],
}
