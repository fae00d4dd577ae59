"""One student must not harm, stall or read another: do traces a submission leaves (IPC objects,
deep folders, processes, zombies, what it held in memory) reach the next submission graded by the
same worker, does a CPU-hungry neighbour make an honest submission time out, and does stopping
`autograde` by a signal stop everything it started?"""
import os
import platform
import secrets
import signal
import subprocess
import sys
import time

import psutil
import pytest

from autograder.autograde import autograde
from autograder.sample_class import copy_course
from autograder.sandbox import Limits
from support import hostile

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own

A = hostile.ASSIGNMENT
LIMITS = Limits(cell_seconds=3, case_seconds=2, job_seconds=30)
ALICE = "alice-notes-" + secrets.token_hex(8)    # in the first student's notebook only
TOKEN = "grader-token-" + secrets.token_hex(8)   # in the grader's environment only
CONTROL = "control-" + secrets.token_hex(8)      # kept by the searching student itself
RIGHT = "return 2.0 * y, 2.0 * x, 2.0 * (z >= w), 2.0 * (z < w)"
WRONG = "return 0.0, 0.0, 0.0, 0.0"


def _hidden(text):
    """Python code that builds text as bytes at run time, so the source never holds it."""
    return f"bytes(c ^ 0x5A for c in {bytes(c ^ 0x5A for c in text.encode())!r})"


LEAVES_TRACES = f'''
import ctypes, os, time
NOTE = "{ALICE}"
libc = ctypes.CDLL(None, use_errno=True)
libc.shmget(0x5EC12E7, 4096, 0o1666)     # IPC_CREAT | 0666: memory, a queue, semaphores
libc.msgget(0x5EC12E7, 0o1666)
libc.semget(0x5EC12E7, 1, 0o1666)
here = os.getcwd()
for _ in range(3000):                      # a folder tree deeper than recursion goes
    os.mkdir("d")
    os.chdir("d")
os.chdir(here)
if os.fork() == 0:                         # a daemon that means to outlive the run
    os.setsid()
    time.sleep(1000)
'''

FINDS_TRACES = f'''
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.write.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t]
PAGE = 4096

def in_memory(patterns, span=128 * 2**20):
    """The patterns found in this process's memory near its heap, outside the pattern objects
    themselves: each page goes through a pipe, so a page that is not mapped just fails."""
    read, write = os.pipe()
    window = bytearray(2 * PAGE)
    start = ctypes.addressof(ctypes.c_char.from_buffer(window))
    skip = [(id(p) + sys.getsizeof(b"") - 1, len(p)) for p in patterns] + [(start, len(window))]
    found = set()
    for anchor in {{id(object()) // PAGE * PAGE, start // PAGE * PAGE}}:
        previous = None
        for address in range(anchor - span, anchor + span, PAGE):
            if libc.write(write, address, PAGE) != PAGE:
                previous = None
                continue
            window[:PAGE] = window[PAGE:] if previous == address - PAGE else bytes(PAGE)
            os.readv(read, [memoryview(window)[PAGE:]])
            previous = address
            for pattern in patterns:
                at = window.find(pattern)
                while at >= 0:
                    where = address - PAGE + at
                    if not any(s <= where < s + n for s, n in skip):
                        found.add(pattern)
                    at = window.find(pattern, at + 1)
    return found

CONTROL = {_hidden(CONTROL)}
KEPT = bytearray(CONTROL)                  # a copy that the scan must find
SECRETS = [{_hidden(ALICE)}, {_hidden(TOKEN)}]
FOUND = in_memory([CONTROL, *SECRETS])
LEFT = [libc.shmget(0x5EC12E7, 0, 0), libc.msgget(0x5EC12E7, 0), libc.semget(0x5EC12E7, 0, 0)]
CLEAN = CONTROL in FOUND and not FOUND & set(SECRETS) and LEFT == [-1, -1, -1] and \\
    SECRETS[1].decode() not in str(os.environ)
'''


def _solved_with(cell, body):
    return hostile.insert(hostile.solved_but("flow_backward", body), cell)


