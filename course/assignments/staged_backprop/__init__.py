"""Assignment 05, staged backprop: f = (x + sigma(y)) / (sigma(x) + (x + y)^2) forward with a
cache and backward with += at forks."""
