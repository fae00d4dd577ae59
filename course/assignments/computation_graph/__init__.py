"""Assignment 12, the computation graph: a circuit stored as a graph of numbers, local-gradient
rules, a topological order and a reverse-mode engine."""
