"""The `backprop-course` command: release building and checking, grading, feedback and reports."""
import importlib.util
import sys
import types

# nbformat imports jsonschema, which imports the optional libraries of its format checkers at
# import time: one builds a grammar (rfc3987_syntax, 2.4 s of every command's start-up on this kind
# of machine), the others take about 0.05 s together. nbformat checks no format (its schemas use
# none), so these checkers are left out: the libraries import as missing in this process.
_FORMAT_CHECKERS = ("rfc3987_syntax", "rfc3986_validator", "rfc3339_validator", "fqdn", "webcolors",
                    "jsonpointer", "uri_template", "isoduration")
for _checker in _FORMAT_CHECKERS:
    sys.modules.setdefault(_checker, None)


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


class _OnDemand(types.ModuleType):
    """A stand-in for a module that imports the real one when first used: then the real module
    takes its place in sys.modules, and the stand-in hands every look-up over to it. package:
    whether the real one is a package (importing a module from it imports it)."""

    def __init__(self, name: str, doc: str, package: bool = False) -> None:
        super().__init__(name, doc)
        self._package = package

    def __getattr__(self, name: str) -> object:
        if name == "__path__" and not self._package:   # the import system asks it of any module
            raise AttributeError(name)
        return getattr(self._real(), name)

    def _real(self) -> types.ModuleType:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return importlib.import_module(self.__name__)

    def function(self, name: str) -> None:
        """Offer the real module's function `name` under that name now, imported when called
        (`from module import name` takes it at once)."""
        def call(*args: object, **kwargs: object) -> object:
            return getattr(self._real(), name)(*args, **kwargs)
        call.__name__ = call.__qualname__ = name
        setattr(self, name, call)


def _setuptools_archive_util_on_demand():
    """nbgrader.utils takes three functions of setuptools.archive_util, for unzipping uploads,
    at import time, and that module imports all of setuptools and pkg_resources: about 0.15 s of
    the start-up of every command that opens a gradebook. They are offered by a stand-in that
    imports setuptools when one is called."""
    name = "setuptools.archive_util"
    if name in sys.modules or "nbgrader.utils" in sys.modules:
        return
    stand_in = _OnDemand(name, _setuptools_archive_util_on_demand.__doc__)
    for function in ("unpack_archive", "unpack_tarfile", "unpack_zipfile"):
        stand_in.function(function)
    sys.modules[name] = stand_in


def _requests_on_demand():
    """nbgrader.api imports nbgrader's JupyterHub authenticator, which imports requests (about
    0.08 s of the start-up of every command that opens a gradebook) to call JupyterHub's API when
    a course uses it. requests is imported when first used."""
    if "requests" not in sys.modules and importlib.util.find_spec("requests") is not None:
        sys.modules["requests"] = _OnDemand("requests", _requests_on_demand.__doc__, package=True)


def restore_imports() -> None:
    """Undo, in this process, what this package does to imports for a command's start-up (the
    format checkers left out, the modules imported on demand): a grading worker calls it before it
    warms up, so that a notebook graded in its forks imports them as it would in JupyterLab."""
    for name, module in list(sys.modules.items()):
        if (module is None and name in _FORMAT_CHECKERS) or isinstance(module, _OnDemand):
            del sys.modules[name]


_nbgrader_without_server_extensions()
_setuptools_archive_util_on_demand()
_requests_on_demand()
