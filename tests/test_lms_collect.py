"""An LMS's zip of uploads: does `backprop-course collect` put each student's newest notebook into
submitted/, skip and report every entry it cannot place (hostile ones included), write nothing
anywhere else, and leave a class that `backprop-course autograde` grades right, lateness included?
"""
import csv
from datetime import datetime
from pathlib import Path
import re
import shutil
import stat
import subprocess
import zipfile

import nbformat
from nbgrader.api import Gradebook
import pytest

from autograder.collect import ZipLimits, collect
from autograder.course_dir import CourseError
from autograder.gradebook import lateness
from autograder.sample_class import replace_in, solved_release
from support import ROOT, course_copy

A, NOTEBOOK = "03_gates", "gates.ipynb"
SOLVED = nbformat.writes(solved_release(ROOT, A, NOTEBOOK)).encode()
WRONG = nbformat.writes(replace_in(solved_release(ROOT, A, NOTEBOOK), "mul_backward",
                                   "return y * dout, x * dout", "return x * dout, y * dout")).encode()
EARLY, LATE = (2024, 3, 9, 12, 0, 0), (2024, 3, 1, 12, 0, 0)   # entry dates that lie about order

CANVAS = [  # (entry name, data, zip date), then why each hostile one is skipped
    ("doejane_12345_100001_gates.ipynb", WRONG, EARLY),
    ("doejane_12345_100003_gates-1.ipynb", SOLVED, LATE),   # her re-upload, renamed by Canvas
    ("roebob_23456_100003_gates.ipynb", WRONG, EARLY),
    ("smithcarol_LATE_34567_100004_my gates copy.ipynb", SOLVED, EARLY),
]
HOSTILE = {
    "../../evil_45678_100005_gates.ipynb": "unsafe path",
    "/tmp/absolute_56789_100006_gates.ipynb": "unsafe path",
    "..\\..\\windows_67890_100007_gates.ipynb": "unsafe path",
    "link_78901_100008_gates.ipynb": "a symbolic link",
    "bomber_89012_100009_gates.ipynb": "a zip bomb",
    "huge_90123_100010_gates.ipynb": "over the 8 MiB limit",
    "doejane_12345_100011_notes.txt": "not a notebook",
    "random-upload.ipynb": "does not fit the pattern",
}
BLACKBOARD = [  # Berlin times (--timezone Europe/Berlin); due 2024-03-02 00:00 UTC
    ("Gates_ann_attempt_2024-03-01-10-00-00_gates.ipynb", WRONG),
    ("Gates_ann_attempt_2024-03-01-11-00-00_gates.ipynb", SOLVED),
    ("Gates_ann_attempt_2024-03-01-11-00-00.txt", b"Name: Ann\nDate Submitted: ..."),
    ("Gates_ben_attempt_2024-03-03-12-00-00_gates.ipynb", SOLVED),
]
SCORES = {"12345": 6, "23456": 3, "34567": 6, "ann": 6, "ben": 6}


def _zip(path, entries):
    """Write a zip of (name, data[, date]) entries, and the hostile ones after them."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, *date in entries:
            info = zipfile.ZipInfo(name, date_time=date[0] if date else (2024, 3, 5, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


def _hostile(path):
    with zipfile.ZipFile(path, "a") as archive:
        for name in HOSTILE:
            if name.startswith("link"):
                info = zipfile.ZipInfo(name)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                archive.writestr(info, "/etc/passwd")
            elif name.startswith("bomber"):
                archive.writestr(name, b"{" + b" " * 4 * 2**20 + b"}", zipfile.ZIP_DEFLATED)
            elif name.startswith("huge"):
                archive.writestr(name, bytes(9 * 2**20), zipfile.ZIP_STORED)
            else:
                archive.writestr(name, SOLVED)
    return path


def _cli(course, *args):
    run = subprocess.run(["backprop-course", *args], cwd=course, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Canvas and Blackboard zips collected into one course and graded, with a due date."""
    tmp = tmp_path_factory.mktemp("lms")
    course = course_copy(tmp / "class" / "course", A)
    canvas = _hostile(_zip(tmp / "canvas.zip", CANVAS))
    blackboard = _zip(tmp / "blackboard.zip", BLACKBOARD)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_assignment(A, duedate=datetime(2024, 3, 2))
    said = {"canvas": _cli(course, "collect", str(canvas), A),
            "blackboard": _cli(course, "collect", str(blackboard), A, "--timezone", "Europe/Berlin")}
    said["autograde"] = _cli(course, "autograde", A)
    said["report"] = _cli(course, "report", A)
    _cli(course, "export", A, "-o", "grades.csv")
    return course, said


