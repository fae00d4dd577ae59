"""Does adding an exercise take one command and the recipe? Playing the instructor in a copy of the
repository: scaffold tanh_gate_backward into 04_sigmoid_neuron, see validate list the TODOs, fill
them in as an instructor would, release, and grade a right, a catalogued-wrong and a blank
submission: is the mistake named?"""
from concurrent.futures import ThreadPoolExecutor
import csv
import json
import re

import nbformat
import pytest

from autograder.course_dir import CourseError
from autograder.exercise_scaffold import plan
from course.version import VERSION
from support import ROOT, repository_copy, run_in

ASSIGNMENT, FUNCTION = "04_sigmoid_neuron", "tanh_gate_backward"
NOTEBOOK = "source/04_sigmoid_neuron/sigmoid_neuron.ipynb"

# What the instructor writes in place of the scaffold's TODOs.
FORWARD = '''def tanh_gate(x):
    """The tanh gate's forward pass: x float -> tanh(x), written with the sigmoid."""
    return 2 * sigmoid(2 * x) - 1
'''
DEFINITION = '''tanh_gate_backward = gradient_exercise(
    "tanh_gate_backward", tanh_gate, ("x", "dout"), ("x",), upstream="dout",
    visible=[{"x": 0.5, "dout": 1.5}, {"x": -1.2, "dout": -0.5}],
    hint="tanh'(x) = 1 - tanh(x)^2, from the gate's output; multiply it by dout.",
    mistakes=(
        Mistake("one-minus-x-squared", "1 - x^2 uses the input where the slope needs the output: "
                "tanh'(x) = 1 - tanh(x)^2.", lambda x, dout: ((1 - x**2) * dout,)),
        Mistake("tanh-not-derivative", "tanh(x) is the gate's output, not its slope: the local "
                "gradient is 1 - tanh(x)^2.", lambda x, dout: (np.tanh(x) * dout,))))

'''
MUTATIONS = '''    ("tanh_gate_backward", "one-minus-x-squared"): [("(1 - t**2)", "(1 - x**2)")],
    ("tanh_gate_backward", "tanh-not-derivative"): [("(1 - t**2) * dout", "t * dout")],
    ("tanh_gate_backward", "forgot-upstream"): [("(1 - t**2) * dout", "(1 - t**2)")],
'''
TEXT = ("## The tanh gate\n\nThe slope of tanh comes from its output, as the sigmoid's does: "
        "write its backward pass.")
DOCSTRING = ('"""Backward pass of the tanh gate f = tanh(x).\n\n'
             '    x: float, the input; dout: float, the gradient on the output. Returns dx: float.\n    """')
SOLUTION = "t = np.tanh(x)\n    return (1 - t**2) * dout"


def fill_in(copy):
    """Replace every TODO(new-exercise) of the scaffold by the instructor's text above."""
    forward = copy / "course/assignments/sigmoid_neuron/forward.py"
    text = forward.read_text()
    forward.write_text(text[:text.index("def tanh_gate(x):")] + FORWARD)
    exercises = copy / "course/assignments/sigmoid_neuron/exercises.py"
    text = exercises.read_text()
    start, end = text.index("tanh_gate_backward = gradient_exercise("), text.index("EXERCISES = (")
    exercises.write_text(text[:start] + DEFINITION + text[end:])
    mutations = copy / "tests/assignments/sigmoid_neuron/mutations.py"
    text = mutations.read_text()
    mutations.write_text(text[:text.index('    ("tanh_gate_backward"')] + MUTATIONS + "}\n")
    nb = nbformat.read(copy / NOTEBOOK, as_version=4)
    text_cell, solution = nb.cells[-3:-1]
    text_cell.source = TEXT
    solution.source = re.sub(r'""".*?"""', lambda _: DOCSTRING, solution.source, flags=re.S)
    solution.source = re.sub(r"raise NotImplementedError\(.*\)", SOLUTION, solution.source)
    nbformat.write(nb, copy / NOTEBOOK)


GRADE_CLASS = f"""
from autograder.sample_class import replace_in, solved_release, write_class
right = solved_release(".", "{ASSIGNMENT}", "sigmoid_neuron.ipynb")
write_class(".", "{ASSIGNMENT}", "sigmoid_neuron.ipynb", {{
    "right": right,
    "wrong": replace_in(right, "{FUNCTION}", "(1 - t**2)", "(1 - x**2)"),
    "blank": open("release/{ASSIGNMENT}/sigmoid_neuron.ipynb").read().encode()}})
"""


