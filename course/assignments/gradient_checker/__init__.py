"""Assignment 14: write a gradient checker, then find and fix the planted bugs of given layers."""
