"""Mutation sweep: grade mechanical mutants of every solution and report which the checks miss.

Every solution cell of every source notebook is mutated one slip at a time (tools/mutants.py); each
mutant is a student of a throwaway course whose submission is the solved release with that one cell
changed, and one `autograde` run grades the class. A mutant is killed when its submission loses a
point. Prints the mutation score per exercise and every survivor, each marked as explained in
tools/equivalent_mutants.py or not. Exit status 1 when an unexplained survivor is left.

    python -m tools.mutation_sweep [--assignment 03_gates ...] [--workers 2]
"""
import argparse
from collections import defaultdict
from dataclasses import dataclass
import json
from pathlib import Path
import sys
import tempfile

import nbformat

from autograder import notebooks
from autograder.autograde import autograde
from autograder.conventions import findings
from autograder.course_dir import assignments, find_root
from autograder.regions import course_markers, solution_code
from autograder.sample_class import copy_course, solved_release, write_class
from autograder.sandbox import Limits
from tools.equivalent_mutants import EQUIVALENT
from tools.mutants import mutants

LIMITS = Limits(cell_seconds=5, case_seconds=3, job_seconds=30)


@dataclass
class Outcome:
    """What grading made of one mutant of one exercise: killed (it lost a point) and the
    catalogued mistake its exercise's feedback named ("" for none)."""
    assignment: str
    exercise: str
    label: str
    killed: bool
    diagnosed: str = ""

    @property
    def key(self):
        return f"{self.exercise}: {self.label}"


def solution_mutants(root, assignment):
    """[(notebook, exercise, Mutant)] for every solution cell of the assignment's source."""
    found, markers = [], course_markers(root)
    for path in sorted((Path(root) / "source" / assignment).glob("*.ipynb")):
        for cell in notebooks.read(path).cells:
            exercise = cell.metadata.get("nbgrader", {}).get("grade_id")
            if not cell.metadata.get("nbgrader", {}).get("solution"):
                continue
            code, first, last = solution_code(cell.source, markers)
            found += [(path.name, exercise, m) for m in mutants(code, first, last)]
    return found


def sweep(root, names, workers=2, progress=True):
    """Grade every mutant of the named assignments; returns a list of Outcomes."""
    planned = {}
    with tempfile.TemporaryDirectory() as scratch:
        course = copy_course(root, Path(scratch) / "course", names)
        for assignment in names:
            solved = {}
            for notebook, exercise, mutant in solution_mutants(root, assignment):
                if notebook not in solved:
                    solved[notebook] = json.loads(nbformat.writes(
                        solved_release(root, assignment, notebook)))
                student = f"mutant-{len(planned):04d}"
                write_class(course, assignment, notebook,
                            {student: mutant_file(solved[notebook], exercise, mutant.source)})
                planned[student] = (assignment, exercise, mutant.label)
        graded, _, _ = autograde(course, names, workers=workers, limits=LIMITS, progress=progress)
    found = {r.student: r for r in graded}
    return [Outcome(a, e, label, found[student].score < found[student].max_score,
                    next(x.mistake for x in found[student].exercises if x.exercise == e))
            for student, (a, e, label) in planned.items()]


def mutant_file(solved, exercise, source):
    """The bytes nbformat.write writes for the solved notebook (solved: its JSON, parsed) with the
    cell of grade id exercise holding source instead; made without copying or validating the
    whole notebook again for each of the sweep's thousand mutants."""
    cells = list(solved["cells"])
    k = next(k for k, cell in enumerate(cells)
             if cell["metadata"].get("nbgrader", {}).get("grade_id") == exercise)
    cells[k] = {**cells[k], "source": source.splitlines(keepends=True)}
    text = json.dumps({**solved, "cells": cells}, indent=1, sort_keys=True, separators=(",", ": "),
                      ensure_ascii=False)
    return (text + "\n").encode()


def report(outcomes, out=sys.stdout):
    """Print the score per exercise and the survivors; returns the unexplained survivors' keys."""
    by_exercise = defaultdict(list)
    for o in outcomes:
        by_exercise[(o.assignment, o.exercise)].append(o)
    print(f"{'assignment':22} {'exercise':26} {'killed':>7} {'of':>4} {'equivalent':>10}  score"
          f"  named", file=out)
    for (assignment, exercise), mine in sorted(by_exercise.items()):
        killed = sum(o.killed for o in mine)
        equivalent = sum(not o.killed and o.key in EQUIVALENT for o in mine)
        score = killed / max(1, len(mine) - equivalent)
        diagnosed = sum(o.killed and o.diagnosed != "" for o in mine)
        print(f"{assignment:22} {exercise:26} {killed:7d} {len(mine):4d} {equivalent:10d}  "
              f"{score:5.0%}  {diagnosed / max(1, killed):9.0%}", file=out)
    survivors = [o for o in outcomes if not o.killed]
    unexplained = [o.key for o in survivors if o.key not in EQUIVALENT]
    killed = sum(o.killed for o in outcomes)
    print(f"\n{len(outcomes)} mutants, {killed} killed, {len(survivors) - len(unexplained)} "
          f"equivalent, {len(unexplained)} unexplained survivors: mutation score "
          f"{killed / max(1, len(outcomes) - len(survivors) + len(unexplained)):.1%} of the "
          "non-equivalent mutants", file=out)
    named = sum(o.killed and o.diagnosed != "" and not o.diagnosed.startswith("looks-like")
                for o in outcomes)
    alike = sum(o.killed and o.diagnosed.startswith("looks-like") for o in outcomes)
    print(f"of the {killed} killed mutants, {named} ({named / max(1, killed):.0%}) got the name of a "
          f"catalogued mistake in their feedback, {alike} ({alike / max(1, killed):.0%}) a "
          "'looks like' (zeros, sign, factor, transpose, swapped outputs); the others the wrong "
          "output with expected and actual values and a hint, or the error their code raised",
          file=out)
    for o in survivors:
        why = EQUIVALENT.get(o.key)
        print(f"  {'equivalent' if why else 'SURVIVED  '} {o.key}" + (f"  # {why}" if why else ""),
              file=out)
    if unexplained:
        print("\nA SURVIVED mutant is a slip no check catches: add a visible or hidden case to the "
              "exercise (course/assignments/<name>/exercises.py) that tells it from the solution, "
              "or, when it computes the same thing, say why in tools/equivalent_mutants.py, keyed "
              "as printed above.", file=out)
    return unexplained


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", action="append", help="only these (default: all)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    root = find_root(Path.cwd())
    names = assignments(root, args.assignment or ())
    slips = [slip for name in names for slip in findings(root, name)]
    if slips:   # a solution cell's grade id that names no function leaves no cell to mutate
        print("Fix these first (backprop-course validate finds them too):\n  " + "\n  ".join(slips))
        return 2
    outcomes = sweep(root, names, args.workers)
    return 1 if report(outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
