"""`backprop-course collect ZIP ASSIGNMENT`: the zip of uploads an LMS hands out, unpacked into
nbgrader's layout, submitted/<student>/<assignment>/<notebook>.ipynb (+ timestamp.txt), safely.

Each entry's path in the zip is matched, as nbgrader's zip_collect matches file names, by a regular
expression with the named groups `student_id` and `file_id` (optionally `timestamp`, `attempt`,
`late`). Entries are only ever read, never extracted: what is written is the bytes of a notebook,
to a path made of a checked student id and one of the assignment's notebook names. Whatever cannot
be placed (an unsafe path, a link, a zip bomb, no student, no notebook) is skipped and reported.
A name is used only when it names one student one way: a name the pattern can read as two
students, one that also fits another LMS's names (auto), and ids that may be one student spelled
two ways (case, leading zeros) are skipped too, never filed under anyone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
import functools
import os
from pathlib import Path, PurePosixPath
import re
import shutil
import stat
import tempfile
import zipfile

import dateutil.parser
import dateutil.tz
from tqdm import tqdm

from autograder.course_dir import CourseError
from autograder.submission import MAX_NOTEBOOK_BYTES

# The built-in names: those of three LMSs, and plain names last (it matches almost anything).
# Names, user names and file names in them may hold "_", so each pattern matches every way of
# reading a name, and a name that reads as more than one student id is skipped (_other_reading).
PATTERNS = {
    # doejane_12345_678901_gates.ipynb, doejane_LATE_12345_678903_gates-1.ipynb: Canvas user id,
    # then the id of the uploaded file (it grows with each upload)
    "canvas": r"(?:.*/)?[^/]+?_(?P<late>(?i:late)_)?(?P<student_id>[0-9]+)_(?P<attempt>[0-9]+)_"
              r"(?P<file_id>[^/]+)$",
    # Jane Doe_12345_assignsubmission_file_/gates.ipynb: Moodle's participant id; one folder deep,
    # "_assignsubmission_file_" once
    "moodle": r"(?s)(?!.*_assignsubmission_file_.*_assignsubmission_file_)"
              r"[^/]+_(?P<student_id>[0-9]+)_assignsubmission_file_/(?P<file_id>[^/]+)$",
    # Gates_jdoe_attempt_2024-03-01-17-05-09_gates.ipynb: assignment, user name, attempt time
    "blackboard": r"(?:.*/)?[^/]+?_(?P<student_id>[^/]+?)_attempt_"
                  r"(?P<timestamp>[0-9]{4}(?:-[0-9]{2}){5})_(?P<file_id>[^/]+)$",
    # jdoe_gates.ipynb: student id, underscore, file name
    "plain": r"(?P<student_id>[^/]+?)_(?P<file_id>[^/]+)$",
}
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")   # one safe path part; no + or *
STAMP = "{:%Y-%m-%d %H:%M:%S.%f} UTC"                          # nbgrader submit's timestamp.txt


@dataclass(frozen=True)
class ZipLimits:
    """What a zip may hold: entries; bytes of one notebook; bytes of all entries together;
    the uncompressed/compressed ratio of a notebook over 1 MiB (a zip bomb's is ~1000);
    characters of an entry's name (reading a longer one could take minutes)."""
    entries: int = 10_000
    entry_bytes: int = MAX_NOTEBOOK_BYTES
    total_bytes: int = 2**30
    ratio: float = 100.0
    name_chars: int = 1000


@dataclass
class Upload:
    """A zip entry that names a student and one of the assignment's notebooks."""
    info: zipfile.ZipInfo
    student: str
    notebook: str
    timestamp: datetime = None   # naive UTC
    attempt: int = -1
    notes: list = field(default_factory=list)

    def order(self) -> tuple[datetime, int, tuple[int, int, int, int, int, int]]:
        """Later uploads sort higher: by the time in the name, then the attempt, then the entry's date."""
        return (self.timestamp or datetime.min, self.attempt, self.info.date_time)


@dataclass
class Collected:
    """What happened to one student's submission: outcome is collected, replaced, unchanged or kept."""
    student: str
    notebooks: list
    timestamp: datetime
    outcome: str
    notes: list = field(default_factory=list)


@dataclass
class CollectReport:
    """The pattern used, each student's outcome, and the entries not used: [(entry, reason)]."""
    pattern: str
    entries: int
    students: list = field(default_factory=list)
    superseded: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"read {self.entries} entries as {self.pattern}"]
        if self.students:
            lines.append(f"\n{'student':<24} {'submitted (UTC)':<20} {'outcome':<10} notebooks; notes")
            for c in self.students:
                when = f"{c.timestamp:%Y-%m-%d %H:%M:%S}" if c.timestamp else "-"
                lines.append(f"{c.student:<24} {when:<20} {c.outcome:<10} "
                             + "; ".join([", ".join(c.notebooks), *c.notes]))
        for title, entries in (("older uploads, superseded by a newer one", self.superseded),
                               ("entries skipped", self.skipped)):
            if entries:
                lines.append(f"\n{title} ({len(entries)}):")
                lines += [f"  {entry!r}: {reason}" for entry, reason in entries]
        placed = sum(c.outcome in ("collected", "replaced") for c in self.students)
        lines.append(f"\n{placed} submission(s) written to submitted/, {len(self.skipped)} "
                     f"entry(ies) skipped.")
        return "\n".join(lines)


