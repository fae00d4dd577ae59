"""Is there one cell that passes every assignment? A cell pasted at the end of each untouched
release defines every exercise's function from the course's answer machinery, found however it
can be (imported, on the stack, through gc): does it earn nothing and get flagged everywhere?"""
import nbformat
import pytest

from autograder import notebooks
from autograder.autograde import autograde
from autograder.course_dir import assignments
from autograder.sample_class import copy_course
from autograder.sandbox import Limits
from support import ROOT

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own

UNIVERSAL = '''
import gc, sys

def _answer_key():
    try:
        from course.exercises import EXERCISES
        return EXERCISES
    except Exception:
        pass
    frame = sys._getframe()
    while frame is not None:
        for value in list(frame.f_locals.values()):
            if isinstance(value, dict) and value and all(hasattr(v, "expected") for v in value.values()):
                return value
        frame = frame.f_back
    return {o.name: o for o in gc.get_objects() if type(o).__name__ == "Exercise"}

def _answer(name):
    def answer(*args):
        exercise = _answer_key()[name]
        out = exercise.expected(dict(zip(exercise.arguments, args)))
        return out[0] if len(exercise.outputs) == 1 else tuple(out)
    return answer

for _name in NAMES:
    globals()[_name] = _answer(_name)
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = copy_course(ROOT, tmp_path_factory.mktemp("universal") / "course")
    for assignment in assignments(ROOT):
        for path in sorted((ROOT / "release" / assignment).glob("*.ipynb")):
            nb = notebooks.read(path)
            names = [c.metadata["nbgrader"]["grade_id"].removeprefix("check_") for c in nb.cells
                     if c.metadata.get("nbgrader", {}).get("grade")]
            nb.cells.append(nbformat.v4.new_code_cell(UNIVERSAL.replace("NAMES", repr(names))))
            folder = root / "submitted" / "universal" / assignment
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / path.name)
    results, _, _ = autograde(root, assignments(ROOT), limits=Limits(job_seconds=60), progress=False)
    return {r.assignment: r for r in results}


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_does_the_universal_cell_earn_nothing_and_get_flagged(graded, assignment):
    result = graded[assignment]
    assert result.score == 0, [(e.exercise, e.status, e.message) for e in result.exercises]
    assert {e.status for e in result.exercises} == {"tampered"}, [
        (e.exercise, e.status, e.message[:120]) for e in result.exercises]
