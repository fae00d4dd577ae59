"""Tests of assignment 12, the computation graph (course/assignments/computation_graph/)."""
