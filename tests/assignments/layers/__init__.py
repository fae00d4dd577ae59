"""Tests of assignment 07, layers (course/assignments/layers/)."""
