"""`backprop-course new NAME`: a new assignment, ready to release and test, with one worked example
exercise to copy from: the source notebook, the assignment's folder in the course package and its
folder of tests."""
from __future__ import annotations

import json
from pathlib import Path
import re
import textwrap
from typing import TYPE_CHECKING

import nbformat

from autograder.course_dir import CourseError, assignments
from autograder.regions import course_markers

if TYPE_CHECKING:
    from collections.abc import Sequence

    from autograder.regions import Markers

NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def new_assignment(root: Path | str, name: str) -> list[Path]:
    """Write the files of a new assignment `name` (the next free number) under root; returns them.
    Refuses a name that is not a lowercase identifier or is taken."""
    root = Path(root)
    if not NAME.fullmatch(name):
        raise CourseError(f"{name!r} cannot name an assignment: use lowercase letters, digits and "
                          "underscores, starting with a letter (it becomes a Python package)")
    taken = {folder.split("_", 1)[-1] for folder in assignments(root)}
    package = root / "course" / "assignments" / name
    if name in taken or package.exists():
        raise CourseError(f"an assignment named {name} exists already")
    number = 1 + max((int(folder.split("_", 1)[0]) for folder in assignments(root)
                      if folder.split("_", 1)[0].isdigit()), default=0)
    folder = f"{number:02d}_{name}"
    function = f"{name}_scale_backward"
    files = {
        root / "source" / folder / f"{name}.ipynb": _notebook(root, name, number, function),
        package / "__init__.py": f'"""Assignment {number:02d}, {name}: TODO say what students do."""\n',
        package / "exercises.py": _EXERCISES.format(number=number, name=name, function=function),
        root / "tests" / "assignments" / name / "__init__.py": "",
        root / "tests" / "assignments" / name / "mutations.py": _MUTATIONS.format(function=function),
        root / "tests" / "assignments" / name / f"test_{name}.py": _TEST.format(
            name=name, function=function),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return list(files)


def _notebook(root, name, number, function):
    """The source notebook: a title, the imports, the example exercise and its test cell."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = _kernel(root)
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {number} · {name.replace('_', ' ').capitalize()}\n\n"
                                      "TODO: one idea per section, in your own words."),
        _code_cell("import numpy as np\n\nfrom course import check, todo"),
        *exercise_cells(
            course_markers(root), function, ("x", "a", "dout"),
            "## A worked example: the scale gate\n\n"
            "The gate $f = a x$ has local gradient $a$ with respect to $x$, so by the chain rule "
            "$dx = a \\cdot dout$. Replace this exercise with your own; keep its shape: a "
            "function with a docstring that gives shapes, a stub, and a test cell that calls "
            "`check` with the function's name, visibly and with hidden random inputs.",
            "Backward pass of the scale gate f = a * x with respect to x.\n\n"
            "x, a: floats, the gate's input and its factor; dout: float, the gradient on the\n"
            "gate's output. Returns dx: float, the gradient on x.",
            "return a * dout"),
    ]
    return nbformat.writes(nb) + "\n"


def exercise_cells(markers: Markers, function: str, arguments: Sequence[str], text: str,
                   docstring: str, solution: str, points: float = 1) -> list:
    """The three cells of an exercise: its markdown text, its solution cell (grade id = the
    function's name: the function, its docstring, the solution between the markers) and its test
    cell (grade id check_<function>: a visible and a hidden check, worth points)."""
    doc = textwrap.indent(docstring, "    ").lstrip()
    code = (f'def {function}({", ".join(arguments)}):\n    """{doc}\n    """\n'
            f"    {markers.begin_solution}\n{textwrap.indent(solution, '    ')}\n"
            f"    {markers.end_solution}")
    test = (f'check("{function}", {function})\n{markers.begin_hidden}\n'
            f'check("{function}", {function}, hidden=True)\n{markers.end_hidden}')
    return [nbformat.v4.new_markdown_cell(text),
            _code_cell(code, grade=False, grade_id=function, locked=False, solution=True),
            _code_cell(test, grade=True, grade_id=f"check_{function}", locked=True, points=points,
                       solution=False)]


def _code_cell(source, **nbgrader):
    """A code cell, with nbgrader metadata when given."""
    meta = {"nbgrader": {"schema_version": 3, "task": False, **nbgrader}} if nbgrader else {}
    return nbformat.v4.new_code_cell(source, metadata=meta)


def _kernel(root):
    """The notebook metadata (kernel, language) of the course's first source notebook."""
    first = next(iter(sorted((root / "source").glob("*/*.ipynb"))), None)
    if first is None:
        return {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    metadata = json.loads(first.read_text())["metadata"]
    return {key: metadata[key] for key in ("kernelspec", "language_info") if key in metadata}


_EXERCISES = '''"""Assignment {number:02d}, {name}: its exercises, each with its catalogue of mistakes."""
from course.checks import Mistake
from course.exercises.kit import gradient_exercise


def scale(x, a):
    """The scale gate's forward pass: x, a floats -> a * x."""
    return a * x


{function} = gradient_exercise(
    "{function}", scale, ("x", "a", "dout"), ("x",), upstream="dout",
    # visible cases away from round numbers, where each mistake below gives another answer
    visible=[{{"x": 2.0, "a": -3.0, "dout": 0.5}}, {{"x": -1.5, "a": 0.25, "dout": -2.0}}],
    hint="the scale gate's local gradient with respect to x is a: multiply it by dout.",
    mistakes=(
        Mistake("used-x", "the gradient used the input x where the local gradient is the factor "
                "a: d(a x)/dx = a.", lambda x, a, dout: (x * dout,)),
        Mistake("negated", "the gradient has the wrong sign: nothing in f = a x flips it.",
                lambda x, a, dout: (-a * dout,))))

EXERCISES = ({function},)
'''

_MUTATIONS = '''"""Catalogued mistakes of this assignment, as edits of the reference solution in its source
notebook: (exercise, mistake) -> [(text in the solution, text that makes the mistake)]."""
MUTATIONS = {{
    ("{function}", "used-x"): [("a * dout", "x * dout")],
    ("{function}", "negated"): [("a * dout", "-a * dout")],
    ("{function}", "forgot-upstream"): [("return a * dout", "return a")],
}}
'''

_TEST = '''"""Does {name}'s worked example take the right answer and name each catalogued mistake?"""
import pytest

from course import CheckFailed, check
from course.exercises import EXERCISES


def right(x, a, dout):
    return a * dout


def test_does_the_check_take_the_right_answer_visibly_and_on_hidden_cases():
    check("{function}", right)
    check("{function}", right, hidden=True)


@pytest.mark.parametrize("mistake, wrong", [
    ("used-x", lambda x, a, dout: x * dout),
    ("negated", lambda x, a, dout: -a * dout),
    ("forgot-upstream", lambda x, a, dout: a),
])
def test_is_each_mistake_named(mistake, wrong):
    exercise = EXERCISES["{function}"]
    diagnosis = next(m.diagnosis for m in exercise.mistakes if m.name == mistake)
    with pytest.raises(CheckFailed) as failed:
        check("{function}", wrong)
    assert diagnosis in str(failed.value)
'''