@pytest.fixture(scope="module")
def instructor(tmp_path_factory):
    """(copy, {step: completed process}) after the instructor's whole walk through the recipe."""
    copy = repository_copy(tmp_path_factory.mktemp("instructor") / "repo")
    steps = {"scaffold": run_in(copy, "-m", "autograder.cli", "new-exercise", ASSIGNMENT, FUNCTION),
             "todos": run_in(copy, "-c", "from autograder.conventions import findings; "
                             f"print(*findings('.', '{ASSIGNMENT}'), sep='\\n')")}
    fill_in(copy)
    cli = ("-m", "autograder.cli")
    with ThreadPoolExecutor(1) as beside:   # ruff and the checks need no release: run meanwhile
        checked = beside.submit(lambda: (
            run_in(copy, "-m", "ruff", "check", "course", "tests/assignments/sigmoid_neuron"),
            run_in(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_checks.py", "-k",
                   "instructor_solution", cwd=copy / "tests")))
        steps["release"] = run_in(copy, *cli, "release", ASSIGNMENT)
        steps["ruff"], steps["tests"] = checked.result()
    steps["class"] = run_in(copy, "-c", GRADE_CLASS)
    # from outside the copy: a grading worker leaves the current folder off its import path
    outside = ("-m", "autograder.cli", "--course-dir", str(copy))
    steps["autograde"] = run_in(copy, *outside, "autograde", ASSIGNMENT, cwd=copy.parent)
    steps["export"] = run_in(copy, *outside, "export", ASSIGNMENT, "-o", str(copy / "grades.csv"),
                             cwd=copy.parent)
    return copy, steps


def test_does_the_scaffold_say_what_it_changed_and_what_to_run_next(instructor):
    made = instructor[1]["scaffold"]
    assert made.returncode == 0, made.stderr
    for path in (NOTEBOOK, "course/assignments/sigmoid_neuron/exercises.py",
                 "course/assignments/sigmoid_neuron/forward.py",
                 "tests/assignments/sigmoid_neuron/mutations.py",
                 f"backprop-course release {ASSIGNMENT}", "course/version.py",
                 f"BACKPROP_ASSIGNMENTS={ASSIGNMENT} python3 -m pytest", "tests/test_mistake_catalogue.py",
                 f"tools.mutation_sweep --assignment {ASSIGNMENT}"):
        assert path in made.stdout


def test_does_validate_list_the_todos_left_by_file_and_line(instructor):
    todos = instructor[1]["todos"].stdout
    scaffolded = sum(c.cell_type == "code" for c in nbformat.read(ROOT / NOTEBOOK, as_version=4).cells) + 1
    assert (f"sigmoid_neuron.ipynb code cell {scaffolded} (grade id tanh_gate_backward): fill in the TODO"
            in todos)
    assert re.search(r"course/assignments/sigmoid_neuron/exercises.py:\d+: fill in", todos)
    assert re.search(r"course/assignments/sigmoid_neuron/forward.py:\d+: fill in", todos)
    assert re.search(r"tests/assignments/sigmoid_neuron/mutations.py:\d+: fill in", todos)


def test_does_the_filled_in_exercise_release_pass_ruff_and_the_checks_tests(instructor):
    copy, steps = instructor
    for step in ("release", "ruff", "tests"):
        assert steps[step].returncode == 0, steps[step].stdout[-3000:] + steps[step].stderr[-2000:]
    release = json.loads((copy / "release" / ASSIGNMENT / "sigmoid_neuron.ipynb").read_text())
    stubs = [c for c in release["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == FUNCTION]
    assert "raise NotImplementedError(todo())" in "".join(stubs[0]["source"])
    assert release["metadata"]["backprop_course"] == {"version": VERSION}


def test_is_the_catalogued_mistake_named_and_the_right_and_blank_graded(instructor):
    copy, steps = instructor
    assert steps["autograde"].returncode == 0, steps["autograde"].stdout + steps["autograde"].stderr
    with open(copy / "grades.csv") as csv_file:
        rows = {r["student_id"]: r for r in csv.DictReader(csv_file) if r["exercise"] == FUNCTION}
    assert (rows["right"]["status"], rows["right"]["score"]) == ("passed", "1")
    assert (rows["wrong"]["status"], rows["wrong"]["mistake"]) == ("failed", "one-minus-x-squared")
    assert "1 - x^2 uses the input where the slope needs the output" in rows["wrong"]["message"]
    assert (rows["blank"]["status"], rows["blank"]["score"]) == ("failed", "0")
    assert "tanh_gate_backward is not written yet" in rows["blank"]["message"]


@pytest.mark.parametrize("options, complaint", [
    ({"function": "add_backward"}, "exists already"),
    ({"function": "TanhBackward"}, "cannot be a Python name"),
    ({"upstream": "grad"}, "--upstream grad is not one of the arguments x, dout"),
    ({"outputs": "dw"}, "each output is d<argument>"),
    ({"assignment": "99_nothing"}, "no assignment 99_nothing under source/"),
])
def test_are_unusable_options_refused_saying_what_to_change(options, complaint):
    given = {"assignment": ASSIGNMENT, "function": FUNCTION, **options}
    with pytest.raises(CourseError, match=re.escape(complaint)):
        plan(ROOT, given.pop("assignment"), given.pop("function"), **given)
