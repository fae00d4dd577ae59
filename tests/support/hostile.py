"""Bad and hostile submissions of 03_gates, built from the course's own notebooks.

`cases(root, marker)` maps a student name to a builder of that student's submission; `course`
makes a throwaway course directory holding them all. Each builder starts from the release (what
students get) or from a "solved release" (the release with every solution cell replaced by the
instructor's code without its markers) and spoils it in one way. Runtime mischief goes into
flow_backward, which no other exercise calls, so it should cost that exercise only.
`SandboxWatch` counts the sandboxes' processes while grading runs.
"""
import collections
import json
import os
from pathlib import Path
import re
import textwrap
import threading
import time

import nbformat

from autograder import sample_class
from autograder.sample_class import copy_course

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "03_gates"
NOTEBOOK = "gates.ipynb"
POINTS = {"mul_backward": 1.0, "add_backward": 1.0, "max_backward": 1.0, "flow_backward": 2.0,
          "gates_question_1": 1.0}
GATES = ("mul_backward", "add_backward", "max_backward")   # flow_backward calls all three
GRADIENTS = (*GATES, "flow_backward")   # the exercises that return gradients (the question a number)


def release():
    return nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)


def solutions():
    """The instructor's code of each solution cell, by grade id, without the marker lines."""
    return sample_class.solutions(ROOT, ASSIGNMENT, NOTEBOOK)


def solved():
    nb = release()
    for grade_id, code in solutions().items():
        cell(nb, grade_id).source = code
    return nb


def cell(nb, grade_id):
    """The cell with this nbgrader grade id (a solution cell is named after its function)."""
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_cells(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


def replace(nb, function, code):
    """Set the solution cell of function to code (dedented)."""
    cell(nb, function).source = textwrap.dedent(code).strip()
    return nb


def insert(nb, code, after="import numpy"):
    """Insert a new code cell of code after the first cell starting with `after`."""
    index = next(i for i, c in enumerate(nb.cells) if c.source.startswith(after))
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(textwrap.dedent(code).strip()))
    return nb


def solved_but(function, body):
    """The solved release with function's body replaced (its signature kept)."""
    nb = solved()
    header = cell(nb, function).source.split('"""')[0].rstrip()
    return replace(nb, function, header + "\n" + textwrap.indent(textwrap.dedent(body).strip(), "    "))


# --- the cases: student name -> nb (written as gates.ipynb) or {file name: nb | bytes} --------

def _v3():
    return nbformat.writes(nbformat.convert(solved(), 3)).encode()


