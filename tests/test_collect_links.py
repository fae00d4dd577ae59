"""A link in a submission folder that `backprop-course collect` is about to fill: is it left
unread (not followed to a file outside the course), taken as something that differs from the
upload, and, with --force, replaced without the file it points to being touched? Is a student's
folder or a submission folder that is itself a link (even to another student's folder) never
written through?"""
import os
import zipfile

import nbformat

from autograder.collect import collect
from autograder.sample_class import solved_release
from support import ROOT, course_copy

A, NOTEBOOK = "03_gates", "gates.ipynb"
SOLVED = nbformat.writes(solved_release(ROOT, A, NOTEBOOK)).encode()


def _zip(path, name):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(name, SOLVED)
    return path


def _outcome(course, zip_path, **options):
    [student] = collect(course, zip_path, A, progress=False, **options).students
    return student.outcome, student.notes


def test_is_a_link_to_a_file_outside_the_course_not_taken_for_the_same_notebook(tmp_path):
    course = course_copy(tmp_path / "course", A)
    uploads = _zip(tmp_path / "u.zip", "ann_gates.ipynb")
    assert _outcome(course, uploads, pattern="plain")[0] == "collected"
    outside = tmp_path / "outside.ipynb"
    outside.write_bytes(SOLVED)   # what the upload holds: only reading it makes them the same
    there = course / "submitted" / "ann" / A / NOTEBOOK
    there.unlink()
    there.symlink_to(outside)
    kept, notes = _outcome(course, uploads, pattern="plain")
    assert kept == "kept" and "--force replaces it" in notes[0]
    assert _outcome(course, uploads, pattern="plain", force=True)[0] == "replaced"
    assert not there.is_symlink() and there.read_bytes() == SOLVED
    assert outside.read_bytes() == SOLVED


def test_is_a_timestamp_link_to_a_file_outside_the_course_not_read(tmp_path):
    course = course_copy(tmp_path / "course", A)
    early = _zip(tmp_path / "early.zip", "Gates_ann_attempt_2024-03-01-10-00-00_gates.ipynb")
    assert _outcome(course, early)[0] == "collected"
    outside = tmp_path / "timestamp.txt"
    outside.write_text("2024-03-01 09:00:00.000000 UTC")   # would make the folder's look older
    stamp = course / "submitted" / "ann" / A / "timestamp.txt"
    stamp.unlink()
    stamp.symlink_to(outside)
    later = _zip(tmp_path / "later.zip", "Gates_ann_attempt_2024-03-01-11-00-00_gates.ipynb")
    kept, notes = _outcome(course, later)
    assert kept == "kept" and "not known to be older" in notes[0]
    assert stamp.is_symlink()


def test_does_collect_not_open_a_link_to_a_fifo(tmp_path):
    course = course_copy(tmp_path / "course", A)
    uploads = _zip(tmp_path / "u.zip", "ann_gates.ipynb")
    assert _outcome(course, uploads, pattern="plain")[0] == "collected"
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)   # opening it to read would wait for a writer
    (course / "submitted" / "ann" / A / "notes.txt").symlink_to(fifo)
    assert _outcome(course, uploads, pattern="plain")[0] == "kept"


def test_is_a_students_folder_that_links_to_another_students_never_written_through(tmp_path):
    course = course_copy(tmp_path / "course", A)
    assert _outcome(course, _zip(tmp_path / "ben.zip", "ben_gates.ipynb"), pattern="plain")[0] == "collected"
    ben = course / "submitted" / "ben" / A / NOTEBOOK
    ben.write_bytes(b"ben's own work")
    (course / "submitted" / "ann").symlink_to(course / "submitted" / "ben")
    for force in (False, True):
        report = collect(course, _zip(tmp_path / "ann.zip", "ann_gates.ipynb"), A, progress=False,
                         pattern="plain", force=force)
        assert report.students == []
        assert report.skipped == [("ann_gates.ipynb", (
            "submitted/ann is a link: collect writes no submission through one (put a folder "
            f"there, or remove it, to collect into submitted/ann/{A})"))]
    assert ben.read_bytes() == b"ben's own work"


def test_is_a_submission_folder_that_is_a_link_never_written_through(tmp_path):
    course = course_copy(tmp_path / "course", A)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (course / "submitted" / "ann").mkdir(parents=True)
    (course / "submitted" / "ann" / A).symlink_to(elsewhere)
    report = collect(course, _zip(tmp_path / "ann.zip", "ann_gates.ipynb"), A, progress=False,
                     pattern="plain", force=True)
    assert [why for _, why in report.skipped] == [
        f"submitted/ann/{A} is a link: collect writes no submission through one (put a folder "
        f"there, or remove it, to collect into submitted/ann/{A})"]
    assert list(elsewhere.iterdir()) == []
