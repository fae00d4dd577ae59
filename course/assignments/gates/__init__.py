"""Assignment 03, gates: the backward passes of the add, multiply and max gates and of
f = 2 (x y + max(z, w)); weight gradients that grow with the input's scale."""
