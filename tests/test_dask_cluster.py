"""Grading on a Dask cluster: does `autograde --scheduler` give exactly the scores of local
grading, with the same sandbox on the Dask workers, and does a Dask worker killed in the middle
of a run lose no submission and grade none twice? Are the notebooks run and judged on the Dask
workers, leaving the coordinator only to record?

The cluster is a real distributed.LocalCluster of two worker processes (one thread each) on
127.0.0.1; the coordinator is a `backprop-course` process or autograde() in this one.
"""
import os
import signal
import socket
import subprocess
import time

import dask
from distributed import Client, LocalCluster
from nbgrader.api import Gradebook
import psutil
import pytest

from autograder import grading, results
from autograder.autograde import autograde
from autograder.course_dir import CourseError
from autograder.dask_pool import DaskCluster
from autograder.sample_class import gates_class, replace_in, solved_release, with_cell, write_class
from autograder.sandbox import Limits
from course.checks import Exercise
from support import ROOT, course_copy

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own

LIMITS = Limits(cell_seconds=3, case_seconds=2, job_seconds=20)


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as local, Client(local) as client:
        yield local.scheduler_address, client


def gates_course(root, submissions):
    """A course directory at root with 03_gates and these submissions (student -> notebook)."""
    course_copy(root, "03_gates")
    write_class(root, "03_gates", "gates.ipynb", submissions)
    return root


def graded(root):
    """student -> [(exercise, score, status, message)] of every saved result, and its notes."""
    return {r.student: ([(e.exercise, e.score, e.status, e.message) for e in r.exercises], r.notes)
            for r in results.load_all(root, "03_gates")}


def test_does_the_cluster_give_exactly_the_scores_of_local_grading(cluster, tmp_path):
    """The sample class, every status in it, graded here and on the cluster."""
    address, client = cluster
    sample = gates_class(ROOT)
    here = gates_course(tmp_path / "here", sample)
    there = gates_course(tmp_path / "there", sample)
    autograde(here, ["03_gates"], workers=2, limits=LIMITS, progress=False)
    autograde(there, ["03_gates"], limits=LIMITS, progress=False, scheduler=address)
    assert graded(there) == graded(here)
    assert len(graded(there)) == len(sample)
    for pid in client.run(os.getpid).values():   # the untrusted runs happened on the Dask workers
        assert any("autograder.worker" in " ".join(child.cmdline())
                   for child in psutil.Process(pid).children())


def test_does_an_unreachable_scheduler_get_a_clear_error():
    with socket.socket() as probe:   # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(CourseError, match=f"cannot reach the Dask scheduler at {address}.*"
                                          "start one with `dask scheduler`"):
        DaskCluster(address, timeout=2)


def test_does_a_scheduler_without_workers_get_a_clear_error():
    with LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None) as empty:
        with pytest.raises(CourseError, match="no Dask worker joined the scheduler at .* in 2 s: "
                                              "start some with `dask worker tcp://"):
            DaskCluster(empty.scheduler_address, timeout=2)


SLOW = "import time\ntime.sleep(0.5)"   # a cell that keeps every run busy for half a second


