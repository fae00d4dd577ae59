"""Assignment 06, vectorized: the backward pass of a matrix product by dimension analysis."""
