"""Tests of assignment 02, gates (course/assignments/gates/)."""
