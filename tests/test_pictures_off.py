"""Does grading build any picture nobody sees? With pictures off (as in the grading sandbox), every
solved release notebook runs without error and makes no matplotlib Figure; the grading worker does
not even load matplotlib, and a student who plots with pyplot anyway is still graded in full."""
import contextlib
import io
from pathlib import Path
import subprocess
import sys

from matplotlib.figure import Figure
import pytest

from autograder import results
from autograder.autograde import autograde
from autograder.course_dir import assignments
from autograder.sample_class import copy_course, replace_in, solved_release, write_class
import course.figures
from support import ROOT


def figures_built(notebook, monkeypatch):
    """How many Figures running the notebook's code cells, in one namespace, builds (stdout kept
    aside). A cell that raises fails the test, naming the cell."""
    built = []
    make = Figure.__init__

    def counted(self, *args, **kwargs):
        built.append(type(self).__name__)
        make(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "__init__", counted)
    namespace = {}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(cell.source, f"cell {index}", "exec"), namespace)
            except Exception as error:
                pytest.fail(f"cell {index} raised {error!r}")
    return len(built)


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_does_grading_build_a_picture_nobody_sees(assignment, monkeypatch):
    monkeypatch.setattr(course.figures, "_drawing", [True])
    course.figures.pictures_off()
    for notebook in sorted(Path(ROOT, "release", assignment).glob("*.ipynb")):
        built = figures_built(solved_release(ROOT, assignment, notebook.name), monkeypatch)
        assert built == 0, f"{notebook.name} built {built} Figures with pictures off"


def test_does_a_grading_worker_load_matplotlib():
    warmed = ("from autograder import answer_machinery, worker; worker.warm_up(); "
              "worker.skip_pictures(); answer_machinery.purge(); import sys; "
              "print('matplotlib' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", warmed], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_is_a_student_who_plots_with_pyplot_graded_in_full(tmp_path):
    """The sandbox imports matplotlib.pyplot from the read-only installation (the worker has not
    loaded it); the plotting lines are in the graded cell, so a failed import would cost points."""
    A, NOTEBOOK = "01_derivative", "derivative.ipynb"
    root = copy_course(ROOT, tmp_path / "course", [A])
    plots = replace_in(solved_release(ROOT, A, NOTEBOOK), "forward_difference", "def forward_difference",
                       "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n\ndef forward_difference")
    write_class(root, A, NOTEBOOK, {"plotter": plots})
    autograde(root, [A], progress=False)
    [result] = results.load_all(root, A)
    assert result.notes == []
    assert [e.status for e in result.exercises] == [results.Status.PASSED] * len(result.exercises)
    assert result.score == result.max_score > 0
