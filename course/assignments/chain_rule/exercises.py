"""Assignment 02: the chain rule on f = (x + y) z."""
from course.assignments.chain_rule.forward import add_mul
from course.checks import Mistake
from course.exercises.kit import gradient_exercise, number_question

add_mul_backward = gradient_exercise(
    "add_mul_backward", add_mul, ("x", "y", "z"), ("x", "y", "z"),
    visible=[{"x": -2.0, "y": 5.0, "z": -4.0}, {"x": 1.5, "y": 0.5, "z": 3.0}],
    hint="name the sum q and go back one gate at a time: the multiply gate gives each of its "
         "inputs the other one as local gradient, the add gate passes on what reaches q, and the "
         "chain rule multiplies the local gradients met along each path.",
    mistakes=(
        Mistake("local-only", "dx and dy are the add gate's local gradients (1) alone. The chain "
                "rule multiplies them by the gradient arriving at q, df/dq = z.",
                lambda x, y, z: (1.0, 1.0, x + y)),
        Mistake("not-swapped", "dz and df/dq are the wrong way round: in f = q z the multiply gate "
                "swaps, so df/dz = q = x + y and df/dq = z.",
                lambda x, y, z: (x + y, x + y, z)),
        Mistake("dz-is-x", "dz came out as x: the multiply gate's other input is q = x + y, the "
                "whole sum, so df/dz = x + y.", lambda x, y, z: (z, z, x))))

chain_rule_question_1 = number_question(
    "chain_rule_question_1", -5.0, 0.05,
    hint="in the explorer, keep y = 5 and z = -4, move x alone and watch the red number under z.",
    wrong=(("x-equals-y", 5.0, "at x = 5 the two inputs of the add gate are equal, but the multiply "
            "gate sends z the other factor, the sum q: watch the red number under z, not the "
            "inputs' values."),
           ("x-is-zero", 0.0, "x = 0 silences a gradient where x is a factor of a product; z is "
            "multiplied by the sum q, which x alone does not make zero: watch the red number "
            "under z as you move x."),
           ("not-moved", -2.0, "-2 is where the x slider starts, where the gradient on z reads "
            "3: move x until the red number under z reads 0.")))

EXERCISES = (add_mul_backward, chain_rule_question_1)
