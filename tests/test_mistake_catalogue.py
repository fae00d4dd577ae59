"""The catalogue of common mistakes: is every catalogued mistake, made in the reference solution,
caught by the grading pipeline and given its own diagnosis?

Each mistake of every exercise (course.exercises, `mistakes=`) has a source mutation in
tests/assignments/<name>/mutations.py that makes the instructor's code commit it. One throwaway
class holds a student per mutation, and one `autograde` run grades them all.
"""
import pytest

from autograder.assignment import read_assignment
from autograder.autograde import autograde
from autograder.conventions import mutations_file, too_few_mistakes
from autograder.sample_class import copy_course, replace_in, solved_release, write_class
from course.exercises import EXERCISES
from support import ROOT, chosen_assignments
from support.mutations import MUTATIONS

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own

def _where():
    """exercise -> (assignment, notebook file name) of its graded cell, for the assignments the
    tests cover (see support.chosen_assignments)."""
    found = {}
    for assignment in chosen_assignments():
        for spec in read_assignment(ROOT, assignment):
            found.update({g.exercise: (assignment, spec.name) for g in spec.graded})
    return found


WHERE = _where()
CATALOGUE = [(e.name, m.name) for e in EXERCISES.values() if e.name in WHERE for m in e.mistakes]


def student(exercise, mistake):
    return f"{exercise}--{mistake}"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """student -> SubmissionResult, for a class of one mutant per catalogued mistake."""
    root = copy_course(ROOT, tmp_path_factory.mktemp("catalogue") / "course")
    where = WHERE
    solved = {place: solved_release(ROOT, *place) for place in {where[e] for e, _ in CATALOGUE}}
    for exercise, mistake in CATALOGUE:
        assignment, notebook = where[exercise]
        nb = solved[(assignment, notebook)]   # replace_in edits a copy
        for old, new in MUTATIONS.get((exercise, mistake), []):
            nb = replace_in(nb, exercise, old, new)
        write_class(root, assignment, notebook, {student(exercise, mistake): nb})
    names = sorted({where[e][0] for e, _ in CATALOGUE})
    results, _, _ = autograde(root, names, workers=2, progress=False)
    return {r.student: r for r in results}


def test_does_every_catalogued_mistake_have_a_mutation_and_every_mutation_a_mistake():
    where = "tests/assignments/<name>/mutations.py (backprop-course validate names the file and entry)"
    assert sorted(set(CATALOGUE) - set(MUTATIONS)) == [], f"add their mutations to {where}"
    assert sorted({key for key in MUTATIONS if key[0] in WHERE} - set(CATALOGUE)) == [], \
        f"remove them from {where}, or catalogue the mistakes"


def test_does_every_exercise_list_at_least_three_mistakes():
    assert [slip for name in chosen_assignments() for slip in too_few_mistakes(ROOT, name)] == []


# Exercises where fewer than three distinct mistakes really occur, and why (read by
# autograder.conventions.too_few_mistakes, which `backprop-course validate` runs).
FEWER_EXIST = {
    # the slope equal to sigma(1)'s at another x: besides -1, only reading the wrong curve or
    # giving back the x the question names are answers a student lands on
    "sigmoid_neuron_question_1": 2,
    # which of three steps gives the forward difference its smallest error: the two other choices
    # (the smallest step, the largest) are the mistakes
    "derivative_question_1": 2,
    # which of tanh and the sigmoid passes more at x = 2: the two other choices are the mistakes
    "layers_question_1": 2,
}


@pytest.mark.parametrize("exercise, mistake", CATALOGUE, ids=[f"{e}:{m}" for e, m in CATALOGUE])
def test_does_the_pipeline_catch_the_mistake_and_name_it(graded, exercise, mistake):
    result = graded[student(exercise, mistake)]
    mine = next(e for e in result.exercises if e.exercise == exercise)
    diagnosis = next(m.diagnosis for m in EXERCISES[exercise].mistakes if m.name == mistake)
    mutations = mutations_file(ROOT, WHERE[exercise][0]).relative_to(ROOT)
    made = f"the mutation of ({exercise!r}, {mistake!r}) in {mutations}"
    assert (mine.status, mine.score) == ("failed", 0.0), (
        f"{made} was graded {mine.status}: it must make the mistake in the solution, and a visible "
        f"or hidden case must tell it from the right answer ({mine.message})")
    assert mine.mistake == mistake, (
        f"{made} was not named {mistake}: on the visible cases its returns must differ from the "
        f"right answer's and from the other mistakes' ({mine.message})")
    assert f"Mistake: {diagnosis}" in mine.message
