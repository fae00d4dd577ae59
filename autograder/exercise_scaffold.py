"""`backprop-course new-exercise ASSIGNMENT FUNCTION`: a new gradient exercise in an existing
assignment, every piece in its place with a TODO(new-exercise) where the instructor's words go:
three cells at the end of the source notebook (text, solution, test), the exercise's definition
registered in course/assignments/<name>/exercises.py with its mistakes, its given forward function
in forward.py, and the mistakes' mutation entries in tests/assignments/<name>/mutations.py."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
import textwrap

import nbformat

from autograder import notebooks
from autograder.conventions import TODO, code_cells, mutations_file, package_name
from autograder.course_dir import CourseError, assignments
from autograder.regions import course_markers
from autograder.scaffold import NAME, exercise_cells


@dataclass(frozen=True)
class Plan:
    """What to scaffold. arguments: the function's parameters in order; outputs: the gradients it
    returns, each d<argument>; upstream: the argument that carries the gradient arriving at the
    output, or ""; forward: the forward function in the assignment's forward.py (written as a
    skeleton when it is not there); points: the test cell's."""
    assignment: str
    function: str
    arguments: tuple
    outputs: tuple
    upstream: str
    forward: str
    points: float = 1

    @property
    def package(self) -> str:
        return package_name(self.assignment)

    @property
    def wrt(self) -> tuple:
        return tuple(output[1:] for output in self.outputs)


def plan(root: Path, assignment: str, function: str, arguments: str = "x,dout", outputs: str = "",
         upstream: str | None = None, forward: str = "", points: float = 1) -> Plan:
    """A Plan from the command's options (comma-separated names), or a CourseError saying what
    is wrong. Defaults: outputs d<first argument>; upstream dout when it is an argument; forward
    <function without _backward>."""
    assignment, = assignments(root, [assignment])
    names = tuple(a.strip() for a in arguments.split(",") if a.strip())
    upstream = ("dout" if "dout" in names else "") if upstream is None else upstream
    outs = tuple(o.strip() for o in outputs.split(",") if o.strip()) or (f"d{names[0]}",)
    forward = forward or function.removesuffix("_backward")
    from course.exercises import EXERCISES
    for name in (function, *names, forward):
        if not NAME.fullmatch(name):
            raise CourseError(f"{name!r} cannot be a Python name here: use lowercase letters, digits "
                              "and underscores, starting with a letter, at most 40 characters")
    if function in EXERCISES or any(c.grade_id == function for c in code_cells(root, assignment)):
        raise CourseError(f"an exercise {function} exists already: choose another name")
    if upstream and upstream not in names:
        raise CourseError(f"--upstream {upstream} is not one of the arguments {', '.join(names)}")
    wrong = [o for o in outs if o[1:] not in names or o[1:] == upstream or not o.startswith("d")]
    if wrong:
        raise CourseError(f"outputs {', '.join(wrong)}: each output is d<argument>, the gradient on "
                          f"one of {', '.join(n for n in names if n != upstream)}")
    return Plan(assignment, function, names, outs, upstream, forward, points)


def new_exercise(root: Path | str, plan: Plan) -> list[Path]:
    """Write every piece of the planned exercise into the course at root; returns the files
    changed. Each file is read and checked before any is written."""
    root = Path(root)
    package = root / "course" / "assignments" / plan.package
    notebook = sorted((root / "source" / plan.assignment).glob("*.ipynb"))[0]
    forward_py, exercises_py = package / "forward.py", package / "exercises.py"
    changes = {
        notebook: _notebook_with_exercise(root, notebook, plan),
        exercises_py: _registered(_with_definition(exercises_py.read_text(), plan), plan.function),
        mutations_file(root, plan.assignment): _with_mutations(
            mutations_file(root, plan.assignment).read_text(), plan),
    }
    forward_text = forward_py.read_text() if forward_py.exists() else \
        f'"""Forward pass of assignment {plan.assignment}."""\n'
    if plan.forward not in _top_level_names(forward_text):
        changes[forward_py] = forward_text.rstrip("\n") + "\n\n\n" + _FORWARD.format(
            forward=plan.forward, function=plan.function, todo=TODO,
            arguments=", ".join(a for a in plan.arguments if a != plan.upstream))
    for path, text in changes.items():
        path.write_text(text)
    return list(changes)


def _notebook_with_exercise(root, path, plan):
    """The source notebook's text with the exercise's three cells added at its end."""
    nb = notebooks.read(path)
    shapes = "; ".join(f"{a}: {TODO} its type and shape" for a in plan.arguments if a != plan.upstream)
    if plan.upstream:
        shapes += f"; {plan.upstream}: the gradient arriving at the output, shaped like the output"
    returns = ", ".join(plan.outputs)
    returns = returns if len(plan.outputs) == 1 else f"({returns})"
    docstring = (f"{TODO}: one line on what it computes.\n\n" + textwrap.fill(
        f"{shapes}. Returns {returns}: the gradient on each input, shaped like that input.", 92))
    nb.cells += exercise_cells(
        course_markers(root), plan.function, plan.arguments,
        f"## {TODO}: the exercise's title\n\n{TODO}: the idea it practises, in your own words, "
        f"and what to write; {plan.forward} in course/assignments/{plan.package}/forward.py is "
        "its forward function.",
        docstring, f'raise NotImplementedError("{TODO}: the instructor\'s solution")', plan.points)
    return nbformat.writes(nb) + "\n"


