"""Does grading build any picture nobody sees? With pictures off (as in the grading sandbox), every
solved release notebook runs without error and makes no matplotlib Figure."""
import contextlib
import io
from pathlib import Path

from matplotlib.figure import Figure
import pytest

from autograder.course_dir import assignments
from autograder.sample_class import solved_release
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