def test_does_a_dask_worker_killed_mid_run_lose_no_submission_and_grade_none_twice(cluster, tmp_path):
    """`backprop-course autograde --scheduler` grades a class while one of the two Dask workers is
    killed in the middle of a grading task; Dask runs its tasks again on the other."""
    address, client = cluster
    solved = solved_release(ROOT, "03_gates", "gates.ipynb")
    wrong = replace_in(solved, "mul_backward", "return y * dout, x * dout", "return x * dout, y * dout")
    expected = {f"student{i:02d}": 6.0 if i % 2 else 3.0 for i in range(16)}
    root = gates_course(tmp_path / "course", {s: with_cell(solved if score == 6 else wrong, SLOW)
                                              for s, score in expected.items()})
    grading = subprocess.Popen(["backprop-course", "autograde", "03_gates", "--scheduler", address],
                               cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    victim, started = _busy_worker(client)
    left_behind = psutil.Process(victim).children(recursive=True)
    os.kill(victim, signal.SIGKILL)
    output, _ = grading.communicate(timeout=300)
    assert grading.returncode == 0, output

    assert 2 < started < len(expected)   # the kill landed mid-run, on a worker running a task
    assert "16 submission(s) graded" in output
    assert f"sandbox of the Dask workers at {address}:" in output
    for protection in ("no network", "private read-only root", "unprivileged user"):
        assert f"{protection} on" in output   # the Dask workers sandbox as local grading does
    saved = results.load_all(root, "03_gates")
    assert {r.student: r.score for r in saved} == expected
    for result in saved:
        assert {e.status for e in result.exercises} <= {"passed", "failed"}, result
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        submissions = gradebook.find_assignment("03_gates").submissions
        assert sorted(s.student.id for s in submissions) == sorted(expected)
        assert {s.student.id: s.score for s in submissions} == expected
    gone, alive = psutil.wait_procs(left_behind, timeout=30)
    assert not alive, f"the killed worker left {alive} behind"


def _busy_worker(client, seconds=120):
    """Once a few grading tasks have started: the pid of a Dask worker that is running one, and
    how many tasks have started so far (Dask keys them grade_on_dask_worker-...)."""
    seen = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for address, keys in client.processing().items():
            running = {k for k in keys if str(k).startswith("grade_on_dask_worker")}
            seen |= running
            if running and len(seen) > 2:
                return client.run(os.getpid)[address], len(seen)
        time.sleep(0.02)
    raise AssertionError("no Dask worker was running a grading task")


# Without isolation a cell can reach past its sandbox: this one notes each attempt in a file, then
# kills the Dask worker its grading process runs under (the first ancestor that is not one of
# autograder.worker's processes)
KILLER = """import os, signal
with open({log!r}, "a") as log:
    log.write("attempt\\n")
pid = os.getpid()
while True:
    with open(f"/proc/{{pid}}/stat") as stat:
        parent = int(stat.read().rsplit(")", 1)[1].split()[1])
    with open(f"/proc/{{parent}}/cmdline", "rb") as cmdline:
        if b"autograder.worker" not in cmdline.read():
            break
    pid = parent
os.kill(parent, signal.SIGKILL)
"""


def test_does_a_batch_with_a_submission_that_kills_its_dask_worker_blame_only_that_one(tmp_path):
    """Graded without isolation, one submission kills the Dask worker that runs it, every time.
    Its batch's task kills every worker Dask tries, so the batch's jobs run again one per task:
    the killer ends as "worker died", every other submission, in its batch or not, is graded right.
    The scheduler lets a task fail on 2 workers (allowed-failures 1) and gives a worker only the
    task it runs (worker-saturation 1.0, no stealing), so no innocent task shares a worker's death."""
    solved = solved_release(ROOT, "03_gates", "gates.ipynb")
    wrong = replace_in(solved, "mul_backward", "return y * dout, x * dout", "return x * dout, y * dout")
    attempts = tmp_path / "attempts.log"
    expected = {f"student{i:02d}": 6.0 if i % 3 else 3.0 for i in range(16)}   # batches of 4
    class_ = {s: solved if score == 6 else wrong for s, score in expected.items()}
    class_["student05"] = with_cell(solved, KILLER.format(log=str(attempts)), before="check_mul_backward")
    root = gates_course(tmp_path / "course", class_)
    settings = {"distributed.scheduler.allowed-failures": 1,
                "distributed.scheduler.worker-saturation": 1.0,
                "distributed.scheduler.work-stealing": False}
    with dask.config.set(settings), LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                 host="127.0.0.1", dashboard_address=None) as local:
        graded_, _, _ = autograde(root, ["03_gates"], limits=LIMITS, progress=False,
                                  scheduler=local.scheduler_address, no_isolation=True)

    assert len(graded_) == len(expected)
    saved = {r.student: r for r in results.load_all(root, "03_gates")}
    killer = saved.pop("student05")
    assert killer.score == 0
    for exercise in killer.exercises:
        assert exercise.status == "crashed"
        assert "brought the grading worker down" in exercise.message
    for student, result in saved.items():
        assert result.score == expected[student], result
        assert {e.status for e in result.exercises} <= {"passed", "failed"}, result
    # twice in its batch (on each of the 2 workers allowed), then twice alone
    assert attempts.read_text().splitlines() == ["attempt"] * 4
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        submissions = gradebook.find_assignment("03_gates").submissions
        assert sorted(s.student.id for s in submissions) == sorted(expected)


def test_does_the_coordinator_leave_drawing_running_and_judging_to_the_dask_workers(
        cluster, tmp_path, monkeypatch):
    """A right, a wrong and a blank notebook graded on the cluster: their verdicts are the ones
    local grading gives, and the coordinator drew no hidden case, computed no expected value and
    judged no answer."""
    address, _ = cluster
    done_here = []

    def counted(function):
        def wrapper(*args, **kwargs):
            done_here.append(function.__name__)
            return function(*args, **kwargs)
        return wrapper
    monkeypatch.setattr(Exercise, "expected", counted(Exercise.expected))
    for name in ("_cases", "verdict", "grade_notebook"):
        monkeypatch.setattr(grading, name, counted(getattr(grading, name)))
    every = gates_class(ROOT)
    sample = {"ann": every["sample-01-correct"], "bob": every["sample-03-mul-not-swapped"],
              "cy": every["sample-02-blank"]}
    there = gates_course(tmp_path / "there", sample)
    autograde(there, ["03_gates"], limits=LIMITS, progress=False, scheduler=address)
    assert done_here == []
    monkeypatch.undo()
    here = gates_course(tmp_path / "here", sample)
    autograde(here, ["03_gates"], workers=1, limits=LIMITS, progress=False)
    assert graded(there) == graded(here)
    assert [e.status for e in results.load(there, "03_gates", "ann").exercises] == ["passed"] * 5
    assert "failed" in [e.status for e in results.load(there, "03_gates", "bob").exercises]
