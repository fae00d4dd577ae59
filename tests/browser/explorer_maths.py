"""What each explorer of the course must show, worked out from the maths on its own (closed
forms, or a rule restated from the notebook), never by calling the explorer's code.

Each assignment's rules are in tests/assignments/<name>/explorer_maths.py: EXPLORERS, one rule per
explorer of its notebook, top to bottom, and MENUS, explorer index -> (menu label, options the
tests choose in turn). A rule takes what the explorer's controls show (dict label -> text), and
the readout numbers when it relates them to one another, and returns the readout numbers those
values must give (dict readout label -> float). Gathered here by notebook:

EXPECTED: notebook path (relative to source/) -> rules; MENUS: (notebook, explorer index) ->
(menu label, options).
"""
import importlib
import inspect

from support import ROOT

EXPECTED, MENUS = {}, {}
for _path in sorted((ROOT / "source").glob("*/*.ipynb")):
    _notebook = _path.relative_to(ROOT / "source").as_posix()
    _name = _path.parent.name.partition("_")[2]  # 03_gates -> gates
    if not (ROOT / "tests" / "assignments" / _name / "explorer_maths.py").exists():
        EXPECTED[_notebook] = []  # an assignment without explorers
        continue
    _maths = importlib.import_module(f"assignments.{_name}.explorer_maths")
    EXPECTED[_notebook] = _maths.EXPLORERS
    MENUS.update({(_notebook, k): menu for k, menu in getattr(_maths, "MENUS", {}).items()})


def expected_numbers(rule, values, numbers):
    """What rule says the readout must show; rules that relate readout numbers to one another
    (they take a second argument) also get the numbers shown."""
    return rule(values, numbers) if len(inspect.signature(rule).parameters) == 2 else rule(values)
