"""Does a command's start-up leave out what grading never uses, and does what was left out still
work once something uses it?"""
import subprocess
import sys

from support import ROOT


def test_is_setuptools_left_out_until_nbgrader_unzips_an_archive(tmp_path):
    archive, out = tmp_path / "upload.zip", tmp_path / "out"
    out.mkdir()
    script = (
        "import sys, zipfile\n"
        "import autograder, nbgrader.api, nbgrader.utils\n"
        "print(sorted({'setuptools', 'pkg_resources'} & set(sys.modules)))\n"
        "with zipfile.ZipFile(sys.argv[1], 'w') as upload:\n"
        "    upload.writestr('alice/answer.txt', '42')\n"
        "nbgrader.utils.unzip(sys.argv[1], sys.argv[2])\n"
        "print(open(sys.argv[2] + '/alice/answer.txt').read(), 'setuptools' in sys.modules)\n"
        "from setuptools.archive_util import UnrecognizedFormat\n"
        "print(UnrecognizedFormat.__module__)\n")
    run = subprocess.run([sys.executable, "-c", script, str(archive), str(out)],
                         capture_output=True, text=True, check=True)
    assert run.stdout.splitlines() == ["[]", "42 True", "setuptools.archive_util"]


def _run(script):
    """The lines a fresh interpreter prints running script."""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return run.stdout.splitlines()


def test_is_requests_imported_only_when_a_gradebook_user_calls_it():
    assert _run("import sys\n"
                "import autograder, nbgrader.api\n"
                "print(type(sys.modules['requests']).__name__, 'urllib3' in sys.modules)\n"
                "import requests\n"
                "from requests.adapters import HTTPAdapter\n"
                "print(requests.codes.ok, requests.Session().get_adapter('http://x') is not None)\n"
                "print(type(sys.modules['requests']).__name__)\n") == [
        "_OnDemand False", "200 True", "module"]


def test_does_nbformat_still_validate_notebooks_without_jsonschemas_format_checkers():
    assert _run("import sys\n"
                "import autograder, nbformat\n"
                "print(sorted({'isoduration', 'arrow', 'webcolors', 'jsonpointer'} & set(sys.modules)"
                " - {name for name, module in sys.modules.items() if module is None}))\n"
                "good = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1 + 1')])\n"
                "nbformat.validate(good)\n"
                "good.cells[0].pop('source')\n"
                "try:\n"
                "    nbformat.validate(good)\n"
                "except nbformat.ValidationError:\n"
                "    print('a cell without source is refused')\n") == [
        "[]", "a cell without source is refused"]


def test_does_the_grader_run_numpy_on_one_blas_thread_leaving_the_cores_to_its_workers(tmp_path):
    assert _run("import os, sys\n"
                "from autograder.cli import main\n"
                f"main(['--course-dir', {str(tmp_path)!r}, 'autograde'])   # no course there\n"
                "import numpy\n"
                "print(os.environ['OPENBLAS_NUM_THREADS'], len(os.listdir('/proc/self/task')))\n"
                ) == ["1 1"]


def test_are_the_instructors_notebooks_read_as_nbformat_reads_them_without_building_its_validator():
    """nbformat.read validates (it only logs what is wrong) and builds its validator first: about
    0.07 s of each command's start-up."""
    assert _run("import glob, sys\n"
                "import nbformat, nbformat.validator\n"
                "from autograder import notebooks\n"
                "from autograder.assignment import read_assignment\n"
                "from autograder.reference import instructor_sources\n"
                f"read_assignment({str(ROOT)!r}, '01_derivative')\n"
                f"instructor_sources({str(ROOT)!r}, '01_derivative')   # the centered-step check's\n"
                "print(len(nbformat.validator.validators))\n"
                f"paths = [p for d in ('source', 'release') for p in glob.glob({str(ROOT)!r} + "
                "'/' + d + '/*/*.ipynb')]\n"
                "print(len(paths) > 30, all(notebooks.read(p) == nbformat.read(p, as_version=4) "
                "for p in paths))\n") == ["0", "True True"]


def test_is_alembic_found_beside_this_python_without_reading_the_installed_packages_records():
    """importlib.metadata and the record of alembic's files: about 0.045 s before every command's
    first step, and autograde launches its workers after it."""
    assert _run("import os, sys, sysconfig\n"
                "from autograder.environment import own_scripts_first\n"
                "own_scripts_first()\n"
                "first = os.environ['PATH'].split(os.pathsep)[0]\n"
                "print('importlib.metadata' in sys.modules, os.path.isfile(first + '/alembic'))\n"
                ) == ["False True"]