def _with_definition(text, plan):
    """exercises.py's text with the exercise's definition before EXERCISES, and its imports."""
    tree = ast.parse(text)
    line = _exercises_node(tree).lineno
    lambda_args = ", ".join(plan.arguments)
    mistakes = "".join(_MISTAKE.format(n=n, todo=TODO, arguments=lambda_args,
                                       zeros=", ".join("0.0" for _ in plan.outputs))
                       for n in range(1, 3 if plan.upstream else 4))
    visible = ", ".join(f'"{a}": 0.0' for a in plan.arguments)
    definition = _DEFINITION.format(
        function=plan.function, forward=plan.forward, todo=TODO, mistakes=mistakes, visible=visible,
        arguments=_tuple(plan.arguments), wrt=_tuple(plan.wrt),
        upstream=f', upstream="{plan.upstream}"' if plan.upstream else "")
    lines = text.splitlines(keepends=True)
    text = "".join(lines[:line - 1]) + definition + "".join(lines[line - 1:])
    text = _importing(text, "course.checks", "Mistake")
    text = _importing(text, "course.exercises.kit", "gradient_exercise")
    return _importing(text, f"course.assignments.{plan.package}.forward", plan.forward)


def _tuple(names):
    return "(" + ", ".join(f'"{n}"' for n in names) + ("," if len(names) == 1 else "") + ")"


def _exercises_node(tree):
    node = next((n for n in tree.body if isinstance(n, ast.Assign)
                 and any(getattr(t, "id", "") == "EXERCISES" for t in n.targets)), None)
    if node is None or not isinstance(node.value, ast.Tuple):
        raise CourseError("the assignment's exercises.py has no EXERCISES = (...) tuple to register "
                          "the exercise in: add one listing its exercises")
    return node


def _registered(text, function):
    """exercises.py's text with function added to its EXERCISES tuple (rewritten, wrapped)."""
    node = _exercises_node(ast.parse(text))
    names = [ast.get_source_segment(text, e) for e in node.value.elts] + [function]
    tuple_text = textwrap.fill(", ".join(names), 94, initial_indent="EXERCISES = (",
                               subsequent_indent=" " * 13) + ("," if len(names) == 1 else "") + ")"
    lines = text.splitlines(keepends=True)
    return "".join(lines[:node.lineno - 1]) + tuple_text + "\n" + "".join(lines[node.end_lineno:])


def _importing(text, module, name):
    """The module text with `from module import name` (added to an import of module on one line,
    or as a new line among the course's imports, kept in order)."""
    tree = ast.parse(text)
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
    if any(a.name == name for n in imports if n.module == module for a in n.names) \
            or name in _top_level_names(text):
        return text
    lines = text.splitlines(keepends=True)
    same = next((n for n in imports if n.module == module and n.lineno == n.end_lineno), None)
    if same is not None:
        names = sorted([a.name for a in same.names] + [name],   # constants, classes, others
                       key=lambda n: (not n.isupper(), not n[0].isupper(), n))
        lines[same.lineno - 1] = f"from {module} import {', '.join(names)}\n"
        return "".join(lines)
    ours = [n for n in imports if (n.module or "").startswith("course")]
    before = [n for n in ours if n.module < module]
    if before or ours:
        at, line = (before[-1].end_lineno if before else ours[0].lineno - 1), ""
    else:   # the first import of the course's own: a section of its own, after the others
        at, line = max((n.end_lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))),
                       default=1), "\n"
    lines.insert(at, f"{line}from {module} import {name}\n")
    return "".join(lines)


def _top_level_names(text):
    return {n.name for n in ast.parse(text).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def _with_mutations(text, plan):
    """mutations.py's text with an entry per TODO mistake (and forgot-upstream) of the exercise."""
    node = next((n for n in ast.parse(text).body if isinstance(n, ast.Assign)
                 and any(getattr(t, "id", "") == "MUTATIONS" for t in n.targets)), None)
    if node is None or not isinstance(node.value, ast.Dict):
        raise CourseError("the assignment's tests/assignments/<name>/mutations.py has no "
                          "MUTATIONS = {...} to add the mistakes' edits to")
    names = [f"todo-{n}" for n in range(1, 3 if plan.upstream else 4)]
    names += ["forgot-upstream"] if plan.upstream else []
    entries = "".join(f'    ("{plan.function}", "{name}"):\n        [("{TODO}: text in the solution", '
                      '"the text that makes the mistake")],\n' for name in names)
    lines = text.splitlines(keepends=True)
    closing = node.end_lineno - 1   # the line of the closing brace
    return "".join(lines[:closing]) + entries + "".join(lines[closing:])


_FORWARD = '''def {forward}({arguments}):
    """{todo}: what {function} differentiates; inputs by keyword,
    returns a float or an array."""
    raise NotImplementedError("{todo}: write {forward}")
'''

_DEFINITION = '''{function} = gradient_exercise(
    "{function}", {forward},
    {arguments}, {wrt}{upstream},
    # {todo}: visible inputs away from round numbers, where each mistake gives another answer
    visible=[{{{visible}}}],
    hint="{todo}: one sentence pointing at the idea in the notebook.",
    mistakes=({mistakes}))

'''

_MISTAKE = '''
        # {todo}: a mistake students make: its name (also in mutations.py), what they read,
        # and what the mistaken code returns on a case
        Mistake("todo-{n}", "{todo}: what went wrong and the idea that fixes it.",
                lambda {arguments}: ({zeros},)),'''
