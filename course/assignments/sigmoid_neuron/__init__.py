"""Assignment 04, the sigmoid neuron: unary gates, the sigmoid gate and the 2-D neuron."""
