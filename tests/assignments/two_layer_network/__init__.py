"""Tests of assignment 08, the two-layer network (course/assignments/two_layer_network/)."""
