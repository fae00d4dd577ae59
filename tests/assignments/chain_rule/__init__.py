"""Tests of assignment 02, the chain rule (course/assignments/chain_rule/)."""
