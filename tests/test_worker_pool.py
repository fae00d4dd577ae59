"""A pool of grading workers: are its workers forked from one process that warmed up once for
them all, each with pipes of its own, so that one that dies leaves its neighbour grading? Is that
process reaped once they have all stopped, so that no zombie is left and their CPU time counts?"""
import os
import signal

import psutil

from autograder import pool
from autograder.transport import dumps

JOB = {"cells": [[0, "raise ValueError(6 * 7)"]], "exercises": [], "skip_exercises": []}


def _printed(worker):
    """What a job whose cell raises ValueError(6 * 7) reports, as text, through this worker."""
    return dumps(list(worker.run(JOB))).decode()


def test_are_a_pools_workers_forked_from_one_warmed_up_process():
    workers = [worker.start() for worker in pool.launch([pool.Worker(0), pool.Worker(1)])]
    try:
        pids = [worker.process.pid for worker in workers]
        parents = {psutil.Process(pid).ppid() for pid in pids}
        assert len(set(pids)) == 2 and len(parents) == 1
        forking = psutil.Process(parents.pop())
        assert forking.ppid() == os.getpid()
        assert all("42" in _printed(worker) for worker in workers)
    finally:
        for worker in workers:
            worker.stop()
    assert not forking.is_running()   # reaped: not even a zombie
    assert [worker.process for worker in workers] == [None, None]


def test_does_a_worker_that_dies_leave_its_neighbour_grading_and_get_replaced():
    first, second = (worker.start() for worker in pool.launch([pool.Worker(0), pool.Worker(1)]))
    try:
        forking = psutil.Process(psutil.Process(first.process.pid).ppid())
        dead = psutil.Process(first.process.pid)
        dead.kill()
        dead.wait(timeout=10)                      # gone: reaped by the process that forked it
        assert first.process.wait(10) == -signal.SIGKILL   # as the grader learns it
        assert "42" in _printed(second)
        assert "42" in _printed(first)             # on a worker started in its place
        assert first.process.pid != dead.pid
        assert forking.is_running()                # it still has a worker to wait for
    finally:
        first.stop()
        second.stop()
    assert not forking.is_running()
