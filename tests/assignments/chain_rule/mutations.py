"""Catalogued mistakes of chain_rule's exercises, as edits of the reference solutions."""
MUTATIONS = {
    ("add_mul_backward", "local-only"): [("dx = 1.0 * dq", "dx = 1.0"), ("dy = 1.0 * dq", "dy = 1.0")],
    ("add_mul_backward", "not-swapped"): [("dz = q", "dz = z"), ("dq = z", "dq = q")],
    ("add_mul_backward", "dz-is-x"): [("dz = q", "dz = x")],
    ("chain_rule_question_1", "x-equals-y"): [("return -5.0", "return 5.0")],
    ("chain_rule_question_1", "x-is-zero"): [("return -5.0", "return 0.0")],
    ("chain_rule_question_1", "not-moved"): [("return -5.0", "return -2.0")],
}
