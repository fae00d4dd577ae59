"""Does the README say what the course holds? Its table of assignments names every assignment
under source/, once and in order, and nothing else; its instructor's commands exist."""
import re

from autograder.cli import _parser
from autograder.course_dir import assignments
from support import ROOT

README = (ROOT / "README.md").read_text()


def test_does_the_table_of_assignments_name_every_assignment_once_in_order():
    table = README[README.index("| unit | assignment | what students do |"):]
    table = table[:table.index("\n\n")]
    named = re.findall(r"^\| \d+ \| `(\w+)` \| .+ \|$", table, flags=re.M)
    assert named == assignments(ROOT), (
        "README.md's table of assignments (under 'What is in it') must have one row per folder of "
        "source/, in order: | unit | `NN_name` | what students do |")


def test_does_every_backprop_course_command_the_readme_shows_exist():
    shown = set(re.findall(r"^\s*(?:[A-Z]+=\S+ )*backprop-course ([a-z-]+)", README, flags=re.M))
    shown |= set(re.findall(r"`backprop-course ([a-z-]+)", README))
    commands = set(_parser()._subparsers._group_actions[0].choices)
    assert shown - commands == set()
    assert {"new", "new-exercise", "validate", "release"} <= shown
