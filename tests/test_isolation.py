"""Isolation in every mode: does grading use the strongest isolation this machine gives, refuse to
run student code where it gives none (saying how to get it), and, with --no-isolation, say on every
run and in every result that student code ran unisolated? Does a student's process forked
without a PID namespace of its own run nothing?"""
import csv
import json
import os
from pathlib import Path
import subprocess
import sysconfig
import threading

import pytest

from autograder import cli, namespaces, results
from autograder.autograde import autograde
from autograder.sample_class import copy_course
from autograder.sandbox import IsolationUnavailable, Limits, choose_mode, protections
from support import hostile

A = hostile.ASSIGNMENT
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own
NO_USER_NAMESPACES = (None, "unshare: Operation not permitted")


@pytest.fixture
def course(tmp_path):
    root = copy_course(hostile.ROOT, tmp_path / "course", [A])
    for name in ("honest", "untouched"):
        hostile.write_submission(root / "submitted" / name / A, hostile.cases(root, tmp_path / "m")[name]())
    return root


def test_is_the_strongest_mode_here_chosen_with_every_protection_on():
    mode = choose_mode()
    assert mode == ("root" if os.geteuid() == 0 else "user")
    assert all(on for on, _ in protections(mode).values())


def test_does_a_machine_the_sandbox_cannot_clone_on_give_no_mode_and_say_why(monkeypatch):
    monkeypatch.setattr(namespaces.platform, "machine", lambda: "sparc64")
    assert namespaces.best_mode() == (None, "[Errno 38] the sandbox cannot clone on sparc64")


def test_does_a_process_with_threads_refuse_to_clone_into_namespaces():
    """A raw clone skips the C library's fork handlers: from a process with threads, the child
    could wait forever on a lock another thread held."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with pytest.raises(OSError, match="single-threaded"):
            namespaces.fork_into_namespaces(choose_mode())
    finally:
        stop.set()
        thread.join()


def test_does_grading_refuse_without_isolation_and_say_how_to_get_it(course, monkeypatch):
    monkeypatch.setattr(namespaces, "best_mode", lambda: NO_USER_NAMESPACES)
    with pytest.raises(IsolationUnavailable) as refused:
        autograde(course, [A], progress=False)
    for advice in ("Operation not permitted", "as root", "apparmor_restrict_unprivileged_userns",
                   "--no-isolation"):
        assert advice in str(refused.value)
    assert not (course / "autograded").exists()


def test_does_the_command_refuse_with_the_advice_and_grade_nothing(course, monkeypatch, capsys):
    monkeypatch.setattr(namespaces, "best_mode", lambda: NO_USER_NAMESPACES)
    assert cli.main(["--course-dir", str(course), "autograde", A]) == 2
    assert "grading refused to run it" in capsys.readouterr().err
    assert results.load_all(course, A) == []


def test_does_no_isolation_grade_and_record_it_everywhere(course, monkeypatch, capsys):
    monkeypatch.setattr(namespaces, "best_mode", lambda: NO_USER_NAMESPACES)
    assert cli.main(["--course-dir", str(course), "autograde", A, "--no-isolation"]) == 0
    printed = capsys.readouterr().out
    assert "WARNING: --no-isolation" in printed and "no network OFF" in printed
    graded = {r.student: r for r in results.load_all(course, A)}
    assert {s: (r.score, r.isolation) for s, r in graded.items()} == {
        "honest": (6.0, "none"), "untouched": (0.0, "none")}
    assert cli.main(["--course-dir", str(course), "export", A, "-o", str(course / "g.csv")]) == 0
    with open(course / "g.csv") as rows:
        assert {row["isolation"] for row in csv.DictReader(rows)} == {"none"}
    assert cli.main(["--course-dir", str(course), "report", A]) == 0
    assert "graded without isolation" in (course / "reports" / f"{A}.html").read_text()


def test_does_grading_in_the_chosen_mode_record_it(course):
    graded, _, shown = autograde(course, [A], progress=False, limits=Limits(job_seconds=30))
    assert {r.isolation for r in graded} == {choose_mode()}
    assert shown["private read-only root"][0] and shown["no network"][0]


def test_does_no_grader_process_import_a_module_planted_beside_a_submission(course, tmp_path):
    folder = course / "submitted" / "honest" / A
    marker = tmp_path / "planted-module-ran"
    for name in ("numpy.py", "json.py", "sitecustomize.py", "course.py"):
        (folder / name).write_text(f"open({str(marker)!r}, 'w').close()\n")
    command = Path(sysconfig.get_path("scripts")) / "backprop-course"
    done = subprocess.run([str(command), "autograde", A, "--student", "honest"], cwd=folder,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not marker.exists()
    assert results.load(course, A, "honest").score == 6


def test_does_a_students_process_that_is_not_pid_1_of_a_pid_namespace_of_its_own_refuse_to_run(
        tmp_path):
    """The student's process is PID 1 of its own PID namespace: when it ends, the kernel ends
    every process its run left. Forked without one, it runs nothing and says why."""
    from autograder import sandbox
    job = memoryview(bytearray(b"c" + json.dumps({"cell": 0, "source": "1"}).encode() + b"\n\n"))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        sandbox._sandboxed(job, Limits(), "user", (os.geteuid(), os.getegid()), str(tmp_path),
                           os.open(os.devnull, os.O_RDWR), write, {}, 0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        said = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 70
    assert said == "OSError: the student's process is not PID 1 of a PID namespace of its own"
