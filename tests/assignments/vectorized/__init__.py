"""Tests of assignment 06, vectorized (course/assignments/vectorized/)."""