def test_does_each_student_get_exactly_their_newest_notebook_in_submitted(graded):
    course, said = graded
    folders = sorted(p.relative_to(course / "submitted") for p in (course / "submitted").glob("*/*"))
    assert [str(p) for p in folders] == [f"{s}/{A}" for s in sorted(SCORES)]
    for student in SCORES:
        assert (course / "submitted" / student / A / NOTEBOOK).read_bytes() in (SOLVED, WRONG)
    assert (course / "submitted" / "12345" / A / NOTEBOOK).read_bytes() == SOLVED
    assert "'doejane_12345_100001_gates.ipynb': doejane_12345_100003_gates-1.ipynb is newer" in said["canvas"]
    assert "gates.ipynb was uploaded as my gates copy.ipynb" in said["canvas"]
    assert "the LMS marked it late" in said["canvas"]
    assert "read 12 entries as canvas names" in said["canvas"]


def test_is_every_hostile_entry_skipped_with_its_reason_and_nothing_written_elsewhere(graded):
    course, said = graded
    for name, reason in HOSTILE.items():
        line = next(line for line in said["canvas"].splitlines() if line.startswith(f"  {name!r}"))
        assert reason in line, line
    assert f"{len(HOSTILE)} entry(ies) skipped" in said["canvas"]
    everything = {p.name for p in course.parents[1].rglob("*")}
    assert not any(word in name for name in everything
                   for word in ("evil", "absolute", "windows", "link", "bomber", "huge"))
    assert not Path("/tmp/absolute_56789_100006_gates.ipynb").exists()


def test_do_times_in_names_become_nbgraders_timestamps_and_lateness(graded):
    course, said = graded
    def stamp(student):
        path = course / "submitted" / student / A / "timestamp.txt"
        return path.read_text() if path.exists() else None

    assert stamp("ann") == "2024-03-01 10:00:00.000000 UTC"   # 11:00 in Berlin, her newest
    assert stamp("ben") == "2024-03-03 11:00:00.000000 UTC"
    assert stamp("12345") is None
    url = f"sqlite:///{course / 'gradebook.db'}"
    late = {s: seconds for (_, s), (_, _, seconds) in lateness(url, A).items()}
    assert late == {s: (35 * 3600 if s == "ben" else 0) for s in SCORES}
    section = (course / "reports" / f"{A}.html").read_text().split("<h2>Late submissions</h2>")[1]
    assert "ben" in section and "1 d 11 h" in section and "ann" not in section


