"""What the tests share besides fixtures (which are in conftest.py): the course root, the
instructor's functions, what a notebook printed, and a throwaway course directory. Beside it:
hostile builds bad and hostile submissions; throwaway_postgres starts a PostgreSQL server;
mutations gathers the catalogued mistakes' edits from tests/assignments/<name>/mutations.py;
maths holds the small maths of the explorers' independent answers."""
import os
from pathlib import Path
import shutil
import subprocess
import sys

from autograder import notebooks, reference
from autograder.sample_class import copy_course

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"  # the browser tests' screenshots, to look at (not committed)


def instructor_namespace(assignment):
    """The instructor's functions of an assignment of this repository (see autograder.reference)."""
    return reference.instructor_namespace(ROOT, assignment)


def instructor_functions():
    """exercise name -> the instructor's functions its check calls, in order (see
    Exercise.functions), for every exercise whose functions an assignment's source defines."""
    from autograder.course_dir import assignments
    from course.exercises import EXERCISES
    found = {}
    for assignment in assignments(ROOT):
        namespace = instructor_namespace(assignment)
        found.update({name: [namespace[f] for f in exercise.functions]
                      for name, exercise in EXERCISES.items()
                      if all(f in namespace for f in exercise.functions)})
    return found


def printed_by(validated, name):
    """Everything the executed source notebook of an assignment printed, as one string, a cell's
    stream pieces joined as Jupyter shows them (a busy kernel may send one print in several
    messages) and cells apart by a line; validated: the session's fixture of that name (see
    conftest)."""
    return "\n".join("".join(out.get("text", "") for out in outputs)
                     for outputs in _cell_outputs(validated, name))


def pictures_shown(validated, name):
    """How many pictures (PNG outputs) the executed source notebook of an assignment showed."""
    return sum("image/png" in out.get("data", {})
               for outputs in _cell_outputs(validated, name) for out in outputs)


def _cell_outputs(validated, name):
    """Each code cell's outputs, a list per cell."""
    folder = validated[1] / name / "autograded" / "instructor_solution" / name
    return [cell.get("outputs", []) for path in folder.glob("*.ipynb")
            for cell in notebooks.read(path).cells if cell.cell_type == "code"]


def not_printed(validated, name, lines):
    """Those of lines that the executed source notebook of an assignment did not print."""
    printed = printed_by(validated, name)
    return [line for line in lines if line not in printed]


def rounded(numbers, names, digits=4):
    """The numbers of these names, rounded: numbers is a dict name -> float."""
    return [round(numbers[name], digits) for name in names]


def course_copy(folder, *assignments):
    """A throwaway course directory at folder (the course's nbgrader_config.py, and the source and
    release of these assignments) so that nothing is ever written into the repository; returns
    folder."""
    return copy_course(ROOT, folder, assignments)


def repository_copy(folder):
    """A copy at folder of the repository's tracked files (as they are in the working tree): the
    course package, autograder, source, release, tests and tools, to change freely; returns folder.
    Run code against it with run_in."""
    listed = subprocess.run(["git", "ls-files", "-z", "autograder", "course", "source", "release",
                             "tests", "tools", "nbgrader_config.py", "pyproject.toml"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode()
    for name in filter(None, listed.split("\0")):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, folder / name)
    return folder


def run_in(copy, *command, cwd=None, env=None):
    """Run python with these arguments against a repository copy's own packages (env: more
    environment variables)."""
    environment = {**os.environ, "PYTHONPATH": str(copy), **(env or {})}
    return subprocess.run([sys.executable, *command], cwd=cwd or copy, env=environment,
                          capture_output=True, text=True, timeout=900)


def chosen_assignments():
    """The assignments the course-wide tests cover: all, or those BACKPROP_ASSIGNMENTS names
    (e.g. "04_sigmoid_neuron", separated by spaces or commas) for an instructor's quick run."""
    from autograder.course_dir import assignments
    return assignments(ROOT, os.environ.get("BACKPROP_ASSIGNMENTS", "").replace(",", " ").split())
