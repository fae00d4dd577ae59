"""Assignment 03, the chain rule: backprop through f = (x + y) z."""