def collect(root: Path | str, zip_path: str | os.PathLike[str], assignment: str,
            pattern: str = "auto", force: bool = False, zone: str = "UTC",
            limits: ZipLimits = ZipLimits(), progress: bool = True) -> CollectReport:
    """Put the newest upload of each student and notebook from the zip into submitted/.

    pattern: a name in PATTERNS, "auto", or a regular expression (re.match on each entry's path);
    zone: the time zone of timestamps in names that carry none; force: replace an existing
    submission even when the zip's is not known to be newer. Returns a CollectReport.
    """
    root = Path(root)
    notebooks = sorted(p.name for p in (root / "source" / assignment).glob("*.ipynb"))
    tz = dateutil.tz.gettz(zone)
    if tz is None:
        raise CourseError(f"unknown time zone {zone!r}: give a name such as UTC or Europe/Berlin")
    try:
        archive = zipfile.ZipFile(zip_path)
    except (OSError, zipfile.BadZipFile) as error:
        raise CourseError(f"cannot read {zip_path} as a zip file ({error})") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        _check_size(zip_path, infos, limits)
        names = [i.filename for i in infos if len(i.filename) <= limits.name_chars]
        name, regex, rivals = _pattern(pattern, names)
        report = CollectReport(name, len(infos))
        newest = {}
        for info in tqdm(infos, desc="collect", unit="entry", disable=not progress):
            upload = _read_name(info, regex, rivals, notebooks, tz, limits)
            if isinstance(upload, str):
                report.skipped.append((info.filename, upload))
                continue
            key = (upload.student, upload.notebook)
            older, newer = sorted([upload, newest.get(key, upload)], key=Upload.order)
            if older is not newer:
                report.superseded.append((older.info.filename, f"{newer.info.filename} is newer"))
            newest[key] = newer
        by_student = {}
        for (student, _), upload in sorted(newest.items()):
            by_student.setdefault(student, []).append(upload)
        twins = _twins([*by_student, *(p.name for p in (root / "submitted").glob("*"))])
        for student, uploads in by_student.items():
            if student in twins:
                report.skipped += [(u.info.filename, f"cannot tell which student: {student!r} may "
                                    f"be {twins[student]} spelled another way") for u in uploads]
                continue
            _place(root, archive, assignment, student, uploads, force, limits, report)
    return report


def _check_size(zip_path, infos, limits):
    if not infos:
        raise CourseError(f"{zip_path} holds no files: is it the right download?")
    if len(infos) > limits.entries:
        raise CourseError(f"{zip_path} holds {len(infos)} entries, over the limit of "
                          f"{limits.entries}: is it the right file? Nothing was written.")
    total = sum(i.file_size for i in infos)
    if total > limits.total_bytes:
        raise CourseError(f"{zip_path} would unpack to {_mib(total)}, over the limit of "
                          f"{_mib(limits.total_bytes)} (a zip bomb?). Nothing was written.")


def _mib(size):
    return f"{size / 2**20:.3g} MiB"


def _pattern(pattern, names):
    """(description, compiled regex, {name: compiled regex} of the LMS patterns a name must not
    fit as well) for a built-in name, "auto" (the only one with rivals) or a regular expression."""
    if pattern == "auto":   # the LMS whose names match the most entries; plain names only if none
        counts = {n: sum(bool(re.match(PATTERNS[n], name)) for name in names) for n in PATTERNS}
        pattern = max(list(PATTERNS)[:-1], key=lambda n: counts[n])
        pattern = pattern if counts[pattern] else "plain"
        if not counts[pattern]:
            raise CourseError(
                f"no entry is named the way {', '.join(PATTERNS)} name uploads (the first: "
                f"{', '.join(map(repr, names[:3]))}): give --pattern with a regular expression "
                f"that has the groups (?P<student_id>...) and (?P<file_id>...). Nothing was written.")
        rivals = {n: re.compile(PATTERNS[n]) for n in list(PATTERNS)[:-1] if n != pattern}
        return f"{pattern} names", re.compile(PATTERNS[pattern]), rivals
    if pattern in PATTERNS:
        return f"{pattern} names", re.compile(PATTERNS[pattern]), {}
    try:
        regex = re.compile(pattern)
    except re.error as error:
        raise CourseError(f"--pattern {pattern!r} is not a regular expression ({error})") from None
    missing = {"student_id", "file_id"} - set(regex.groupindex)
    if missing:
        raise CourseError(f"--pattern needs the named groups (?P<student_id>...) and "
                          f"(?P<file_id>...); it lacks {', '.join(sorted(missing))}. Built-in "
                          f"patterns: {', '.join(PATTERNS)}.")
    _around_student(regex.pattern, regex.flags)
    return f"names matching {pattern}", regex, {}


