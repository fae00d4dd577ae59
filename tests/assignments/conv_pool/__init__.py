"""Tests of assignment 11, convolution and pooling (course/assignments/conv_pool/)."""
