"""Does a command's start-up leave out what grading never uses, and does what was left out still
work once something uses it?"""
import subprocess
import sys


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
