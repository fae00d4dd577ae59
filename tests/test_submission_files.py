"""Files students write into submitted/<student>/<assignment>/: are links never followed, FIFOs
never waited on, big files and deep trees never read whole or walked to the end, and bad
timestamps costing nothing but their own submission's timestamp?"""
from datetime import datetime
import hashlib
import json
import os
from pathlib import Path
import socket
import stat
import threading
import tracemalloc

import pytest

from autograder import results, submission
from autograder.assignment import read_assignment
from autograder.autograde import _stamps
from autograder.results import SubmissionResult
from autograder.submission import fingerprint, match_notebooks, stamp_time

ROOT = Path(__file__).resolve().parents[1]
A, NOTEBOOK = "03_gates", "gates.ipynb"
HONEST_STAMP = b"2024-05-01 12:00:00.000000 UTC"
TEN_GIB = 10 * 2**30


@pytest.fixture
def root(tmp_path):
    """A course root whose alice and bob each submitted 03_gates (the release's notebook)."""
    for student in ("alice", "bob"):
        folder = tmp_path / "submitted" / student / A
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_bytes((ROOT / "release" / A / NOTEBOOK).read_bytes())
        (folder / "timestamp.txt").write_bytes(HONEST_STAMP)
    return tmp_path


def _timestamp(root, assignment, student):
    """The submission time autograde gives the gradebook for a student's submission."""
    return stamp_time(_stamps(root, SubmissionResult(student, assignment, ""))["timestamp.txt"])


@pytest.fixture(scope="module")
def specs():
    return read_assignment(ROOT, A)


def folder_of(root, student="alice"):
    return root / "submitted" / student / A