def _corrupt():
    text = nbformat.writes(solved())
    return text[: len(text) // 2].encode()


def _renamed():
    return {"gates-Copy1.ipynb": solved()}


def _extra():
    return {NOTEBOOK: solved(), "scratch.ipynb": release()}


def _tests(change):
    def build():
        nb = solved()
        for test in test_cells(nb):
            change(nb, test)
        return nb
    return build


def _delete(nb, test):
    nb.cells.remove(test)


def _edit(nb, test):
    name = test.metadata["nbgrader"]["grade_id"].removeprefix("check_")
    test.source = f'print("{name}: passed 1 visible check.")'


def _to_markdown(nb, test):
    nb.cells[nb.cells.index(test)] = nbformat.v4.new_markdown_cell(test.source, metadata=test.metadata)


def _strip_metadata(nb, test):
    for c in nb.cells:
        c.metadata.pop("nbgrader", None)


def _more_points(nb, test):
    test.metadata["nbgrader"]["points"] = 100


def _kernelspec():
    nb = solved()
    nb.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    nb.metadata["language_info"] = {"name": "R"}
    return nb


def _magics():
    nb = solved()
    cell(nb, "mul_backward").source = "%%capture captured\n" + cell(nb, "mul_backward").source
    add = cell(nb, "add_backward")
    add.source = "%time _ = 1 + 1\n%matplotlib inline\n" + add.source
    return nb


def _shell(marker):
    """Shell escapes, a captured one, a direct system() call and a %%bash cell that would each
    create the file marker."""
    def build():
        nb = insert(solved(), f"!touch {marker}\nlisting = !ls /\n"
                              f"get_ipython().system('touch {marker}')")
        return insert(nb, f"%%bash\ntouch {marker}")
    return build


def _fake_results(root):
    fake = json.dumps({"student": "fake-results", "assignment": ASSIGNMENT, "fingerprint": "",
                       "exercises": [{"notebook": NOTEBOOK, "exercise": name, "score": points,
                                      "max_score": points, "status": "passed", "message": ""}
                                     for name, points in POINTS.items()], "notes": [],
                       "seconds": 0.0})
    targets = ["grading.json", "../grading.json", "../../grading.json",
               f"{root}/autograded/fake-results/{ASSIGNMENT}/grading.json",
               f"{root}/submitted/fake-results/{ASSIGNMENT}/grading.json"]
    return insert(release(), f"""
        import os
        for _ in range(3):
            print("All tests passed! Score: 6 / 6")
        for target in {targets!r}:
            try:
                os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
                with open(target, "w") as f:
                    f.write({fake!r})
            except OSError:
                pass
    """)


RIGHT = "return 2.0 * y, 2.0 * x, 2.0 * (z >= w), 2.0 * (z < w)"


def _stolen_files(root):
    return solved_but("flow_backward", f"""
        with open("{root}/gradebook.db", "rb") as f:
            f.read()
        with open("{root}/source/{ASSIGNMENT}/{NOTEBOOK}") as f:
            f.read()
        with open("{root}/submitted/honest/{ASSIGNMENT}/{NOTEBOOK}") as f:
            f.read()
        return 2.0 * y, 2.0 * x, 2.0 * (z >= w), 2.0 * (z < w)
    """)


def _written_files(root):
    """Writes into the gradebook and the instructor's notebook, then answers right."""
    return solved_but("flow_backward", f"""
        with open("{root}/gradebook.db", "ab") as f:
            f.write(b"garbage")
        with open("{root}/source/{ASSIGNMENT}/{NOTEBOOK}", "w") as f:
            f.write("{{}}")
        return 2.0 * y, 2.0 * x, 2.0 * (z >= w), 2.0 * (z < w)
    """)


PLANTED = ("sitecustomize.py", "usercustomize.py", "zz-planted.pth")


def planted_places(root):
    """Where a submission would plant startup files for later grading processes: the grader's
    Python installation, home, course folder and temp folder."""
    import site
    import tempfile
    return [*site.getsitepackages(), site.getusersitepackages(), os.path.expanduser("~"),
            str(root), tempfile.gettempdir()]


def _plants_startup_files(root, marker):
    """The solved release, plus a cell that writes startup files wherever it can."""
    payload = f"open({str(marker)!r}, 'w').close()"
    return insert(solved(), f"""
        import os
        for folder in {planted_places(root)!r}:
            for name in {PLANTED!r}:
                try:
                    with open(os.path.join(folder, name), "w") as f:
                        f.write(("import os; " if name.endswith(".pth") else "") + {payload!r} + "\\n")
                except OSError:
                    pass
    """)


_FLOW_CASE = "dict(x=x, y=y, z=z, w=w)"
MACHINERY = {   # student -> how flow_backward gets its answer from the course's answer machinery
    "machinery-direct": f"""
        from course.exercises import EXERCISES
        return EXERCISES["flow_backward"].expected({_FLOW_CASE})""",
    "machinery-renamed": f"""
        import importlib
        key = importlib.import_module("course." + "exer" + "cises")
        return getattr(key, "EXER" + "CISES")["flow_backward"].expected({_FLOW_CASE})""",
    "machinery-sys-modules": f"""
        import sys
        return sys.modules["course.assignments.gates.exercises"].flow_backward.expected({_FLOW_CASE})""",
    "machinery-gc": f"""
        import gc
        found = [o for o in gc.get_objects() if type(o).__name__ == "Exercise"
                 and getattr(o, "name", "") == "flow_backward"]
        return found[0].expected({_FLOW_CASE})""",
    "machinery-numgrad": f"""
        from course.numgrad import input_gradients
        return input_gradients(lambda x, y, z, w: 2 * (x * y + max(z, w)), {_FLOW_CASE}, "xyzw")""",
    "machinery-check": """
        from course import check
        check("flow_backward", flow_backward)
        return 2.0 * y, 2.0 * x, 2.0 * (z >= w), 2.0 * (z < w)""",
}


def _machinery_from_the_stack():
    """A cell that walks up the stack for the grader's own objects and answers with them."""
    return insert(solved_but("flow_backward", f"return FOUND['flow_backward'].expected({_FLOW_CASE})"), """
        import sys
        FOUND = {}
        frame = sys._getframe()
        while frame is not None:
            for value in list(frame.f_locals.values()) + list(frame.f_globals.values()):
                found = isinstance(value, dict) and value.get("flow_backward")
                if found is not None and hasattr(found, "expected"):
                    FOUND = value
            frame = frame.f_back
    """)


def _fork_bomb():
    return solved_but("flow_backward", """
        import os
        while True:
            try:
                os.fork()
            except OSError:
                pass
    """)


def _numpy_patched():
    nb = insert(release(), """
        import numpy as np
        np.allclose = lambda *args, **kwargs: True
        np.isclose = lambda a, b, *args, **kwargs: np.ones_like(a, dtype=bool)
        np.testing.assert_allclose = lambda *args, **kwargs: None
    """)
    return _wrong_answers(nb)


def _wrong_answers(nb):
    for name in GATES:
        replace(nb, name, f"def {name}(x, y, dout):\n    return 0.0, 0.0")
    return replace(nb, "flow_backward", "def flow_backward(x, y, z, w):\n    return 0.0, 0.0, 0.0, 0.0")


def _builtins_patched():
    return insert(solved(), """
        import builtins
        builtins.isinstance = lambda obj, kind: True
        builtins.abs = lambda value: 0
        builtins.print = lambda *args, **kwargs: None
    """)


def _course_patched():
    nb = insert(release(), """
        import course, course.checks
        course.checks.judge = lambda *args, **kwargs: None
        course.checks.check = course.check = check = lambda *args, **kwargs: None
        course.checks.Exercise.run = lambda self, functions, case: self.expected(case)
    """)
    return nb


def _ipython_patched():
    return insert(_wrong_answers(release()), """
        from IPython.core.inputtransformer2 import TransformerManager
        from IPython.core.interactiveshell import InteractiveShell
        TransformerManager.transform_cell = lambda self, cell: "pass\\n"
        InteractiveShell.showtraceback = lambda *args, **kwargs: None
        get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\\n"])
    """)


def _always_equal():
    """A float subclass equal to everything (its real value 0.0 is wrong)."""
    return insert(solved_but("flow_backward", """
        return AlwaysEqual(), AlwaysEqual(), AlwaysEqual(), AlwaysEqual()
    """), """
        class AlwaysEqual(float):
            def __eq__(self, other):
                return True
            __ne__ = lambda self, other: False
            __hash__ = float.__hash__
            def __array__(self, *args, **kwargs):
                raise TypeError("no")
    """)


def _always_equal_single():
    """One object equal to everything, with a length and items, instead of a tuple."""
    return insert(solved_but("flow_backward", "return AlwaysEqual()"), """
        class AlwaysEqual:
            def __eq__(self, other):
                return True
            def __len__(self):
                return 4
            def __iter__(self):
                return iter([0.0] * 4)
    """)


def _ndarray_subclass():
    """0-d arrays of wrong values that claim to equal anything and to hold the right bytes."""
    wrong = "return tuple(LiarArray(v) for v in (0.0, 0.0, 2.0, 0.0))"
    return insert(solved_but("flow_backward", wrong), """
        import numpy as np
        class LiarArray(np.ndarray):
            def __new__(cls, values):
                return np.asarray(values, dtype=float).view(cls)
            def __eq__(self, other):
                return np.ones(np.shape(other), dtype=bool)
            def __array_ufunc__(self, *args, **kwargs):
                return True
            def tobytes(self, *args, **kwargs):
                return np.asarray([-8.0]).tobytes()
    """)


def _lists():
    """The solved release, every `return a, b` written `return [a, b]`."""
    nb = solved()
    for name in GRADIENTS:
        cell(nb, name).source = re.sub(r"return (.+, .+)$", r"return [\1]", cell(nb, name).source, flags=re.M)
    return nb


def _mutates_inputs():
    # Rewrite the case it was called on (and every case of the job) to x = y = z = w = 1, then
    # answer for those inputs: wrong for the inputs the grader drew.
    return solved_but("flow_backward", """
        import sys
        frame = sys._getframe(1)
        while frame is not None:
            for value in list(frame.f_locals.values()):
                if isinstance(value, dict):
                    for key in "xyzw":
                        if key in value:
                            value[key] = 1.0
            frame = frame.f_back
        return 2.0, 2.0, 2.0, 0.0
    """)


def _hard_coded():
    nb = release()
    answers = {"mul_backward": ("x == 3.0 and y == -4.0 and dout == 2.0", "-8.0, 6.0"),
               "add_backward": ("x == -12.0 and y == 2.0 and dout == 3.0", "3.0, 3.0"),
               "max_backward": ("(x, y, dout) == (2.0, -1.0, 2.0)", "2.0, 0.0")}
    for name, (condition, answer) in answers.items():
        replace(nb, name, f"""
            def {name}(x, y, dout):
                if {condition}:
                    return {answer}
                if x == y == 1.0 and dout == 3.0:
                    return 3.0, 0.0
                return 0.0, 0.0
        """)
    return replace(nb, "flow_backward", """
        def flow_backward(x, y, z, w):
            return -8.0, 6.0, 2.0, 0.0
    """)


def _forged_reports(*lines):
    """Write lines that look like the grader's messages to every descriptor that may be its pipe."""
    return insert(release(), f"""
        import os
        for fd in range(3, 256):
            try:
                os.write(fd, {"".join(line + chr(10) for line in lines).encode()!r})
            except OSError:
                pass
    """)


def cases(root, marker):
    """Every case: student name -> builder() returning a notebook, bytes, or {file: either}."""
    return {
        "honest": solved,
        "untouched": release,
        "corrupt-json": _corrupt,
        "empty-file": lambda: b"",
        "nbformat-v3": _v3,
        "renamed": _renamed,
        "missing-notebook": lambda: {"notes.txt": b"I forgot to attach it."},
        "extra-notebook": _extra,
        "tests-deleted": _tests(_delete),
        "tests-edited": _tests(_edit),
        "tests-to-markdown": _tests(_to_markdown),
        "metadata-stripped": _tests(_strip_metadata),
        "points-changed": _tests(_more_points),
        "kernelspec-changed": _kernelspec,
        "input-call": lambda: insert(solved_but("mul_backward", """
            if input("dx? ") == "":
                return 0.0, 0.0
            return y * dout, x * dout
        """), 'name = input("Your name: ")'),
        "magics": _magics,
        "shell-escape": _shell(marker),
        "loop-in-solution": lambda: solved_but("flow_backward", "while True:\n    pass"),
        "loop-at-top-level": lambda: insert(solved(), "while True:\n    pass"),
        "memory-bomb": lambda: solved_but("flow_backward", """
            hoard = []
            while True:
                hoard.append(bytearray(64 * 2**20))
        """),
        "fork-bomb": _fork_bomb,
        "sys-exit": lambda: insert(solved_but("flow_backward", 'import sys\nsys.exit("done")'),
                                   "import sys\nsys.exit(0)"),
        "os-exit": lambda: solved_but("flow_backward", "import os\nos._exit(3)"),
        "base-exception": lambda: solved_but("flow_backward", 'raise BaseException("nope")'),
        "segfault": lambda: solved_but("flow_backward", "import ctypes\nctypes.string_at(0)"),
        "ignores-sigterm": lambda: solved_but("flow_backward", """
            import signal
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            while True:
                pass
        """),
        "floods-output": lambda: insert(solved(), """
            import sys
            line = "All tests passed! " * 1000
            while True:
                print(line)
                sys.stderr.write(line)
        """),
        "fake-results": lambda: _fake_results(root),
        "numpy-patched": _numpy_patched,
        "builtins-patched": _builtins_patched,
        "course-patched": _course_patched,
        "ipython-patched": _ipython_patched,
        "always-equal": _always_equal,
        "always-equal-single": _always_equal_single,
        "ndarray-subclass": _ndarray_subclass,
        "lists": _lists,
        "mutates-inputs": _mutates_inputs,
        "reads-files": lambda: _stolen_files(root),
        "writes-files": lambda: _written_files(root),
        "plants-startup-files": lambda: _plants_startup_files(root, marker),
        **{name: (lambda body=body: solved_but("flow_backward", body)) for name, body in MACHINERY.items()},
        "machinery-stack": _machinery_from_the_stack,
        "centered-differences": lambda: solved_but("flow_backward", """
            from course.assignments.gates.forward import flow_patterns
            def nudged(name, h=1e-5):   # the course's centered difference, copied into the cell
                up, down = dict(x=x, y=y, z=z, w=w), dict(x=x, y=y, z=z, w=w)
                up[name], down[name] = up[name] + h, down[name] - h
                return (flow_patterns(**up) - flow_patterns(**down)) / (2 * h)
            return tuple(nudged(name) for name in "xyzw")
        """),
        "single-precision": lambda: solved_but("flow_backward", """
            import numpy as np
            x, y, z, w = (np.float32(v) for v in (x, y, z, w))
            return tuple(float(v) for v in (2 * y, 2 * x, 2 * np.float32(z >= w), 2 * np.float32(z < w)))
        """),
        "closes-channel": lambda: insert(solved(), """
            import os, time
            os.closerange(3, 1024)   # its socket to the worker among them
            time.sleep(1000)
        """),
        "fills-disk": lambda: insert(solved_but("flow_backward", f"if WRITTEN <= 80 * 2**20:\n    {RIGHT}"),
                                     """
            import os, tempfile
            WRITTEN = 0
            chunk = b"x" * 2**20
            for i, folder in enumerate((os.getcwd(), tempfile.gettempdir(), os.path.expanduser("~"))):
                for k in range(32):
                    try:
                        with open(os.path.join(folder, f"filler-{i}-{k}"), "wb") as f:
                            for _ in range(8):
                                f.write(chunk)
                                f.flush()
                                WRITTEN += len(chunk)
                    except OSError:
                        pass
        """),
        "source-notebook": lambda: nbformat.read(ROOT / "source" / ASSIGNMENT / NOTEBOOK, as_version=4),
        "chatty-loop": lambda: insert(solved(), """
            import os
            while True:   # notices in their form, as fast as it can
                for fd in range(3, 64):
                    try:
                        os.write(fd, b'{"tampered": ["nothing"]}\\n')
                    except OSError:
                        pass
        """),
        "huge-timestamp": lambda: {NOTEBOOK: solved(), "timestamp.txt": b"99999999999999999999"},
        "linked-timestamp": lambda: {NOTEBOOK: solved(), "timestamp.txt": Link("/etc/hostname")},
        "fifo-timestamp": lambda: {NOTEBOOK: solved(), "timestamp.txt": FIFO},
        "hard-coded": _hard_coded,
        "floods-channel": lambda: insert(solved(), """
            import os
            line = ('{"note": "' + "x" * 10000 + '"}' + chr(10)).encode()
            for _ in range(2000):
                for fd in range(3, 64):
                    try:
                        os.write(fd, line)
                    except OSError:
                        pass
        """),
        "forges-end": lambda: _forged_reports('{"finished": true}',
                                              '{"end": {"reason": "exited", "code": 0}}'),
        "forges-shapes": lambda: _forged_reports('{"case_done": 5}', '{"missing": [["x"], 1]}'),
        "forges-nesting": lambda: _forged_reports("[" * 100000 + "]" * 100000),
    }


class Link(str):
    """A file to write as a symbolic link to this target."""


FIFO = object()   # a file to write as a named pipe


def write_submission(folder, built):
    """Write what a builder made into a submission folder (with a timestamp.txt, unless it
    brings its own)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {NOTEBOOK: built} if isinstance(built, (bytes, nbformat.NotebookNode)) else built
    files = {"timestamp.txt": b"2024-05-01 12:00:00.000000 UTC", **files}
    for name, content in files.items():
        if isinstance(content, Link):
            (folder / name).symlink_to(content)
        elif content is FIFO:
            os.mkfifo(folder / name)
        elif isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            nbformat.write(content, folder / name)


def course(root, marker):
    """A course directory at root holding every case under submitted/<case>/03_gates/."""
    copy_course(ROOT, root)
    for name, build in cases(root, marker).items():
        write_submission(root / "submitted" / name / ASSIGNMENT, build())
    return root


class SandboxWatch(threading.Thread):
    """Samples /proc while grading runs: every process of the sandboxes of this process's grading
    workers (the process that forks the workers -> a worker -> a run's student's process -> the
    processes it forked), and the most processes any one run had at once. Processes are told
    apart by pid and start time."""

    def __init__(self):
        super().__init__(daemon=True)
        self.done = threading.Event()
        self.seen, self.peak = set(), 0

    def run(self):
        while not self.done.wait(0.02):
            table = processes()
            children = collections.defaultdict(list)
            for pid, (ppid, _) in table.items():
                children[ppid].append(pid)
            forking = [w for w in children[os.getpid()] if _is_grading_worker(w)]
            workers = [c for w in forking for c in children[w]]
            for student in [s for w in workers for s in children[w]]:
                run = [student, *_descendants(student, children)]
                self.peak = max(self.peak, len(run))
                self.seen |= {(pid, table[pid][1]) for pid in run if pid in table}

    def stop(self):
        self.done.set()
        self.join()

    def left(self, seconds=5.0):
        """The sandbox processes still there after up to `seconds` of waiting."""
        deadline = time.monotonic() + seconds
        while True:
            table = processes()
            left = [pid for pid, started in self.seen if table.get(pid, (None, None))[1] == started]
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.05)


def _is_grading_worker(pid):
    try:
        return b"autograder.worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _descendants(pid, children):
    found, stack = [], list(children[pid])
    while stack:
        found.append(stack.pop())
        stack.extend(children[found[-1]])
    return found


def processes():
    """pid -> (parent pid, start time in clock ticks) of every process."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            table[int(stat.parent.name)] = (int(fields[1]), int(fields[19]))
        except (OSError, IndexError, ValueError):
            pass   # it ended while we looked
    return table
