"""A grading worker's life: does a worker whose grader stops listening early (a run that ends on a
configuration error while its workers are still warming up) end quietly, without printing a
traceback into the grader's terminal? Is a grader run from a source folder whose workers import
another course package refused before it grades anything? Does the CPU time of a run's student
process count in its worker's? Is IPython's terminal front end, which a sandbox has no terminal
for, left out of the memory every run is forked from, with IPython.embed saying so? Does a warm
worker keep no more memory after runs than before, and does it clear the run folders that workers
killed in mid-run left behind? Does a graded notebook import what the grader's start-up leaves out
as it would in JupyterLab?"""
from dataclasses import asdict
import json
import os
import subprocess
import sys

import nbformat

from autograder import pool
from autograder.sample_class import solved_release
from autograder.sandbox import Limits, choose_mode
from course.version import VERSION
from support import ROOT, course_copy, repository_copy


def test_does_a_worker_whose_grader_stopped_listening_end_without_a_traceback():
    jobs_in, jobs_out = os.pipe()
    reports_in, reports_out = os.pipe()
    forking = subprocess.Popen(
        [sys.executable, "-I", "-c", pool._BOOT, json.dumps(pool.import_path()),
         json.dumps(asdict(Limits())), choose_mode(), json.dumps([[jobs_in, reports_out]])],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/",
        pass_fds=(jobs_in, reports_out))
    for fd in (jobs_in, reports_out, reports_in):   # the grader stops listening at once
        os.close(fd)
    said, errors = forking.communicate(timeout=60)
    os.close(jobs_out)
    assert errors.decode() == ""
    pids, ended = map(json.loads, said.decode().splitlines())
    assert len(pids["pids"]) == 1 and ended == [0, 0]   # the one worker forked, and it ended well
    assert forking.returncode == 0


def test_is_a_grader_whose_workers_import_another_course_refused_before_grading(tmp_path):
    copy = repository_copy(tmp_path / "clone")      # a clone not installed: the grader imports it
    course = course_copy(tmp_path / "course", "01_derivative")
    folder = course / "submitted" / "ann" / "01_derivative"
    folder.mkdir(parents=True)
    nbformat.write(solved_release(ROOT, "01_derivative", "derivative.ipynb"),
                   folder / "derivative.ipynb")
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    run = subprocess.run([sys.executable, "-m", "autograder.cli", "--course-dir", str(course),
                          "autograde", "01_derivative"], cwd=copy, env=environment,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2, run.stderr
    said = " ".join(run.stderr.split())
    assert "the grading workers import course" in said
    assert f"but this grader runs course {VERSION} from {(copy / 'course').resolve()}:" in said
    assert "pip install -e" in said
    assert not list((course / "autograded").rglob("grading.json"))


def test_does_the_cpu_time_of_a_students_process_count_in_its_workers():
    """The benchmarks read the workers' CPU time from their ended children: the student's
    process, inside the run's PID namespace, must be reaped where its time is added up."""
    worker = pool.Worker(0).start()
    try:
        before = _children_cpu(worker.process.pid)
        burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.5: pass\n"
        messages = list(worker.run({"cells": [[0, burn]], "exercises": [], "skip_exercises": []}))
        assert messages[1:] == [{"cell_done": 0, "error": None}, {"finished": True},
                                {"end": {"reason": "exited", "code": 0}}]
        assert _children_cpu(worker.process.pid) - before >= 0.45
    finally:
        worker.stop()


def _children_cpu(pid):
    """CPU seconds of a process's reaped children (cutime + cstime in /proc/PID/stat)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def test_is_ipythons_terminal_left_out_of_a_warm_worker_with_embed_saying_why():
    warmed = ("from autograder import worker; worker.warm_up(); import sys, IPython\n"
              "print(sorted({'prompt_toolkit', 'jedi', 'IPython.terminal.interactiveshell'} & "
              "set(sys.modules)))\n"
              "try:\n    IPython.embed()\nexcept RuntimeError as error:\n    print(error)")
    run = subprocess.run([sys.executable, "-c", warmed], capture_output=True, text=True, check=True)
    assert run.stdout.splitlines() == [
        "[]", "IPython.embed needs a terminal, and grading has none: take it out"]


def test_does_a_warm_worker_keep_no_more_memory_after_runs_than_before():
    worker = pool.Worker(0).start()
    try:
        printing = "for line in range(2000):\n    print('a line of output', line)\n"
        job = {"cells": [[0, printing]], "exercises": [], "skip_exercises": []}
        warm = _anonymous_kb(worker.process.pid)
        for _ in range(3):
            assert list(worker.run(job))[-1] == {"end": {"reason": "exited", "code": 0}}
        assert _anonymous_kb(worker.process.pid) - warm < 2048
    finally:
        worker.stop()


def _anonymous_kb(pid):
    """The anonymous memory a process holds (RssAnon), in KiB: what every fork of it copies."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("RssAnon:"):
            return int(line.split()[1])


def test_are_the_run_folders_that_killed_workers_left_removed_when_a_worker_starts(tmp_path, monkeypatch):
    ended = subprocess.Popen(["true"])
    ended.wait()   # its pid names a worker that is gone
    left = {f"backprop-sandbox-{ended.pid}-a1", f"backprop-sandbox-{os.getpid()}-b2",
            f"backprop-sandbox-{ended.pid}-c3", f"other-{ended.pid}-d4"}
    for name in left:
        (tmp_path / name).mkdir()
    (tmp_path / f"backprop-sandbox-{ended.pid}-c3" / "written-without-isolation").write_text("x")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    worker = pool.Worker(0).start()
    try:
        job = {"cells": [[0, "x = 1"]], "exercises": [], "skip_exercises": []}
        assert list(worker.run(job))[-1] == {"end": {"reason": "exited", "code": 0}}
    finally:
        worker.stop()
    assert {p.name for p in tmp_path.iterdir()} == left - {f"backprop-sandbox-{ended.pid}-a1"}


def test_does_a_worker_keep_one_empty_run_folder_for_all_its_isolated_runs(tmp_path, monkeypatch):
    """Each run mounts its own root on the worker's run folder in its own mount namespace: on the
    host the folder stays empty, so no folder is made and removed per run (each removal frees an
    inode that file creation then skips on an ext4 without a journal)."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    worker = pool.Worker(0).start()
    try:
        writes = "open('scratch.txt', 'w').write('x')\nimport os\nos.makedirs('deep/er')"
        job = {"cells": [[0, writes]], "exercises": [], "skip_exercises": []}
        seen = []
        for _ in range(3):
            assert list(worker.run(job))[-1] == {"end": {"reason": "exited", "code": 0}}
            seen.append([(p.name, sorted(p.iterdir())) for p in tmp_path.iterdir()])
        [(name, inside)] = seen[0]
        assert name.startswith(f"backprop-sandbox-{worker.process.pid}-") and inside == []
        assert seen[1] == seen[2] == seen[0]
    finally:
        worker.stop()
    assert list(tmp_path.iterdir()) == []


def test_does_a_graded_notebook_import_what_the_graders_start_up_leaves_out_as_in_jupyterlab():
    worker = pool.Worker(0).start()
    try:
        cell = ("import webcolors, isoduration, requests, setuptools.archive_util\n"
                "assert requests.codes.ok == 200 and callable(setuptools.archive_util.unpack_archive)\n"
                "assert type(requests).__name__ == 'module'\n")
        job = {"cells": [[0, cell]], "exercises": [], "skip_exercises": []}
        assert {"cell_done": 0, "error": None} in list(worker.run(job))
    finally:
        worker.stop()
