"""Catalogued mistakes of autograd's exercises, as edits of the reference solutions in its source
notebook: (exercise, mistake) -> [(text in the solution, text that makes the mistake)]."""
MUTATIONS = {
    ("op_backward", "tanh-slope-on-input"): [("TANH: lambda: ((1.0 - out ** 2) * dout, 0.0)",
                                              "TANH: lambda: ((1.0 - a ** 2) * dout, 0.0)")],
    ("op_backward", "mul-not-swapped"): [("MUL: lambda: (b * dout, a * dout)",
                                          "MUL: lambda: (a * dout, b * dout)")],
    ("op_backward", "pow-not-lowered"): [("b * a ** (b - 1) * dout", "b * a ** b * dout")],
    ("op_backward", "forgot-upstream"): [
        ("(dout, dout)", "(1.0, 1.0)"), ("(b * dout, a * dout)", "(b, a)"),
        ("(b * a ** (b - 1) * dout, 0.0)", "(b * a ** (b - 1), 0.0)"),
        ("(out * dout, 0.0)", "(out, 0.0)"), ("((1.0 - out ** 2) * dout, 0.0)", "(1.0 - out ** 2, 0.0)"),
        ("((out > 0) * dout, 0.0)", "(float(out > 0), 0.0)")],
    ("backward_order", "dead-listed"): [("place(root)",
                                         "for node in range(len(graph)):\n        place(node)")],
    ("backward_order", "listed-twice"): [("if node not in placed:", "if True:")],
    ("backward_order", "reversed"): [("return order", "return order[::-1]")],
    ("backward_order", "node-before-inputs"): [(
        "placed.add(node)\n            for source in graph[node, 1:]:\n                if source >= 0:\n"
        "                    place(int(source))\n            order.append(node)",
        "placed.add(node)\n            order.append(node)\n            for source in graph[node, 1:]:\n"
        "                if source >= 0:\n                    place(int(source))")],
    ("backward_pass", "overwrote-at-forks"): [("grads[a] += da", "grads[a] = da"),
                                              ("grads[b] += db", "grads[b] = db")],
    ("backward_pass", "walked-forwards"): [("reversed(backward_order(graph, root))",
                                            "backward_order(graph, root)")],
    ("backward_pass", "local-only"): [("data[node], grads[node])", "data[node], 1.0)")],
}
