"""Tests of assignment 09, the sigmoid network (course/assignments/sigmoid_network/)."""
