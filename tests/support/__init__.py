"""What the tests share besides fixtures (which are in conftest.py): the course root, the
instructor's functions, what a notebook printed, and a throwaway course directory. Beside it:
hostile builds bad and hostile submissions; throwaway_postgres starts a PostgreSQL server;
mutations gathers the catalogued mistakes' edits from tests/assignments/<name>/mutations.py;
maths holds the small maths of the explorers' independent answers."""
from pathlib import Path

from autograder import notebooks, reference
from autograder.sample_class import copy_course

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"  # the browser tests' screenshots, to look at (not committed)


def instructor_namespace(assignment):
    """The instructor's functions of an assignment of this repository (see autograder.reference)."""
    return reference.instructor_namespace(ROOT, assignment)


def printed_by(validated, name):
    """Everything the executed source notebook of an assignment printed, as one string;
    validated: the session's fixture of that name (see conftest)."""
    folder = validated[1] / name / "autograded" / "instructor_solution" / name
    return "\n".join(out.get("text", "") for path in folder.glob("*.ipynb")
                     for cell in notebooks.read(path).cells if cell.cell_type == "code"
                     for out in cell.get("outputs", []))


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
