"""Assignment 02, the chain rule: backprop through f = (x + y) z."""
