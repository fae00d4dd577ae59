"""Assignment 01, the derivative: the derivative as sensitivity, and finite differences."""
