"""Tests of assignment 10, input gradients (course/assignments/input_gradients/)."""