def _read_name(info, regex, rivals, notebooks, tz, limits):
    """An Upload for the entry, or the reason (a sentence) it cannot be used."""
    name = info.filename
    if len(name) > limits.name_chars:
        return f"a name of {len(name)} characters, over the {limits.name_chars} limit: not read"
    parts = re.split(r"[/\\]", name)
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts:
        return "unsafe path (absolute, or going up with ..): not read"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link: not followed"
    if PurePosixPath(name).suffix.lower() != ".ipynb":
        return "not a notebook (.ipynb)"
    match = regex.match(name)
    if not match:
        return ("cannot tell which student: its name does not fit the pattern (a student id and "
                "a file name)")
    fields = match.groupdict()
    student = fields["student_id"] or ""
    if not STUDENT_ID.fullmatch(student):
        return (f"cannot tell which student: {student!r} is not a usable student id (ASCII "
                f"letters, digits, . _ @ -)")
    rival = next((n for n, r in rivals.items() if r.match(name)), None)
    if rival:
        return f"cannot tell which student: its name fits {rival} names too"
    other = _other_reading(regex, name, match)
    if other is not None:
        return f"cannot tell which student: its name reads as {student!r} and as {other!r}"
    upload = Upload(info, student, "")
    upload.notebook = _notebook_for(fields["file_id"] or "", notebooks, upload.notes)
    if not upload.notebook:
        return f"{fields['file_id']!r} is none of the assignment's notebooks ({', '.join(notebooks)})"
    if info.file_size > limits.entry_bytes:
        return f"{_mib(info.file_size)} unpacked, over the {_mib(limits.entry_bytes)} limit for a notebook"
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 2**20 and ratio > limits.ratio:
        return f"compressed {ratio:.0f}:1, over {limits.ratio:g}:1: a zip bomb, not unpacked"
    if fields.get("timestamp"):
        try:
            upload.timestamp = _utc(fields["timestamp"], tz)
        except (ValueError, OverflowError):
            return f"the time {fields['timestamp']!r} in its name is not a date"
    if (fields.get("attempt") or "").isdigit():
        upload.attempt = int(fields["attempt"])
    if fields.get("late"):
        upload.notes.append("the LMS marked it late")
    return upload


def _other_reading(regex, name, match):
    """The student id of another reading of the name, or None when it reads one way: the regex
    matched again with its student_id group made to start, then end, elsewhere than in match."""
    start, end = match.span("student_id")
    head, body, tail = _around_student(regex.pattern, regex.flags)
    for before, after in ((rf"(?<!\A[\s\S]{{{start}}})", ""), ("", rf"(?<!\A[\s\S]{{{end}}})")):
        other = re.match(f"{head}{before}(?:{body}){after}{tail}", name, regex.flags)
        if other:
            return other["student_id"]
    return None


@functools.lru_cache
def _around_student(pattern, flags):
    """The pattern's text before, inside and after the body of its (?P<student_id>...) group,
    which ends at the first ")" that makes the group a regular expression of its own."""
    start = pattern.index("(?P<student_id>")
    inner = start + len("(?P<student_id>")
    for end in range(inner, len(pattern)):
        if pattern[end] == ")" and _compiles(pattern[start:end + 1], flags):
            return pattern[:inner], pattern[inner:end], pattern[end:]
    raise CourseError(f"--pattern {pattern!r}: cannot tell where its (?P<student_id>...) group "
                      f"ends (does it refer to another group?)")


def _compiles(pattern, flags):
    """Whether the text is a regular expression."""
    try:
        re.compile(pattern, flags)
    except re.error:
        return False
    return True


def _twins(students):
    """{id: the other ids it may be, spelled another way} for the ids that have such twins: ids
    alike but for case, or, for numbers, leading zeros."""
    alike = {}
    for student in set(students):
        key = (student.lstrip("0") or "0") if student.isdigit() else student.casefold()
        alike.setdefault(key, set()).add(student)
    return {s: ", ".join(map(repr, sorted(same - {s}))) for same in alike.values()
            if len(same) > 1 for s in same}