def test_does_autograde_give_the_collected_class_the_scores_it_deserves(graded):
    course, _ = graded
    with open(course / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {s: sum(float(r["score"]) for r in rows if r["student_id"] == s) for s in SCORES} == SCORES


def _blackboard(tmp_path, name, *times, data=SOLVED):
    return _zip(tmp_path / name, [(f"Gates_ann_attempt_{t}_gates.ipynb", data) for t in times])


def test_is_a_submission_replaced_only_by_a_newer_one_or_with_force(tmp_path):
    course = course_copy(tmp_path / "course", A)
    stamp = course / "submitted" / "ann" / A / "timestamp.txt"

    def outcome(zip_path, **options):
        [student] = collect(course, zip_path, A, progress=False, **options).students
        return student.outcome, student.notes

    assert outcome(_blackboard(tmp_path, "1.zip", "2024-03-01-10-00-00"))[0] == "collected"
    assert outcome(_blackboard(tmp_path, "1.zip", "2024-03-01-10-00-00"))[0] == "unchanged"
    kept, notes = outcome(_blackboard(tmp_path, "0.zip", "2024-03-01-09-00-00", data=WRONG))
    assert kept == "kept" and "has one from 2024-03-01 10:00:00, not older" in notes[0]
    assert outcome(_blackboard(tmp_path, "2.zip", "2024-03-01-11-00-00"))[0] == "replaced"
    assert stamp.read_text().startswith("2024-03-01 11:00:00")
    undated = _zip(tmp_path / "plain.zip", [("ann_gates.ipynb", WRONG)])
    kept, notes = outcome(undated)
    assert kept == "kept" and "--force replaces it" in notes[0]
    assert outcome(undated, force=True)[0] == "replaced"
    assert (course / "submitted" / "ann" / A / NOTEBOOK).read_bytes() == WRONG
    assert not stamp.exists()
    assert sorted(p.name for p in (course / "submitted" / "ann").iterdir()) == [A]


def test_are_moodle_folders_and_an_nbgrader_style_regex_read(tmp_path):
    course = course_copy(tmp_path / "course", A)
    moodle = _zip(tmp_path / "moodle.zip", [
        ("Jane Doe_501_assignsubmission_file_/gates.ipynb", SOLVED),
        ("Jane Doe_501_assignsubmission_onlinetext_/onlinetext.html", b"<p>hi</p>")])
    report = collect(course, moodle, A, progress=False)
    assert report.pattern == "moodle names" and [s.student for s in report.students] == ["501"]
    assert report.skipped == [("Jane Doe_501_assignsubmission_onlinetext_/onlinetext.html",
                               "not a notebook (.ipynb)")]
    own = _zip(tmp_path / "own.zip", [("ps/gates_jo-2024-03-01T10:00:00+01:00.ipynb", SOLVED)])
    regex = r"ps/(?P<file_id>\w+)_(?P<student_id>\w+)-(?P<timestamp>[0-9T:+-]+)"
    [jo] = collect(course, own, A, pattern=regex, progress=False).students
    assert (jo.student, jo.timestamp) == ("jo", datetime(2024, 3, 1, 9))
    assert (course / "submitted" / "jo" / A / NOTEBOOK).read_bytes() == SOLVED


def test_does_a_multi_notebook_assignment_skip_uploads_that_are_none_of_its_notebooks(tmp_path):
    course = course_copy(tmp_path / "course", A)
    shutil.copy(course / "source" / A / NOTEBOOK, course / "source" / A / "extra.ipynb")
    uploads = _zip(tmp_path / "u.zip", [("jo_gates-2.ipynb", SOLVED), ("jo_extra.ipynb", SOLVED),
                                        ("jo_scratch.ipynb", SOLVED)])
    report = collect(course, uploads, A, pattern="plain", progress=False)
    assert report.students[0].notebooks == ["extra.ipynb", NOTEBOOK]
    assert report.skipped == [("jo_scratch.ipynb", "'scratch.ipynb' is none of the assignment's "
                                                    "notebooks (extra.ipynb, gates.ipynb)")]


@pytest.mark.parametrize("limits, words", [
    (ZipLimits(entries=1), "holds 2 entries, over the limit of 1"),
    (ZipLimits(total_bytes=2**14), "over the limit of 0.0156 MiB (a zip bomb?)"),
])
def test_is_a_zip_over_the_limits_refused_whole(tmp_path, limits, words):
    course = course_copy(tmp_path / "course", A)
    uploads = _zip(tmp_path / "u.zip", [("jo_gates.ipynb", SOLVED), ("al_gates.ipynb", SOLVED)])
    with pytest.raises(CourseError, match=re.escape(words)):
        collect(course, uploads, A, limits=limits, progress=False)
    assert not (course / "submitted").exists()


@pytest.mark.parametrize("make, pattern, words", [
    (lambda p: p.write_bytes(b"not a zip"), "auto", "cannot read .* as a zip file"),
    (lambda p: _zip(p, [("whatever.ipynb", SOLVED)]), "auto", "no entry is named the way canvas"),
    (lambda p: _zip(p, [("jo_gates.ipynb", SOLVED)]), r"(?P<student_id>\w+)_", "lacks file_id"),
    (lambda p: _zip(p, [("jo_gates.ipynb", SOLVED)]), r"(?P<student_id", "not a regular expression"),
])
def test_does_a_wrong_zip_or_pattern_get_a_clear_error(tmp_path, make, pattern, words):
    course = course_copy(tmp_path / "course", A)
    make(tmp_path / "u.zip")
    with pytest.raises(CourseError, match=words):
        collect(course, tmp_path / "u.zip", A, pattern=pattern, progress=False)


def _files(course):
    """{path under submitted/: bytes} of every file there."""
    submitted = course / "submitted"
    return {p.relative_to(submitted): p.read_bytes() for p in submitted.rglob("*") if p.is_file()}


def _hostile_run(tmp_path, honest, hostile, newcomer=None, pattern="auto"):
    """Collect the honest uploads, then, with --force, a zip of the hostile entry names (newer,
    holding WRONG) and newcomer's honest upload, if any. Checks that this changed no file in
    submitted/, filed only newcomer, and skipped each hostile entry, "cannot tell which student",
    in the printed report too; returns {hostile entry: the reason it was skipped}."""
    course = course_copy(tmp_path / "course", A)
    collect(course, _zip(tmp_path / "honest.zip", honest), A, pattern=pattern, progress=False)
    before = _files(course)
    entries = [(name, WRONG, (2030, 1, 1, 0, 0, 0)) for name in hostile]
    entries += [(newcomer[0], SOLVED)] if newcomer else []
    report = collect(course, _zip(tmp_path / "hostile.zip", entries), A, pattern=pattern,
                     force=True, progress=False)
    assert [s.student for s in report.students] == ([newcomer[1]] if newcomer else [])
    kept = {p: d for p, d in _files(course).items() if not newcomer or p.parts[0] != newcomer[1]}
    assert kept == before
    skipped, summary = dict(report.skipped), report.summary()
    for name in hostile:
        assert skipped.get(name, "").startswith("cannot tell which student: "), summary
        assert f"  {name!r}: {skipped[name]}" in summary
    return skipped


def test_is_a_blackboard_name_whose_user_name_can_be_split_two_ways_skipped_and_reported(tmp_path):
    honest = [(f"Gates_{user}_attempt_2024-03-01-10-00-00_gates.ipynb", SOLVED)
              for user in ("doe", "ann", "bob")]
    mallory = "Gates_mallory_doe_attempt_2024-03-02-10-00-00_gates.ipynb"
    lab = "Gates_Lab_ann_attempt_2024-03-02-10-00-00_gates.ipynb"        # assignment "Gates_Lab"?
    twice = ("Gates_eve_attempt_2024-03-02-10-00-00_Gates_bob_attempt_2024-03-02-10-00-00_"
             "gates.ipynb")                                               # eve's file names bob
    skipped = _hostile_run(tmp_path, honest, [mallory, lab, twice],
                           ("Gates_cy_attempt_2024-03-02-10-00-00_gates.ipynb", "cy"))
    assert skipped[mallory].endswith("reads as 'mallory_doe' and as 'doe'")
    assert skipped[lab].endswith("reads as 'Lab_ann' and as 'ann'")
    assert skipped[twice].startswith("cannot tell which student: its name reads as 'eve' and as")


def test_is_a_nested_moodle_entry_skipped_and_reported(tmp_path):
    honest = [("Victim_99999_assignsubmission_file_/gates.ipynb", SOLVED),
              ("Attacker_12345_assignsubmission_file_/gates.ipynb", SOLVED)]
    hostile = ["Attacker_12345_assignsubmission_file_/x_99999_assignsubmission_file_/gates.ipynb",
               "Attacker_12345_assignsubmission_file_/sub/gates.ipynb",
               "course/Victim_99999_assignsubmission_file_/gates.ipynb"]
    skipped = _hostile_run(tmp_path, honest, hostile,
                           ("Jane Doe_501_assignsubmission_file_/gates.ipynb", "501"))
    assert all("does not fit the pattern" in skipped[name] for name in hostile)


def test_is_a_moodle_name_with_the_marker_twice_skipped_and_reported(tmp_path):
    honest = [("Victim_99999_assignsubmission_file_/gates.ipynb", SOLVED)]
    hostile = ["Evil_99999_assignsubmission_file__12345_assignsubmission_file_/gates.ipynb",
               "Evil_12345_assignsubmission_file_/x_99999_assignsubmission_file_gates.ipynb",
               "Victim_99999_assignsubmission_file_ 12345_assignsubmission_file_/gates.ipynb"]
    skipped = _hostile_run(tmp_path, honest, hostile,
                           ("Jane Doe_501_assignsubmission_file_/gates.ipynb", "501"),
                           pattern="moodle")
    assert all("does not fit the pattern" in skipped[name] for name in hostile)


def test_is_a_canvas_name_that_also_reads_as_another_students_id_skipped_and_reported(tmp_path):
    honest = [("victim_99999_100001_gates.ipynb", SOLVED),
              ("doejane_12345_100003_gates.ipynb", SOLVED)]
    hostile = {  # the display name "evil_99999_1", a file named "99999_100005_gates.ipynb", ...
        "evil_99999_1_12345_100003_gates.ipynb": ("'99999'", "'1'"),
        "doejane_12345_100004_99999_100005_gates.ipynb": ("'12345'", "'100004'"),
        "evil_LATE_99999_100006_12345_100007_gates.ipynb": ("'99999'", "'100006'")}
    skipped = _hostile_run(tmp_path, honest, hostile, ("roebob_23456_100008_gates.ipynb", "23456"))
    for name, (first, other) in hostile.items():
        assert skipped[name].endswith(f"reads as {first} and as {other}"), skipped[name]


def test_is_a_plain_name_that_splits_into_two_students_skipped_and_reported(tmp_path):
    honest = [("j_gates.ipynb", SOLVED), ("jdoe_gates.ipynb", SOLVED)]
    hostile = {"j_doe_gates.ipynb": "'j' and as 'j_doe'",
               "jdoe_my_gates.ipynb": "'jdoe' and as 'jdoe_my'",
               "j_gates_gates.ipynb": "'j' and as 'j_gates'"}
    skipped = _hostile_run(tmp_path, honest, hostile, ("al_gates.ipynb", "al"), pattern="plain")
    for name, readings in hostile.items():
        assert skipped[name].endswith(f"reads as {readings}"), skipped[name]


@pytest.mark.parametrize("regex", [
    r"(?P<student_id>\w+)_(?P<file_id>\w+\.ipynb)",
    r"(?P<student_id>[a-z)]+(?:_[a-z]+)?)_(?P<file_id>[^/]+)$",    # a ")" in a class, a group in it
    "(?x) (?P<student_id> [a-z_]+? )  # a comment with a ) in it\n _ (?P<file_id> .+ )",
])
def test_is_a_name_that_a_given_regex_reads_two_ways_skipped_and_reported(tmp_path, regex):
    hostile = ["j_doe_gates.ipynb", "jo_late_gates.ipynb"]
    skipped = _hostile_run(tmp_path, [("j_gates.ipynb", SOLVED), ("jo_gates.ipynb", SOLVED)],
                           hostile, ("al_gates.ipynb", "al"), pattern=regex)
    assert all("reads as" in skipped[name] for name in hostile)


@pytest.mark.parametrize("honest, hostile, newcomer", [
    ([("Gates_ann_attempt_2024-03-01-10-00-00_gates.ipynb", SOLVED)],
     {"Gates_Ann_attempt_2024-03-02-10-00-00_gates.ipynb": "'Ann' may be 'ann'",  # ann is there
      "Gates_Bob_attempt_2024-03-02-10-00-00_gates.ipynb": "'Bob' may be 'BOB'",  # both in the zip
      "Gates_BOB_attempt_2024-03-02-10-00-00_gates.ipynb": "'BOB' may be 'Bob'"},
     ("Gates_cy_attempt_2024-03-02-10-00-00_gates.ipynb", "cy")),
    ([("doe_501_100001_gates.ipynb", SOLVED)],
     {"doe_0501_100003_gates.ipynb": "'0501' may be '501'",
      "roe_007_100003_gates.ipynb": "'007' may be '7'",
      "roe_7_100004_gates.ipynb": "'7' may be '007'"},
     ("al_502_100005_gates.ipynb", "502")),
])
def test_are_ids_alike_but_for_case_or_leading_zeros_skipped_as_maybe_one_student(
        tmp_path, honest, hostile, newcomer):
    skipped = _hostile_run(tmp_path, honest, hostile, newcomer)
    for name, twins in hostile.items():
        assert skipped[name].endswith(f"{twins} spelled another way"), skipped[name]


@pytest.mark.parametrize("honest, hostile, newcomer", [
    ([("Gates_ann_attempt_2024-03-01-10-00-00_gates.ipynb", SOLVED)],
     ["Gates_\u0430nn_attempt_2024-03-02-10-00-00_gates.ipynb",            # Cyrillic a
      "Gates_\uff41\uff4e\uff4e_attempt_2024-03-02-10-00-00_gates.ipynb",  # fullwidth ann
      "Gates_an\u200bn_attempt_2024-03-02-10-00-00_gates.ipynb"],          # a zero-width space
     ("Gates_cy_attempt_2024-03-02-10-00-00_gates.ipynb", "cy")),
    ([("doejane_12345_100001_gates.ipynb", SOLVED)],
     ["doejane_\uff11\uff12\uff13\uff14\uff15_100003_gates.ipynb",         # fullwidth digits
      "doejane_\u0661\u0662\u0663\u0664\u0665_100003_gates.ipynb"],        # Arabic-Indic digits
     ("al_502_100005_gates.ipynb", "502")),
])
def test_is_a_unicode_lookalike_of_a_students_id_skipped_and_reported(
        tmp_path, honest, hostile, newcomer):
    _hostile_run(tmp_path, honest, hostile, newcomer)


def test_is_an_entry_that_fits_two_lmss_names_skipped_whichever_auto_picks(tmp_path):
    honest = [("Victim_99999_assignsubmission_file_/gates.ipynb", SOLVED)]
    flood = [f"Attacker_12345_assignsubmission_file_/x_99999_{i}_gates.ipynb" for i in range(3)]
    skipped = _hostile_run(tmp_path, honest, flood)      # more Canvas-like names: auto picks canvas
    assert all(skipped[name].endswith("its name fits moodle names too") for name in flood)
    skipped = _hostile_run(tmp_path / "2", honest, flood[:1],
                           ("Jane Doe_501_assignsubmission_file_/gates.ipynb", "501"))
    assert skipped[flood[0]].endswith("its name fits canvas names too")


def test_is_an_overlong_name_skipped_without_reading_it(tmp_path):
    course = course_copy(tmp_path / "course", A)
    long = "Gates_" + "x_" * 5000 + "attempt_.ipynb"
    report = collect(course, _zip(tmp_path / "u.zip", [(long, SOLVED), ("jo_gates.ipynb", SOLVED)]),
                     A, progress=False)
    assert report.pattern == "plain names" and [s.student for s in report.students] == ["jo"]
    assert report.skipped == [(long, "a name of 10020 characters, over the 1000 limit: not read")]
