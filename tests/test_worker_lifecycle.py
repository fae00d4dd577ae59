"""A grading worker's life: does a worker whose grader stops listening early (a run that ends on a
configuration error while its workers are still warming up) end quietly, without printing a
traceback into the grader's terminal?"""
from dataclasses import asdict
import json
import subprocess
import sys

from autograder import pool
from autograder.sandbox import Limits, choose_mode


def test_does_a_worker_whose_grader_stopped_listening_end_without_a_traceback():
    worker = subprocess.Popen(
        [sys.executable, "-I", "-c", pool._BOOT, json.dumps(pool.import_path()),
         json.dumps(asdict(Limits())), choose_mode()],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/")
    worker.stdout.close()          # the grader is gone before the worker says it is ready
    _, errors = worker.communicate(timeout=60)
    assert errors.decode() == ""
    assert worker.returncode == 0
