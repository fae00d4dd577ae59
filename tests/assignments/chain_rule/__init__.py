"""Tests of assignment 03, the chain rule (course/assignments/chain_rule/)."""
