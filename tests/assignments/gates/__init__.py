"""Tests of assignment 03, gates (course/assignments/gates/)."""
