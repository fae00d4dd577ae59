"""The course's answer machinery in a grading worker: once the worker has replaced it, is nothing of
it left, and does the worker refuse to grade when an exercise definition, a mistake or one of the
machinery's functions is still reachable?"""
import subprocess
import sys

import pytest

KEPT = {
    "an exercise definition": "kept = EXERCISES['mul_backward']",
    "one of its mistakes": "kept = next(e for e in EXERCISES.values() if e.mistakes).mistakes[0]",
    "the function computing its expected values": "kept = EXERCISES['mul_backward'].expect",
}


def purged(keep=""):
    """Warm up and purge as a grading worker does, in a process of its own, keeping what keep
    binds; the finished process."""
    script = ("from autograder import answer_machinery, worker\n"
              "worker.warm_up()\n"
              "from course.exercises import EXERCISES\n"
              f"{keep}\n"
              "del EXERCISES\n"
              "answer_machinery.purge()\n"
              "print(answer_machinery.leftovers())\n")
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)


def test_is_nothing_of_the_machinery_left_once_a_worker_has_purged_it():
    done = purged()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("kept", KEPT)
def test_does_a_worker_refuse_to_go_on_with_part_of_the_machinery_reachable(kept):
    done = purged(KEPT[kept])
    assert done.returncode != 0
    assert "MachineryLeft: the answer machinery is still reachable in the grading worker" in done.stderr