def within(seconds, call, *args):
    """call(*args), failing the test if it takes more than seconds (a hang)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = call(*args)
        except BaseException as error:   # re-raised in the test's thread
            outcome["error"] = error
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{call.__name__} hung for over {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def replace_with(path, kind, monkeypatch=None):
    """Put something other than a regular file at path: a FIFO, a folder, a socket or a device."""
    path.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "socket":
        monkeypatch.chdir(path.parent)   # a socket's address is too short for tmp_path
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(path.name)
    elif kind == "device":
        try:
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))   # like /dev/zero
        except PermissionError:
            pytest.skip("cannot make a device here")


def huge(path):
    """Make path a sparse file of TEN_GIB (nothing is written)."""
    with open(path, "wb") as file:
        file.truncate(TEN_GIB)


def outside(tmp_path, text="not the student's"):
    secret = tmp_path / "outside.txt"
    secret.write_text(text)
    return secret


# --- timestamp.txt ---------------------------------------------------------------------------

def test_is_an_honest_timestamp_read_as_nbgrader_wrote_it(root):
    assert _timestamp(root, A, "alice") == datetime(2024, 5, 1, 12)


def test_is_a_fifo_timestamp_ignored_without_hanging(root):
    replace_with(folder_of(root) / "timestamp.txt", "fifo")
    assert within(5, _timestamp, root, A, "alice") is None
    target = root / "autograded" / "alice" / A
    within(5, results.copy_stamps, folder_of(root), target)
    assert not (target / "timestamp.txt").exists()


@pytest.mark.parametrize("kind", ["folder", "socket", "device"])
def test_is_a_timestamp_that_is_no_regular_file_ignored(root, kind, monkeypatch):
    replace_with(folder_of(root) / "timestamp.txt", kind, monkeypatch)
    assert within(5, _timestamp, root, A, "alice") is None


def test_is_a_linked_timestamp_ignored_inside_or_out(root, tmp_path):
    stamp = folder_of(root) / "timestamp.txt"
    (folder_of(root) / "real.txt").write_bytes(HONEST_STAMP)
    for target in ("/etc/hostname", outside(tmp_path, HONEST_STAMP.decode()), "real.txt"):
        stamp.unlink()
        stamp.symlink_to(target)
        assert _timestamp(root, A, "alice") is None


def test_is_a_huge_timestamp_ignored_without_reading_it(root):
    huge(folder_of(root) / "timestamp.txt")
    tracemalloc.start()
    try:
        assert within(5, _timestamp, root, A, "alice") is None
        assert tracemalloc.get_traced_memory()[1] < 2**20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("text", [
    b"99999999999999999999",                       # overflows a C long
    b"0001-01-01 00:00:00 +3600",                 # before datetime.min once in UTC
    b"9999-12-31 23:59:59 -3600",                 # after datetime.max once in UTC
    b"2024-05-01 12:00:00 99999999999999",        # an offset of millions of days
    b"2024-05-01 12:00:00 " + b"9" * 4000,        # an offset of 4000 digits
    b"2024-05-01 12:00:00 " + b"9" * 5000,        # longer than a timestamp is ever read
    b"1900-01-01 00:00:00.000000 UTC",            # absurdly early
    b"9999-01-01 00:00:00.000000 UTC",            # absurdly late
    b"2024-05-01 12:00:00 /etc/passwd",           # a "time zone" dateutil would read from disk
    b"2024-05-01 12:00:00 ../../../etc/hostname",
    b"not a time", b"", b"\xff\xfe\x00", b"2024-13-45"])
def test_is_a_bad_timestamp_no_timestamp_instead_of_an_error(root, text):
    (folder_of(root) / "timestamp.txt").write_bytes(text)
    assert _timestamp(root, A, "alice") is None
    assert _timestamp(root, A, "bob") == datetime(2024, 5, 1, 12)


# --- copy_stamps ---------------------------------------------------------------------------------

def test_are_honest_stamps_copied_and_stale_ones_removed(root):
    source, target = folder_of(root), root / "autograded" / "alice" / A
    (source / "submission_secret.txt").write_bytes(b"0123abcd")
    results.copy_stamps(source, target)
    assert (target / "timestamp.txt").read_bytes() == HONEST_STAMP
    assert (target / "submission_secret.txt").read_bytes() == b"0123abcd"
    (source / "submission_secret.txt").unlink()
    results.copy_stamps(source, target)
    assert not (target / "submission_secret.txt").exists()


def test_does_copy_stamps_never_copy_what_a_link_points_to(root, tmp_path):
    source, target = folder_of(root), root / "autograded" / "alice" / A
    (source / "timestamp.txt").unlink()
    (source / "timestamp.txt").symlink_to("/etc/hostname")
    (source / "submission_secret.txt").symlink_to(outside(tmp_path))
    results.copy_stamps(source, target)
    assert sorted(p.name for p in target.iterdir()) == []


def test_does_copy_stamps_never_write_through_a_link(root, tmp_path):
    source, target = folder_of(root), root / "autograded" / "alice" / A
    target.mkdir(parents=True)
    secret = outside(tmp_path)
    (target / "timestamp.txt").symlink_to(secret)
    results.copy_stamps(source, target)
    assert secret.read_text() == "not the student's"
    assert not (target / "timestamp.txt").is_symlink()
    assert (target / "timestamp.txt").read_bytes() == HONEST_STAMP


def test_are_oversized_stamps_not_copied(root):
    source, target = folder_of(root), root / "autograded" / "alice" / A
    huge(source / "submission_secret.txt")
    within(5, results.copy_stamps, source, target)
    assert not (target / "submission_secret.txt").exists()


# --- the submission folder itself ----------------------------------------------------------------

@pytest.mark.parametrize("linked", ["assignment", "student"])
def test_is_a_linked_submission_folder_ungradable_and_not_read(root, specs, linked):
    if linked == "assignment":
        folder_of(root, "mallory").parent.mkdir()
        folder_of(root, "mallory").symlink_to(Path("..", "alice", A))
    else:
        (root / "submitted" / "mallory").symlink_to("alice")
    matched = match_notebooks(folder_of(root, "mallory"), specs)
    assert [m.cells for m in matched] == [[]]
    assert "symbolic link, not a folder" in matched[0].problem
    assert _timestamp(root, A, "mallory") is None
    target = root / "autograded" / "mallory" / A
    results.copy_stamps(folder_of(root, "mallory"), target)
    assert list(target.iterdir()) == []
    assert fingerprint(folder_of(root, "mallory")) != fingerprint(folder_of(root))


# --- notebooks --------------------------------------------------------------------------------

def test_is_an_honest_submission_matched_as_before(root, specs):
    (folder_of(root) / NOTEBOOK).rename(folder_of(root) / "gates-Copy1.ipynb")
    (folder_of(root) / "scratch.ipynb").write_bytes(b"{}")
    [matched] = match_notebooks(folder_of(root), specs)
    assert not matched.problem and not matched.tampered and matched.cells
    assert matched.path == folder_of(root) / "gates-Copy1.ipynb"
    assert matched.notes == ["gates.ipynb was submitted as gates-Copy1.ipynb",
                             "the extra notebook scratch.ipynb was not graded"]


def test_is_a_linked_notebook_ungradable_and_not_read(root, specs, tmp_path):
    notebook = folder_of(root) / NOTEBOOK
    for target in (folder_of(root, "bob") / NOTEBOOK, "/etc/shadow", outside(tmp_path)):
        notebook.unlink()
        notebook.symlink_to(target)
        [matched] = match_notebooks(folder_of(root), specs)
        assert matched.problem == "gates.ipynb is a symbolic link, not a file"
        assert matched.cells == []


def test_is_a_linked_renamed_copy_not_read_either(root, specs):
    (folder_of(root) / NOTEBOOK).unlink()
    (folder_of(root) / "gates-Copy1.ipynb").symlink_to(folder_of(root, "bob") / NOTEBOOK)
    [matched] = match_notebooks(folder_of(root), specs)
    assert matched.problem == "gates.ipynb was not submitted"


@pytest.mark.parametrize("kind, says", [("fifo", "a FIFO"), ("folder", "a folder"),
                                        ("socket", "a socket"), ("device", "a device")])
def test_is_a_notebook_that_is_no_regular_file_ungradable_without_hanging(
        root, specs, kind, says, monkeypatch):
    replace_with(folder_of(root) / NOTEBOOK, kind, monkeypatch)
    [matched] = within(5, match_notebooks, folder_of(root), specs)
    assert matched.problem == f"gates.ipynb is {says}, not a file"
    within(5, fingerprint, folder_of(root))


def test_is_a_huge_notebook_ungradable_without_reading_it(root, specs):
    huge(folder_of(root) / NOTEBOOK)
    tracemalloc.start()
    try:
        [matched] = within(10, match_notebooks, folder_of(root), specs)
        within(10, fingerprint, folder_of(root))
        assert tracemalloc.get_traced_memory()[1] < 2**20
    finally:
        tracemalloc.stop()
    assert matched.problem == "gates.ipynb is 10240 MiB, over the 8 MiB limit"


def test_is_a_deeply_nested_notebook_ungradable_not_a_crash(root, specs):
    (folder_of(root) / NOTEBOOK).write_text("[" * 100_000 + "]" * 100_000)
    [matched] = match_notebooks(folder_of(root), specs)
    assert matched.problem.startswith("gates.ipynb is not valid notebook JSON")


def _released(change):
    """The released gates notebook's JSON after change(notebook data) edited it in place."""
    nb = json.loads((ROOT / "release" / A / NOTEBOOK).read_bytes())
    change(nb)
    return json.dumps(nb)


