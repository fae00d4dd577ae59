"""The `backprop-course` command: release building and checking, grading, feedback and reports."""
import importlib.util
import sys

# nbformat imports jsonschema, which builds a grammar for one optional URI format checker
# (rfc3987_syntax) at import time: 2.4 s of every command's start-up on this kind of machine.
# Notebooks never use that format, so the checker is left out.
sys.modules.setdefault("rfc3987_syntax", None)


def _nbgrader_without_server_extensions():
    """Make `nbgrader` importable as a plain package: its __init__ loads the Jupyter server
    extensions (formgrader, the assignment list, the exchange: tornado handlers), which this
    process never serves and which cost about 0.7 s of every command's start-up. Its modules
    (nbgrader.api, nbgrader.apps, ...) import as before; a Jupyter server, a process of its own,
    still loads the extensions."""
    if "nbgrader" in sys.modules or (spec := importlib.util.find_spec("nbgrader")) is None:
        return
    package = importlib.util.module_from_spec(spec)
    sys.modules["nbgrader"] = package
    package.__version__ = importlib.import_module("nbgrader._version").__version__


_nbgrader_without_server_extensions()
