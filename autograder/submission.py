"""Reading one student's submitted notebooks safely: which file stands for which notebook, which of
its cells to run, and what was tampered with.

A submission folder, submitted/<student>/<assignment>/, is written by students: every file in it is
opened without following a link or blocking (a FIFO), only if it is a regular file, and read up to
a limit; walks through it are bounded in entries and depth."""
from __future__ import annotations

from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
import hashlib
from itertools import islice
import json
import os
from pathlib import Path
import re
import stat
from typing import TYPE_CHECKING

from autograder.regions import instructor_markers, visible_part
from autograder.results import Status

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from autograder.assignment import NotebookSpec

MAX_NOTEBOOK_BYTES = 8 * 2**20
MAX_OTHER_NOTEBOOKS = 10       # notebooks not named by a spec read in search of a renamed one
MAX_STAMP_BYTES = 4096         # timestamp.txt, submission_secret.txt
MAX_ENTRIES = 1000             # entries listed in a folder, or fingerprinted in a submission
MAX_DEPTH = 16                 # folder levels fingerprinted
MAX_HASHED_BYTES = 64 * 2**20  # file contents fingerprinted; the files beyond by size and time
EARLIEST, LATEST = datetime(1970, 1, 1), datetime(2100, 1, 1)   # sane submission times
# A time zone that dateutil would read from a file outside its zoneinfo folders.
_ZONE_FILE = re.compile(r"(?:^|\s):?/|\.\.")
_KINDS = ((stat.S_ISREG, "a file"), (stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link"),
          (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"))


class Ungradable(Exception):
    """A submitted file (or folder) that cannot be read as wanted; the message says why."""


@dataclass
class SubmittedNotebook:
    """A submitted notebook matched to a NotebookSpec: the notebook as read (None when missing or
    unreadable), the code cells to run (index, source), notes for a person, what was done to each
    test cell (grade id -> sentences), what concerns the whole notebook (sentences), and why it
    cannot be graded (problem, with its status: MISSING or UNGRADABLE), if so."""
    spec: object
    path: Path | None = None
    notebook: dict | None = None
    cells: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    tampered: dict = field(default_factory=dict)
    everywhere: list = field(default_factory=list)
    problem: str = ""
    problem_status: Status | None = None


def _kind(mode):
    return next((word for test, word in _KINDS if test(mode)), "not a file")


def _open(path, dir_fd=None, folder=False):
    """A descriptor of the regular file (or the folder) at path, relative to the folder dir_fd,
    opened without following a link or blocking; Ungradable saying what is there instead."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    flags |= os.O_DIRECTORY if folder else 0
    wanted = "a folder" if folder else "a file"
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except OSError as error:
        try:
            found = _kind(os.stat(path, dir_fd=dir_fd, follow_symlinks=False).st_mode)
        except OSError:
            found = wanted
        if found == wanted:
            raise Ungradable(f"{Path(path).name} cannot be opened ({error.strerror})") from None
        raise Ungradable(f"{Path(path).name} is {found}, not {wanted}") from None
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISDIR(mode) if folder else stat.S_ISREG(mode)):
        os.close(fd)
        raise Ungradable(f"{Path(path).name} is {_kind(mode)}, not {wanted}")
    return fd


@contextmanager
def opened(folder: Path | str) -> Iterator[int]:
    """A descriptor of the submission folder <student>/<assignment>; Ungradable if either of the
    two is a link (to another student's folder, say) or not a folder."""
    folder = Path(folder)
    student = _open(folder.parent, folder=True)
    try:
        fd = _open(folder.name, student, folder=True)
    finally:
        os.close(student)
    try:
        yield fd
    finally:
        os.close(fd)


def read_file(name: str, dir_fd: int, limit: int) -> bytes:
    """The bytes of the regular file name in the folder dir_fd, as long as it was when opened;
    Ungradable if it is anything else (a link, a FIFO, a folder) or over limit bytes."""
    with open(_open(name, dir_fd), "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size > limit:
            raise _too_big(name, size, limit)
        return file.read(size)


def _too_big(name, size, limit):
    """The Ungradable for a file of size bytes over a limit of bytes."""
    return Ungradable(f"{name} is {_bytes(size)}, over the {_bytes(limit)} limit")


def _bytes(size):
    return f"{size // 2**20} MiB" if size >= 2**20 else f"{size} bytes"


def _listing(dir_fd):
    """(name, lstat) of the first MAX_ENTRIES entries of the folder dir_fd, in name order."""
    with os.scandir(dir_fd) as entries:
        return sorted((e.name, e.stat(follow_symlinks=False)) for e in islice(entries, MAX_ENTRIES))


def read_stamps(folder: Path | str, names: Sequence[str]) -> dict[str, bytes | None]:
    """name -> the bytes of each of a submission's small metadata files (timestamp.txt,
    submission_secret.txt), or None where it is missing, not a regular file or over
    MAX_STAMP_BYTES (every one None if the folder cannot be opened)."""
    stamps = dict.fromkeys(names)
    try:
        with opened(folder) as fd:
            for name in names:
                try:
                    stamps[name] = read_file(name, fd, MAX_STAMP_BYTES)
                except (Ungradable, OSError):
                    pass
    except (Ungradable, OSError):
        pass
    return stamps


def stamp_time(stamp: bytes | None) -> datetime | None:
    """The time in the bytes of a submission's timestamp.txt (read_stamps') as a naive UTC
    datetime, or None if there is none that nbgrader's parse_utc reads as a time between EARLIEST
    and LATEST."""
    from nbgrader.utils import parse_utc
    text = (stamp or b"").decode("utf-8", "replace").strip()
    if not text or _ZONE_FILE.search(text):
        return None
    try:
        when = parse_utc(text)
    except Exception:  # dateutil raises many kinds (overflows, unknown zones) for odd text
        return None
    return when if EARLIEST <= when < LATEST else None


@dataclass
class TopLevel:
    """What fingerprint saw of a submission folder's own entries: name -> lstat of each, in name
    order; name -> the bytes of each notebook file (_notebook_names) it read whole; and whether
    that is all of them (not when the walk stopped at an error or at MAX_ENTRIES), so that
    match_notebooks need not read the folder again."""
    entries: dict = field(default_factory=dict)
    contents: dict = field(default_factory=dict)
    complete: bool = False


def fingerprint(folder: Path | str, top: TopLevel | None = None) -> str:
    """A hash of the files in a submission folder (at most MAX_ENTRIES entries, MAX_DEPTH folders
    deep, links not followed), so that a changed submission is graded again; top, if given, is
    filled with what it saw of the folder's own entries."""
    digest, hashed, walked = hashlib.sha256(), 0, 0
    try:
        with opened(folder) as fd, closing(_walk(fd)) as entries:
            for path, name, info, dir_fd in islice(entries, MAX_ENTRIES):
                walked, content = walked + 1, None
                if not stat.S_ISDIR(info.st_mode):
                    entry, content = _entry_hash(name, info, dir_fd, MAX_HASHED_BYTES - hashed)
                    hashed += len(content or b"")
                    digest.update(os.fsencode(path) + b"\0" + entry)
                if top is not None and path == name:
                    top.entries[name] = info
                    if content is not None and _notebook_names([name]):
                        top.contents[name] = content
        if top is not None:
            top.complete = walked < MAX_ENTRIES
    except (Ungradable, OSError) as error:   # unreadable, or changed while it was read
        digest.update(f"unreadable: {error}".encode())
    return digest.hexdigest()


def _walk(dir_fd, prefix="", depth=0):
    """(path, name, lstat, folder descriptor) of every entry under the folder dir_fd, depth first
    in name order, not following links nor going more than MAX_DEPTH folders deep."""
    for name, info in _listing(dir_fd):
        yield prefix + name, name, info, dir_fd
        if stat.S_ISDIR(info.st_mode) and depth < MAX_DEPTH:
            sub = _open(name, dir_fd, folder=True)
            try:
                yield from _walk(sub, f"{prefix}{name}/", depth + 1)
            finally:
                os.close(sub)


def _entry_hash(name, info, dir_fd, allowance):
    """The hash fingerprint takes of one entry, and the content it read for it (None if none):
    the content of a file within allowance and MAX_NOTEBOOK_BYTES; else what the entry is (a
    link's target, a bigger file's size and time)."""
    limit = min(MAX_NOTEBOOK_BYTES, allowance)
    if stat.S_ISREG(info.st_mode) and info.st_size <= limit:
        content = read_file(name, dir_fd, limit)
        return hashlib.sha256(content).digest(), content
    if stat.S_ISLNK(info.st_mode):
        what = os.readlink(name, dir_fd=dir_fd)
    elif stat.S_ISREG(info.st_mode):
        what = f"{info.st_size} bytes, modified {info.st_mtime_ns}"
    else:
        what = ""
    return hashlib.sha256(os.fsencode(f"\0{_kind(info.st_mode)}\0{what}")).digest(), None


def read_notebook(name: str, dir_fd: int) -> dict:
    """The notebook file name in the folder dir_fd as nbformat 4 data (see _as_version_4), or
    Ungradable with a plain reason."""
    return _notebook_of(name, read_file(name, dir_fd, MAX_NOTEBOOK_BYTES))


def _notebook_of(name, data):
    """The notebook whose file (name) holds data, as read_notebook gives it."""
    if not data:
        raise Ungradable(f"{name} is an empty file")
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise Ungradable(f"{name} is not valid notebook JSON ({error})") from None
    try:
        nb = _as_version_4(raw, data)
    except Exception as error:  # nbformat raises many kinds for malformed notebooks
        raise Ungradable(f"{name} is not a readable notebook ({type(error).__name__}: "
                         f"{str(error)[:200]})") from None
    if not isinstance(nb.get("cells"), list):
        raise Ungradable(f"{name} has no list of cells")
    return nb


def _as_version_4(raw, data):
    """Parsed notebook JSON as nbformat 4 data. One in format 4 stays the plain dicts and lists it
    was parsed into, with each source given as a list of lines joined, as nbformat's reader does
    (an output's text may stay a list: the autograded notebook joins it), once the notebook and
    each cell have a dict of metadata, which that reader wants too; one in an older format is
    converted by nbformat (NotebookNodes)."""
    if not isinstance(raw, dict):
        raise ValueError("the file's JSON is not an object")
    if raw.get("nbformat") == 4:
        cells = raw.get("cells")
        if not isinstance(raw.get("metadata"), dict) or (isinstance(cells, list) and not all(
                isinstance(cell, dict) and isinstance(cell.get("metadata"), dict) for cell in cells)):
            raise ValueError("the notebook or one of its cells has no metadata")
        for cell in cells if isinstance(cells, list) else ():
            if isinstance(cell.get("source"), list):
                cell["source"] = "".join(cell["source"])
        return raw
    import nbformat

    from autograder import notebooks
    return notebooks.as_version_4(json.loads(data, object_hook=nbformat.NotebookNode))


def match_notebooks(folder: Path | str, specs: Sequence[NotebookSpec],
                    top: TopLevel | None = None) -> list[SubmittedNotebook]:
    """SubmittedNotebooks for each spec, from the files in a submission folder; top: what
    fingerprint saw of it, if that was all of its entries (their files are not read again).

    A spec's own file name is used when present; otherwise an unclaimed notebook that holds the
    spec's test cells (a renamed copy); otherwise the notebook is missing. Extra notebooks are
    noted and ignored.
    """
    folder = Path(folder)
    own = {spec.name for spec in specs}
    try:
        if top is not None and top.complete:
            names = _notebook_names(top.entries)
            readable = {name: _seen_or_why(name, top, folder) for name in _to_read(names, own)}
        else:
            with opened(folder) as fd:
                names = _notebook_names(name for name, _ in _listing(fd))
                readable = {name: _read_or_why(name, fd) for name in _to_read(names, own)}
    except (Ungradable, OSError) as error:
        return [SubmittedNotebook(spec, problem=f"the submission folder cannot be read ({error})",
                                  problem_status=Status.UNGRADABLE)
                for spec in specs]
    files = {name: folder / name for name in names}
    matched, claimed = [], set()
    for spec in specs:
        name = spec.name if spec.name in files else _renamed(spec, readable, claimed)
        submitted = SubmittedNotebook(spec)
        if name is None:
            submitted.problem = f"{spec.name} was not submitted"
            submitted.problem_status = Status.MISSING
        else:
            claimed.add(name)
            submitted.path = files[name]
            if name != spec.name:
                submitted.notes.append(f"{spec.name} was submitted as {name}")
            if isinstance(readable[name], Ungradable):
                submitted.problem = str(readable[name])
                submitted.problem_status = Status.UNGRADABLE
            else:
                submitted.notebook = readable[name]
                _select_cells(submitted, readable[name])
        matched.append(submitted)
    for name in sorted(set(files) - claimed):
        for submitted in matched[:1]:
            submitted.notes.append(f"the extra notebook {name} was not graded")
    return matched


def _notebook_names(names):
    """The names of a folder's entries that name a notebook, in their order."""
    return [name for name in names if name.endswith(".ipynb") and not name.startswith(".")]


def _to_read(names, own):
    """Of a folder's notebook names, those to read: the specs' own, and a few others (renamed
    copies), in the folder's order."""
    others = set([name for name in names if name not in own][:MAX_OTHER_NOTEBOOKS])
    return [name for name in names if name in own or name in others]


def _read_or_why(name, dir_fd):
    """The notebook, or the Ungradable saying why it cannot be read."""
    try:
        return read_notebook(name, dir_fd)
    except Ungradable as error:
        return error


def _seen_or_why(name, top, folder):
    """_read_or_why from what fingerprint saw (top): the content it read, or why that entry is no
    notebook to read; one it did not read for lack of room in its allowance is read now."""
    mode, size = top.entries[name].st_mode, top.entries[name].st_size
    try:
        if name in top.contents:
            return _notebook_of(name, top.contents[name])
        if not stat.S_ISREG(mode):
            raise Ungradable(f"{name} is {_kind(mode)}, not a file")
        if size > MAX_NOTEBOOK_BYTES:
            raise _too_big(name, size, MAX_NOTEBOOK_BYTES)
    except Ungradable as error:
        return error
    with opened(folder) as fd:
        return _read_or_why(name, fd)


def _renamed(spec, readable, claimed):
    for name, nb in readable.items():
        if name not in claimed and not isinstance(nb, Ungradable) and spec.grade_ids & {
                meta.get("grade_id") for cell in nb["cells"]
                if isinstance(meta := cell["metadata"].get("nbgrader"), dict)}:
            return name
    return None


def _select_cells(submitted, nb):
    """Keep the code cells to run: not the test cells (the course's own checks grade), not the
    given display-only cells; record tampering with the test cells."""
    spec = submitted.spec
    kernel = nb.get("metadata", {}).get("kernelspec")
    language = str(kernel.get("language", "python"))[:20] if isinstance(kernel, dict) else "python"
    if language.lower() != "python":
        submitted.notes.append(f"{spec.name} asks for a {language} kernel; it was run as Python")
    tests = {cell.grade_id: cell for cell in spec.graded}
    visible = {cell.visible_source for cell in spec.graded}
    seen, markers = {}, set()
    for index, cell in enumerate(nb["cells"]):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        markers |= instructor_markers(source, spec.markers)
        meta = cell.get("metadata", {}).get("nbgrader", {})
        meta = meta if isinstance(meta, dict) else {}
        grade_id = meta.get("grade_id")
        if grade_id in tests:
            seen[grade_id] = (cell, visible_part(source, spec.markers), meta)
        if cell.get("cell_type") != "code":
            continue
        if (grade_id in tests or visible_part(source, spec.markers) in visible
                or source.strip() in spec.display_only):
            continue
        submitted.cells.append((index, source))
    if markers:
        submitted.everywhere.append(f"it holds the instructor's {' and '.join(sorted(markers))} "
                                    "markers: it may be the source notebook, solutions included")
    for grade_id, test in tests.items():
        if grade_id not in seen:
            submitted.tampered.setdefault(grade_id, []).append(
                f"the test cell {grade_id} was deleted or lost its nbgrader metadata")
            continue
        cell, source, meta = seen[grade_id]
        if cell.get("cell_type") != "code":
            submitted.tampered.setdefault(grade_id, []).append(
                f"the test cell {grade_id} was turned into {cell.get('cell_type')}")
        elif source != test.visible_source:
            submitted.tampered.setdefault(grade_id, []).append(f"the test cell {grade_id} was edited")
        if meta.get("points") != test.points or not meta.get("grade"):
            submitted.tampered.setdefault(grade_id, []).append(
                f"the nbgrader metadata of {grade_id} was changed")