@pytest.mark.parametrize("change", [
    lambda nb: nb.pop("metadata"),
    lambda nb: nb["cells"][0].pop("metadata"),
    lambda nb: nb["cells"][1].update(metadata=["nbgrader"]),
    lambda nb: nb["cells"].append("a cell"),
    lambda nb: nb["cells"][0].update(source=["a line\n", 7])])
def test_is_notebook_json_of_the_wrong_shape_ungradable_not_a_crash(root, specs, change):
    (folder_of(root) / NOTEBOOK).write_text(_released(change))
    [matched] = match_notebooks(folder_of(root), specs)
    assert matched.problem.startswith("gates.ipynb is not a readable notebook")
    assert matched.cells == []


def test_is_a_source_as_lines_or_as_one_text_run_the_same(root, specs):
    def as_text(nb):
        for cell in nb["cells"]:
            cell["source"] = "".join(cell["source"])
    [as_lines] = match_notebooks(folder_of(root), specs)   # as nbformat writes them: lines
    (folder_of(root) / NOTEBOOK).write_text(_released(as_text))
    [matched] = match_notebooks(folder_of(root), specs)
    assert not matched.problem and not matched.tampered
    assert matched.cells == as_lines.cells and all(isinstance(s, str) for _, s in matched.cells)


def test_is_a_json_list_ungradable(root, specs):
    (folder_of(root) / NOTEBOOK).write_text("[]")
    [matched] = match_notebooks(folder_of(root), specs)
    assert matched.problem == ("gates.ipynb is not a readable notebook (ValueError: the file's "
                               "JSON is not an object)")


def _as_left(root, tmp_path, monkeypatch, state):
    """Leave alice's submission folder in one of the states a student can leave it in."""
    folder, notebook = folder_of(root), folder_of(root) / NOTEBOOK
    if state == "renamed, with extras":
        notebook.rename(folder / "gates-Copy1.ipynb")
        (folder / "scratch.ipynb").write_bytes(b"{}")
        (folder / ".hidden.ipynb").write_bytes(b"{}")
    elif state == "linked":
        notebook.unlink()
        notebook.symlink_to(outside(tmp_path))
    elif state in ("fifo", "folder"):
        replace_with(notebook, state, monkeypatch)
    elif state == "huge":
        huge(notebook)
    elif state == "empty":
        notebook.write_bytes(b"")
    elif state == "beyond the fingerprint's allowance":
        monkeypatch.setattr(submission, "MAX_HASHED_BYTES", 10)
    elif state == "too many entries":
        for number in range(submission.MAX_ENTRIES):
            (folder / f"a{number:04}").write_bytes(b"")


@pytest.mark.parametrize("state", ["as released", "renamed, with extras", "linked", "fifo",
                                   "folder", "huge", "empty", "beyond the fingerprint's allowance",
                                   "too many entries"])
