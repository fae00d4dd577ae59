"""Tests of assignment 04, the sigmoid neuron (course/assignments/sigmoid_neuron/)."""
