"""The course's authoring conventions, checked before nbgrader runs: what `validate` and `release`
say about an assignment's cells, exercise definitions and catalogue of mistakes.

Each finding is one line of text naming where (notebook and code-cell number and id, or file and
line) and what to change. The conventions: a test cell's grade id is check_<exercise> and it calls
check("<exercise>", ...) visibly and again in a hidden part; a solution cell's grade id is the name
of the one function it defines; every exercise of the assignment has its cells; instructor markers
stand only in cells nbgrader marks for them; every catalogued mistake has its edit in
tests/assignments/<name>/mutations.py, quoting the solution exactly; every exercise catalogues at
least three mistakes, or fewer with a reason in FEWER_EXIST; no line of the course package equals a
solution line; no TODO of `backprop-course new-exercise` is left.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
import importlib
from pathlib import Path
import re
import runpy
import traceback
from typing import TYPE_CHECKING

from autograder import notebooks
from autograder.regions import course_markers, solution_code, split

if TYPE_CHECKING:
    from autograder.regions import Markers

TODO = "TODO(new-exercise)"   # what the exercise scaffold leaves for the instructor to fill in


@dataclass(frozen=True)
class Cell:
    """A code cell of a source notebook: its notebook's file name, its number among the code
    cells (from 1), its nbgrader metadata and source."""
    notebook: str
    number: int
    cell_id: str
    meta: dict
    source: str

    @property
    def grade_id(self) -> str:
        return self.meta.get("grade_id", "")

    def where(self) -> str:
        label = f"grade id {self.grade_id}" if self.grade_id else f"cell id {self.cell_id}"
        return f"{self.notebook} code cell {self.number} ({label})"


def package_name(assignment: str) -> str:
    """The course package folder of an assignment folder: 03_gates -> gates."""
    return assignment.split("_", 1)[-1]


def findings(root: Path | str, assignment: str) -> list[str]:
    """Every convention slip of source/<assignment> and its definitions, one message each."""
    root = Path(root)
    markers = course_markers(root)
    cells = code_cells(root, assignment)
    found = _todos_left(root, assignment, cells) + _marker_slips(cells, markers)
    exercises, problem = _exercises(assignment)
    if problem:
        return found + [problem]
    found += _catalogue_slips(assignment, exercises)
    exercises = [e for e in exercises if _is_catalogue(e.mistakes)]
    found += _cell_slips(assignment, cells, exercises, markers)
    solutions = {c.grade_id: solution_code(c.source, markers)[0] for c in cells
                 if c.meta.get("solution") and markers.begin_solution in c.source}
    found += _mutation_slips(root, assignment, exercises, solutions)
    found += too_few_mistakes(root, assignment, exercises)
    return found + _helper_lines(cells, markers)


def code_cells(root: Path, assignment: str) -> list[Cell]:
    """The code cells of every notebook of source/<assignment>, in order."""
    cells = []
    for path in sorted((root / "source" / assignment).glob("*.ipynb")):
        code = [c for c in notebooks.read(path).cells if c.cell_type == "code"]
        cells += [Cell(path.name, n, c.get("id", "?"), dict(c.metadata.get("nbgrader", {})), c.source)
                  for n, c in enumerate(code, 1)]
    return cells


def _exercises(assignment):
    """(the assignment's Exercises, None), or (None, what is wrong with its exercises.py)."""
    module = f"course.assignments.{package_name(assignment)}.exercises"
    try:
        return importlib.import_module(module).EXERCISES, None
    except ModuleNotFoundError as error:
        if error.name not in (module, module.rsplit(".", 1)[0]):
            raise
        return None, (f"course/assignments/{package_name(assignment)}/exercises.py is missing: "
                      "it defines the assignment's exercises in a tuple EXERCISES")
    except Exception as error:  # an authoring error in the module: say where
        frames = traceback.extract_tb(error.__traceback__)
        frame = ([f for f in frames if "course/assignments" in f.filename] or frames)[-1]
        return None, f"{frame.filename}:{frame.lineno}: {type(error).__name__}: {error}"


def _todos_left(root, assignment, cells):
    """The places where the exercise scaffold's TODOs are still to be filled in."""
    found = [f"{c.where()}: fill in the {TODO} left by new-exercise" for c in cells if TODO in c.source]
    for path in sorted((root / "source" / assignment).glob("*.ipynb")):
        found += [f"{path.name} markdown cell {cell.source.splitlines()[0][:60]!r}: fill in the {TODO} "
                  "left by new-exercise" for cell in notebooks.read(path).cells
                  if cell.cell_type == "markdown" and TODO in cell.source]
    package = root / "course" / "assignments" / package_name(assignment)
    for path in [*sorted(package.glob("*.py")), mutations_file(root, assignment)]:
        if path.exists():
            found += [f"{path.relative_to(root)}:{n}: fill in the {TODO} left by new-exercise"
                      for n, line in enumerate(path.read_text().splitlines(), 1) if TODO in line]
    return found


def _marker_slips(cells, markers):
    """Solution markers outside a solution cell, hidden-test markers outside a test cell."""
    found = []
    for cell in cells:
        if markers.begin_solution in cell.source and not cell.meta.get("solution"):
            found.append(f"{cell.where()} holds {markers.begin_solution} but is not a solution cell: "
                         "mark it 'Autograded answer' in JupyterLab's Create Assignment panel (grade "
                         "id = the function's name), or remove the markers")
        if markers.begin_hidden in cell.source and not cell.meta.get("grade"):
            found.append(f"{cell.where()} holds {markers.begin_hidden} but is not a graded test cell: "
                         "mark it 'Autograder tests' (grade id check_<function>), or remove the markers")
    return found


def _is_catalogue(mistakes):
    from course.checks import Mistake
    return isinstance(mistakes, tuple) and all(isinstance(m, Mistake) for m in mistakes)


def _catalogue_slips(assignment, exercises):
    """Exercises whose mistakes= is not a tuple of Mistakes (a lone one lacks its comma)."""
    path, lines = _definitions(assignment)
    return [f"{path}:{lines.get(e.name, 1)}: {e.name}'s mistakes= is a "
            f"{type(e.mistakes).__name__}, not a tuple of Mistakes: with one mistake, end it with a "
            "comma: mistakes=(Mistake(...),)" for e in exercises if not _is_catalogue(e.mistakes)]


def _definitions(assignment):
    """(the assignment's exercises.py, {name: the line of its top-level assignment})."""
    module = importlib.import_module(f"course.assignments.{package_name(assignment)}.exercises")
    lines = {t.id: n.lineno for n in ast.parse(Path(module.__file__).read_text()).body
             if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    return module.__file__, lines


def _cell_slips(assignment, cells, exercises, markers):
    """Grade ids that break the naming conventions, and exercises without their cells."""
    names = {e.name for e in exercises}
    functions = {f for e in exercises for f in e.functions}
    registry = _registration(assignment)
    found, tested, solved = [], set(), set()
    for cell in cells:
        if cell.meta.get("grade"):
            exercise = cell.grade_id.removeprefix("check_")
            tested.add(exercise)
            found += _test_cell_slips(cell, exercise, names, registry, markers)
        elif cell.meta.get("solution"):
            defined = _defined(cell.source)
            solved.update(defined)
            if defined != [cell.grade_id]:
                found.append(f"{cell.where()} defines {', '.join(defined) or 'no function'}: a "
                             "solution cell defines one function, and its grade id is that "
                             "function's name")
    for name in sorted(names - tested):
        found.append(f"exercise {name} ({registry}) has no test cell: add one with grade id "
                     f"check_{name} that calls check(\"{name}\", {name})")
    for name in sorted(functions - solved):
        found.append(f"exercise function {name} has no solution cell: add one with grade id {name} "
                     f"that defines def {name}(...)")
    return found


def _test_cell_slips(cell, exercise, names, registry, markers):
    if not cell.grade_id.startswith("check_") or exercise not in names:
        hint = (f"the grade id must be check_<exercise>, one of: {', '.join(sorted(names))}"
                if not cell.grade_id.startswith("check_") else
                f"{exercise} is not an exercise of this assignment: register it in {registry}")
        return [f"{cell.where()} is a test cell whose grade id names no exercise: {hint}"]
    called = re.findall(r"""\bcheck\(\s*["'](\w+)["']""", cell.source)
    found = []
    if set(called) != {exercise}:
        found.append(f"{cell.where()} calls check with {', '.join(called) or 'nothing'}: it must "
                     f"call check(\"{exercise}\", ...), its own exercise")
    if not any("hidden=True" in line for line in split(cell.source, markers)[0]):
        found.append(f"{cell.where()} has no hidden part: add check(\"{exercise}\", ..., "
                     "hidden=True) between the hidden-test markers")
    return found


def _defined(source):
    """Names of the functions a cell defines at its top level (markers are comments)."""
    try:
        return [n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
    except SyntaxError:
        return []


def _registration(assignment):
    """Where an exercise is registered: course/assignments/<name>/exercises.py's EXERCISES line."""
    module = importlib.import_module(f"course.assignments.{package_name(assignment)}.exercises")
    tree = ast.parse(Path(module.__file__).read_text())
    line = next((n.lineno for n in tree.body if isinstance(n, ast.Assign)
                 and any(getattr(t, "id", "") == "EXERCISES" for t in n.targets)), 1)
    return f"EXERCISES in {module.__file__}:{line}"


def mutations_file(root: Path, assignment: str) -> Path:
    return root / "tests" / "assignments" / package_name(assignment) / "mutations.py"


def _mutation_slips(root, assignment, exercises, solutions):
    """Catalogued mistakes without their edit, edits without a mistake, and edits whose text is
    not in the solution. Only where the course has its tests (tests/assignments/)."""
    path = mutations_file(root, assignment)
    if not path.parent.parent.is_dir():
        return []
    where = path.relative_to(root)
    if not path.exists():
        return [f"{where} is missing: it maps (exercise, mistake) to the edits of the solution "
                "that make the mistake"]
    mutations = runpy.run_path(str(path)).get("MUTATIONS", {})
    catalogue = {(e.name, m.name) for e in exercises for m in e.mistakes}
    found = [f"{where}: no entry for ({e!r}, {m!r}): add [(text in the {e} solution, text that "
             "makes the mistake)]" for e, m in sorted(catalogue - set(mutations))]
    found += [f"{where}: ({e!r}, {m!r}) is no catalogued mistake: remove it or add the Mistake"
              for e, m in sorted(set(mutations) - catalogue)]
    for (exercise, mistake), edits in sorted(mutations.items()):
        code = solutions.get(exercise, "")
        for old, new in edits:
            if old not in code:
                found.append(f"{where}: the edit for ({exercise!r}, {mistake!r}) quotes {old!r}, "
                             f"which is not in the solution of {exercise}: copy the text exactly")
            code = code.replace(old, new)
    return found


CATALOGUE_TEST = Path("tests") / "test_mistake_catalogue.py"   # it holds FEWER_EXIST


def too_few_mistakes(root: Path | str, assignment: str, exercises=None) -> list[str]:
    """Exercises cataloguing fewer than three mistakes (forgot-upstream counts) without a reason in
    FEWER_EXIST of tests/test_mistake_catalogue.py. Only where the course has its tests."""
    root = Path(root)
    if not mutations_file(root, assignment).parent.parent.is_dir():
        return []
    if exercises is None:
        exercises, _ = _exercises(assignment)
    fewer = _fewer_exist(root / CATALOGUE_TEST)
    path, lines = _definitions(assignment)
    return [f"{path}:{lines.get(e.name, 1)}: {e.name} catalogues {len(e.mistakes)} mistake(s): add "
            "Mistakes students really make until there are three, or, where fewer exist, give the "
            f"number and the reason in FEWER_EXIST in {CATALOGUE_TEST}"
            for e in exercises or () if len(e.mistakes) < fewer.get(e.name, 3)]


def _fewer_exist(path):
    """FEWER_EXIST of the catalogue test (exercise -> how many mistakes it needs), or {}."""
    if not path.exists():
        return {}
    return next((ast.literal_eval(n.value) for n in ast.parse(path.read_text()).body
                 if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "FEWER_EXIST"
                                                      for t in n.targets)), {})


def _helper_lines(cells, markers: Markers):
    """Lines of the course package (which students have) that equal a solution line."""
    import course
    hidden = {line for cell in cells for line in split(cell.source, markers)[0]}
    hidden = {line.strip() for line in hidden if line.strip() and not line.strip().startswith("#")
              and not generic(line.strip())}
    found = []
    package = Path(course.__file__).parent
    for path in sorted(package.rglob("*.py")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if line.strip() in hidden:
                found.append(f"{path}:{n} equals a line of a solution, and students have the course "
                             f"package: {line.strip()!r}; write it differently in one of them")
    return found


def generic(line: str) -> bool:
    """A line that says nothing a docstring does not: returning named outputs, a bare keyword or
    bracket, or the max gate's tie rule stated in its exercise."""
    return (re.fullmatch(r"(return [\w, ]+|else:|try:|pass|[\]\)\}],?|\w+ = \w+)", line) is not None
            or line == "return dout, 0.0")
