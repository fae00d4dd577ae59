"""Do the checks kill every mechanical mutant of every solution that is not equivalent to it?

Runs tools/mutation_sweep.py over the whole course (about 550 mutants, one `autograde` run) and
holds tools/equivalent_mutants.py to account both ways: no survivor without an explanation, and
no explanation of a mutant that is killed (or no longer made).
"""
import io
import json

import nbformat
import pytest

from autograder.course_dir import assignments
from autograder.sample_class import solved_release, with_source
from support import ROOT
from tools.equivalent_mutants import EQUIVALENT
from tools.mutation_sweep import Outcome, mutant_file, report, solution_mutants, sweep

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own


@pytest.fixture(scope="module")
def outcomes():
    return sweep(ROOT, assignments(ROOT), workers=2, progress=False)


def test_is_every_surviving_mutant_explained_as_equivalent(outcomes):
    printed = io.StringIO()
    assert report(outcomes, printed) == [], printed.getvalue()


def test_does_an_unexplained_survivor_say_where_to_catch_or_explain_it():
    printed = io.StringIO()
    survivor = Outcome("03_gates", "mul_backward", "dx = y * dout -> dx = y", killed=False)
    assert report([survivor], printed) == ["mul_backward: dx = y * dout -> dx = y"]
    said = printed.getvalue()
    assert "SURVIVED   mul_backward: dx = y * dout -> dx = y" in said
    assert "course/assignments/<name>/exercises.py" in said and "tools/equivalent_mutants.py" in said


def test_does_every_explanation_still_name_a_surviving_mutant(outcomes):
    survivors = {o.key for o in outcomes if not o.killed}
    assert sorted(set(EQUIVALENT) - survivors) == []


def test_does_the_sweep_make_every_kind_of_slip(outcomes):
    labels = " ".join(o.label for o in outcomes)
    for slip in ("dW = X.T @ dD -> dW = X @ dD", "dX = dD @ W.T -> dX = dD @ W",
                 "dx += 1.0 * dnum -> dx = 1.0 * dnum", "dsigy = 1.0 * dnum -> pass",
                 "if x >= y: -> if x > y:", "dsum = 2.0 -> dsum = 3.0",
                 "dX3 = (X3 - Y) / len(X0) -> dX3 = (Y - X3) / len(X0)",
                 "dX2 = np.outer(dX3, W1) -> dX2 = np.outer(W1, dX3)"):
        assert slip in labels, slip


def test_is_a_mutants_file_what_nbformat_writes_for_the_solved_release_with_that_cell_changed():
    solved = solved_release(ROOT, "03_gates", "gates.ipynb")
    parsed = json.loads(nbformat.writes(solved))
    made = solution_mutants(ROOT, "03_gates")
    assert made
    for _, exercise, mutant in made:
        written = io.StringIO()
        nbformat.write(with_source(solved, exercise, mutant.source), written)
        assert mutant_file(parsed, exercise, mutant.source) == written.getvalue().encode()