def _notebook_for(file_id, notebooks, notes):
    """The assignment notebook an uploaded file stands for, or None. Its own name; else its name
    without the LMS's re-upload suffix (gates-1.ipynb); else, when the assignment has a single
    notebook, that one, whatever the upload is called."""
    name = PurePosixPath(file_id).stem + ".ipynb"
    bare = re.sub(r"-\d+$", "", PurePosixPath(file_id).stem) + ".ipynb"
    only = notebooks if len(notebooks) == 1 else []
    for candidate in (name, bare, *only):
        if candidate in notebooks:
            if candidate != name:
                notes.append(f"{candidate} was uploaded as {PurePosixPath(file_id).name}")
            return candidate
    return None


def _utc(text, tz):
    """A naive UTC datetime from a time in a name: Blackboard's 2024-03-01-17-05-09 or anything
    dateutil reads; a time without a zone is in tz."""
    digits = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)", text)
    when = datetime(*map(int, digits.groups())) if digits else dateutil.parser.parse(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    return when.astimezone(timezone.utc).replace(tzinfo=None)


def _place(root, archive, assignment, student, uploads, force, limits, report):
    """Write one student's newest uploads as submitted/<student>/<assignment>/, unless what is
    there is newer (by timestamp.txt), the same, or not comparable (without force)."""
    files, notes = {}, [n for u in uploads for n in u.notes]
    for upload in uploads:
        try:
            with archive.open(upload.info) as entry:
                data = entry.read(limits.entry_bytes + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as error:
            report.skipped.append((upload.info.filename, f"cannot be unpacked ({error})"))
            continue
        if len(data) > limits.entry_bytes:
            report.skipped.append((upload.info.filename, "unpacks to more than its size says"))
            continue
        files[upload.notebook] = data
    if not files:
        return
    stamps = [u.timestamp for u in uploads if u.timestamp and u.notebook in files]
    timestamp = max(stamps, default=None)
    if timestamp:
        files["timestamp.txt"] = STAMP.format(timestamp).encode()
    submitted = (root / "submitted").resolve()
    folder = submitted / student / assignment
    why = _not_writable(submitted, folder)
    if why:
        report.skipped += [(u.info.filename, why) for u in uploads]
        return
    outcome, note = _outcome(folder, files, timestamp, force)
    report.students.append(Collected(student, sorted(n for n in files if n.endswith(".ipynb")),
                                     timestamp, outcome, notes + [note] * bool(note)))
    if outcome in ("collected", "replaced"):
        _write(folder, files)


def _not_writable(submitted, folder):
    """Why a submission may not be written at folder (submitted/<student>/<assignment>), or "":
    the student's folder or the submission folder is a link (even to another student's folder:
    collect writes through none), or it leads outside submitted/."""
    shown = folder.relative_to(submitted.parent)
    for path in (folder.parent, folder):
        if path.is_symlink():
            return (f"{path.relative_to(submitted.parent)} is a link: collect writes no "
                    f"submission through one (put a folder there, or remove it, to collect "
                    f"into {shown})")
    if submitted not in folder.resolve().parents:
        return f"{shown.parent} leads outside submitted/"
    return ""


def _outcome(folder, files, timestamp, force):
    """(outcome, note) for files about to go where folder is: a submission is replaced only by a
    newer one (by timestamp.txt), or with force."""
    if not folder.exists():
        return "collected", ""
    with os.scandir(folder) as entries:   # a link is not followed: it differs from any file
        there = {e.name: _regular_bytes(e.path) for e in entries
                 if e.is_symlink() or e.is_file(follow_symlinks=False)}
    if there == files:
        return "unchanged", ""
    old = _stamp(there.get("timestamp.txt"))
    if force:
        return "replaced", "replaced the submission that was there (--force)"
    if timestamp and old and timestamp > old:
        return "replaced", f"replaced an older submission ({old:%Y-%m-%d %H:%M:%S})"
    if timestamp and old:
        return "kept", f"submitted/ has one from {old:%Y-%m-%d %H:%M:%S}, not older: left as it was"
    return "kept", ("submitted/ has a different one, not known to be older: left as it was "
                    "(--force replaces it)")


def _regular_bytes(path):
    """The bytes of the regular file at path, or None for anything else (a link is not followed)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with open(fd, "rb") as file:
        return file.read() if stat.S_ISREG(os.fstat(fd).st_mode) else None


def _stamp(data):
    """The time in a timestamp.txt's bytes (naive UTC), or None."""
    from nbgrader.utils import parse_utc
    try:
        return parse_utc(data.decode().strip()) if data else None
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None


def _write(folder, files):
    """Fill a fresh folder beside the target, then swap it in: a crash leaves the old or the new."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{folder.name}.collecting-", dir=folder.parent))
    fresh.chmod(0o755)
    for name, data in files.items():
        (fresh / name).write_bytes(data)
    if folder.exists():
        old = folder.with_name(f".{fresh.name}.old")
        os.replace(folder, old)
        os.replace(fresh, folder)
        shutil.rmtree(old)
    else:
        os.replace(fresh, folder)
