"""Tests of assignment 05, staged backprop (course/assignments/staged_backprop/)."""
