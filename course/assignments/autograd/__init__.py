"""Assignment 15, the autograd: a scalar Value with operator overloading whose backward rules,
order and reverse sweep are the student's; neurons, layers and an MLP trained on two moons."""
