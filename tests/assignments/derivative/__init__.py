"""Tests of assignment 01, the derivative (course/assignments/derivative/)."""
