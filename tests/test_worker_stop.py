"""Stopping a grading worker: is it gone once stop() returns (reaped, so no zombie is left and its
CPU time is counted), also when it is stuck in a job that would run for minutes, and may stop() be
called again, or on a worker that never started?"""
import time

import psutil

from autograder import pool, protocol
from autograder.sandbox import Limits

SLEEPER = "import time\nwhile True:\n    time.sleep(1)\n"   # stuck, without spending CPU


def _family(process):
    """The process and its descendants, once it has one (a run has begun)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        family = [process, *process.children(recursive=True)]
        if len(family) > 1:
            return family
        time.sleep(0.05)
    return [process]


def test_is_an_idle_worker_gone_once_stop_returns():
    pool.Worker(0).stop()   # never started: nothing to do
    worker = pool.Worker(0).start()
    process = worker.process
    watched = psutil.Process(process.pid)
    worker.stop()
    assert process.returncode == 0
    assert not watched.is_running()   # reaped: not even a zombie
    worker.stop()   # a second time: nothing to do


def test_is_a_worker_stuck_in_a_long_job_killed_and_reaped_within_the_bound():
    worker = pool.Worker(0, Limits(cell_seconds=600, job_seconds=600, cpu_seconds=600)).start()
    process = worker.process
    process.stdin.write(protocol.requests({"cells": [[0, SLEEPER]], "exercises": [],
                                           "skip_exercises": []}))
    process.stdin.flush()
    watched = psutil.Process(process.pid)
    family = _family(watched)
    assert len(family) == 2   # the worker and its run's student's process
    began = time.monotonic()
    worker.stop()
    assert time.monotonic() - began < pool.STOP_SECONDS + 2
    assert process.returncode is not None
    assert not watched.is_running()   # reaped: not even a zombie
    assert psutil.wait_procs(family[1:], timeout=5)[1] == []   # its run's processes ended too
