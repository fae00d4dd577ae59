"""The `backprop-course` command: release building and checking, grading, feedback and reports."""
import sys

# nbformat imports jsonschema, which builds a grammar for one optional URI format checker
# (rfc3987_syntax) at import time: 2.4 s of every command's start-up on this kind of machine.
# Notebooks never use that format, so the checker is left out.
sys.modules.setdefault("rfc3987_syntax", None)