@pytest.fixture(scope="module")
def neighbours(tmp_path_factory):
    root = copy_course(hostile.ROOT, tmp_path_factory.mktemp("neighbours") / "course", [A])
    students = {
        "a-leaves-traces": _solved_with(LEAVES_TRACES, RIGHT),
        "b-finds-traces": _solved_with(FINDS_TRACES, f"if CLEAN:\n    {RIGHT}\n{WRONG}"),
        "c-honest": hostile.solved(),
    }
    for name, nb in students.items():
        hostile.write_submission(root / "submitted" / name / A, nb)
    os.environ["BACKPROP_TEST_TOKEN"] = TOKEN   # as a database password would be
    watch = hostile.SandboxWatch()
    watch.start()
    try:
        graded, _, _ = autograde(root, [A], students=list(students), workers=1, limits=LIMITS,
                                 progress=False)
    finally:
        watch.stop()
        del os.environ["BACKPROP_TEST_TOKEN"]
    return {r.student: r for r in graded}, watch


def test_does_the_next_student_find_no_trace_of_the_one_before(neighbours):
    graded, _ = neighbours
    assert [e.status for e in graded["a-leaves-traces"].exercises] == ["passed"] * 5
    finder = graded["b-finds-traces"]
    assert finder.score == 6, [(e.exercise, e.message) for e in finder.exercises]


def test_does_a_deep_folder_left_behind_cost_the_next_student_nothing(neighbours):
    graded, _ = neighbours
    assert graded["c-honest"].score == 6


def test_is_no_process_of_those_runs_left(neighbours):
    _, watch = neighbours
    assert watch.seen and watch.left() == []


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the raw clone call is x86_64's")
def test_do_children_cloned_onto_the_grader_leave_no_zombies(tmp_path):
    root = copy_course(hostile.ROOT, tmp_path / "course", [A])
    # clone(CLONE_PARENT) makes the new process a child of the caller's parent: the kernel refuses
    # it to the student's process, PID 1 of its namespace; a child of its own clones onto it
    clones = '''
        import ctypes, os, time
        libc = ctypes.CDLL(None, use_errno=True)

        def clone_onto_parent():
            for _ in range(3):
                if libc.syscall(56, 0x8000 | 17, 0, 0, 0, 0) == 0:   # clone(CLONE_PARENT | SIGCHLD)
                    os._exit(0)

        clone_onto_parent()
        if os.fork() == 0:
            clone_onto_parent()
            os._exit(0)
        time.sleep(0.3)   # its children's zombies stay a while
    '''
    hostile.write_submission(root / "submitted" / "clones" / A, _solved_with(clones, RIGHT))
    watch = hostile.SandboxWatch()
    watch.start()
    try:
        graded, _, _ = autograde(root, [A], workers=1, limits=LIMITS, progress=False)
    finally:
        watch.stop()
    assert graded[0].score == 6
    assert watch.seen and watch.left() == []   # a zombie is still a process until it is reaped


def test_does_a_cpu_hungry_neighbour_leave_an_honest_submission_its_time(tmp_path):
    root = copy_course(hostile.ROOT, tmp_path / "course", [A])
    hog = '''
        import os
        for _ in range(6):
            if os.fork() == 0:
                break
        while True:
            pass
    '''
    slow = '''
        import time
        started = time.process_time()
        while time.process_time() - started < 1.0:   # a second of CPU: a third of the cell's limit
            pass
    '''
    for name in ("hog-1", "hog-2"):
        hostile.write_submission(root / "submitted" / name / A, hostile.insert(hostile.solved(), hog))
    hostile.write_submission(root / "submitted" / "slow-honest" / A, hostile.insert(hostile.solved(), slow))
    graded, _, _ = autograde(root, [A], workers=2, limits=LIMITS, progress=False)
    scores = {r.student: (r.score, r.notes) for r in graded}
    assert scores["slow-honest"] == (6.0, []), scores


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_does_stopping_autograde_by_a_signal_stop_everything_it_started(tmp_path, stop):
    root = copy_course(hostile.ROOT, tmp_path / "course", [A])
    for k in range(4):
        hostile.write_submission(root / "submitted" / f"loop{k}" / A,
                                 hostile.insert(hostile.solved(), "while True:\n    pass"))
    grading = subprocess.Popen([sys.executable, "-m", "autograder.cli", "autograde", A],
                               cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = psutil.Process(grading.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(started.children(recursive=True)) < 6:
        time.sleep(0.1)
    family = started.children(recursive=True)
    assert len(family) >= 6, "grading never got as far as running student code"
    grading.send_signal(stop)
    grading.wait(timeout=30)
    _, alive = psutil.wait_procs(family, timeout=10)
    assert alive == []
