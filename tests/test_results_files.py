"""Result files that change under the grader: does a class's list of results skip a file that
another run or a person removed while it was read, and is a half-written one refused with the file
named and the command that rewrites it, which then does? Does grading the class again grade that
submission again, and only it, instead of stopping?"""
from pathlib import Path

import pytest

from autograder import cli, results
from autograder.autograde import autograde
from autograder.course_dir import CourseError
from autograder.results import ExerciseResult, Status, SubmissionResult
from autograder.sample_class import solved_release, write_class
from support import ROOT, course_copy

A = "01_derivative"


def _save(root, student):
    result = SubmissionResult(student, A, "fingerprint")
    result.exercises = [ExerciseResult("derivative.ipynb", "forward_difference", 1.0, 1.0, Status.PASSED)]
    results.save(root, result)
    return results.path_for(root, A, student)


def test_does_a_class_list_skip_a_result_that_vanished_between_listing_and_reading(tmp_path, monkeypatch):
    _save(tmp_path, "ann")
    gone = _save(tmp_path, "bob")
    listed = Path.glob

    def glob_then_remove(self, pattern):   # listed, then removed before it is read
        found = list(listed(self, pattern))
        gone.unlink()
        return iter(found)

    monkeypatch.setattr(Path, "glob", glob_then_remove)
    assert [r.student for r in results.load_all(tmp_path, A)] == ["ann"]


def test_is_a_result_that_vanished_after_it_was_seen_read_as_missing(tmp_path, monkeypatch):
    _save(tmp_path, "ann")
    gone = _save(tmp_path, "bob")
    seen = Path.is_file

    def seen_then_removed(self):   # there when looked at, gone when read
        there = seen(self)
        if self == gone:
            gone.unlink(missing_ok=True)
        return there

    monkeypatch.setattr(Path, "is_file", seen_then_removed)
    assert results.load(tmp_path, A, "bob") is None
    _save(tmp_path, "bob")
    assert [r.student for r in results.load_all(tmp_path, A)] == ["ann"]


@pytest.mark.parametrize("broken", ["half", "not a result"])
def test_is_a_broken_result_refused_with_its_path_and_the_command_that_rewrites_it(tmp_path, broken):
    _save(tmp_path, "ann")
    path = _save(tmp_path, "bob")
    text = path.read_text()
    path.write_text(text[:len(text) // 2] if broken == "half" else '["bob"]')
    with pytest.raises(CourseError) as refused:
        results.load_all(tmp_path, A)
    said = str(refused.value)
    assert str(path) in said
    assert "half-written or edited" in said
    assert f"backprop-course autograde {A} --student bob --force" in said


def test_does_the_report_command_say_which_result_is_broken_instead_of_a_traceback(tmp_path, capsys):
    (tmp_path / "source").mkdir()
    (tmp_path / "nbgrader_config.py").write_text("")
    path = _save(tmp_path, "bob")
    path.write_text(path.read_text()[:40])
    assert cli.main(["--course-dir", str(tmp_path), "report", A]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert said.startswith("backprop-course: the results file")
    assert "--student bob --force" in said


def test_does_the_command_a_broken_result_names_rewrite_it(tmp_path, capsys):
    root = course_copy(tmp_path / "course", A)
    write_class(root, A, "derivative.ipynb", {"bob": solved_release(ROOT, A, "derivative.ipynb")})
    autograde(root, [A], workers=1, progress=False)
    path = results.path_for(root, A, "bob")
    path.write_text(path.read_text()[:100])
    with pytest.raises(CourseError) as refused:
        results.load_all(root, A)
    program, *arguments = str(refused.value).rsplit(": ", 1)[1].split()
    assert program == "backprop-course"
    assert cli.main(["--course-dir", str(root), *arguments]) == 0, capsys.readouterr().err
    (saved,) = results.load_all(root, A)
    assert saved.student == "bob" and saved.exercises
    assert all(e.status == Status.PASSED for e in saved.exercises)


def test_does_grading_the_class_again_grade_a_broken_results_submission_and_only_it(tmp_path):
    root = course_copy(tmp_path / "course", A)
    solved = solved_release(ROOT, A, "derivative.ipynb")
    write_class(root, A, "derivative.ipynb", {"ann": solved, "bob": solved})
    autograde(root, [A], workers=1, progress=False)
    path = results.path_for(root, A, "bob")
    path.write_text(path.read_text()[:100])
    graded, skipped, _ = autograde(root, [A], workers=1, progress=False)
    assert [r.student for r in graded] == ["bob"] and skipped == [(A, "ann")]
    assert [r.student for r in results.load_all(root, A)] == ["ann", "bob"]