def test_is_a_submission_matched_alike_from_what_its_fingerprint_read(
        root, specs, tmp_path, monkeypatch, state):
    _as_left(root, tmp_path, monkeypatch, state)
    alone = within(10, match_notebooks, folder_of(root), specs)
    top = submission.TopLevel()
    fingerprint(folder_of(root), top)
    assert top.complete == (state != "too many entries")
    read = []
    monkeypatch.setattr(submission, "read_file", lambda *args: read.append(args[0]) or b"{}")
    if state in ("as released", "renamed, with extras", "linked", "fifo", "folder", "huge", "empty"):
        assert within(10, match_notebooks, folder_of(root), specs, top) == alone
        assert read == []   # nothing was read again
    else:   # the fingerprint did not read it all: the folder is read again
        within(10, match_notebooks, folder_of(root), specs, top)
        assert read


def test_are_only_a_few_extra_notebooks_read(root, specs, monkeypatch):
    (folder_of(root) / NOTEBOOK).unlink()
    for number in range(3 * submission.MAX_OTHER_NOTEBOOKS):
        (folder_of(root) / f"copy{number:02}.ipynb").write_bytes(b"{}")
    read = []
    monkeypatch.setattr(submission, "read_file", lambda name, *rest: read.append(name) or b"{}")
    [matched] = match_notebooks(folder_of(root), specs)
    assert len(read) == submission.MAX_OTHER_NOTEBOOKS
    assert matched.problem == "gates.ipynb was not submitted"
    assert len(matched.notes) == 3 * submission.MAX_OTHER_NOTEBOOKS


# --- fingerprint ---------------------------------------------------------------------------------

def test_is_an_honest_fingerprint_what_it_was(root):
    """Path, NUL and the SHA-256 of the content of each file in path order, as before: results
    saved before this change stay up to date."""
    (folder_of(root) / "data").mkdir()
    (folder_of(root) / "data" / "x.txt").write_bytes(b"x")
    parts = [("data/x.txt", b"x"), (NOTEBOOK, (folder_of(root) / NOTEBOOK).read_bytes()),
             ("timestamp.txt", HONEST_STAMP)]
    expected = hashlib.sha256(b"".join(path.encode() + b"\0" + hashlib.sha256(content).digest()
                                       for path, content in parts))
    assert fingerprint(folder_of(root)) == expected.hexdigest()


def test_does_fingerprint_not_follow_links_out(root, tmp_path):
    folder, secret = folder_of(root), outside(tmp_path)
    (folder / "bobs").symlink_to(folder_of(root, "bob"))
    (folder / "loop").symlink_to(".")
    (folder / "secret").symlink_to(secret)
    (folder / "hostname").symlink_to("/etc/hostname")
    before = within(5, fingerprint, folder)
    (folder_of(root, "bob") / "new.txt").write_text("bob changed his")
    secret.write_text("changed too")
    assert fingerprint(folder) == before
    (folder / "bobs").unlink()
    (folder / "bobs").symlink_to(folder_of(root, "bob") / "new.txt")
    assert fingerprint(folder) != before


def test_does_fingerprint_see_a_huge_file_change_without_reading_it(root):
    path = folder_of(root) / "big.bin"
    huge(path)
    tracemalloc.start()
    try:
        before = within(10, fingerprint, folder_of(root))
        assert tracemalloc.get_traced_memory()[1] < 2**20
    finally:
        tracemalloc.stop()
    os.truncate(path, TEN_GIB + 1)
    assert fingerprint(folder_of(root)) != before


def test_does_fingerprint_survive_a_tree_ten_thousand_deep(root):
    top = folder_of(root)
    nest(top, 10_000)
    try:
        before = within(10, fingerprint, top)
        (top / "d" / "d" / "x").write_text("near the top")
        changed = fingerprint(top)
        (top / "d" / "d" / "x").unlink()
    finally:
        unnest(top)
    assert changed != before


def test_does_fingerprint_read_a_bounded_number_of_entries(root, monkeypatch):
    monkeypatch.setattr(submission, "MAX_ENTRIES", 5)
    for number in range(3):
        wide = folder_of(root) / f"wide{number}"
        wide.mkdir()
        for file in range(10):
            (wide / f"{file}.txt").write_text(str(file))
    read = []
    monkeypatch.setattr(submission, "read_file", lambda name, *rest: read.append(name) or b"")
    fingerprint(folder_of(root))
    assert 0 < len(read) <= 5


def nest(top, depth):
    """Make top/d/d/.../d, depth folders deep (too long a path to name in one go)."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)


def unnest(top):
    """Remove what nest made, a level at a time (shutil.rmtree would recurse for each)."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        while os.access("d/d", os.F_OK, dir_fd=fd):
            os.rename("d/d", "up", src_dir_fd=fd, dst_dir_fd=fd)
            os.rmdir("d", dir_fd=fd)
            os.rename("up", "d", src_dir_fd=fd, dst_dir_fd=fd)
        os.rmdir("d", dir_fd=fd)
    finally:
        os.close(fd)
