"""What went wrong in an nbgrader step, in nbgrader's own words.

NbGraderAPI's steps return {"success", "error", "log"}; on failure "error" is the wrapper's
traceback ("Please see the above traceback ..."), and the cause is only in "log": an [ERROR]
record such as "Solution region detected in a non-solution cell", or the last line of a logged
traceback."""
from __future__ import annotations

import re

# nbgrader's own summary records, which say only that something failed and where
_WRAPPER = re.compile(r"^(There was an error processing|Please see the|Traceback \(most recent)")


def failure(result: dict) -> str:
    """The cause of a failed NbGraderAPI step (its result dict), as nbgrader logged it: its
    [ERROR] records other than its wrapper's, with the exception each logged traceback ended on;
    the wrapper's error when the log says nothing more."""
    causes = []
    for level, text in _records(result.get("log") or ""):
        if level not in ("ERROR", "CRITICAL"):
            continue
        if text.startswith("Traceback (most recent"):
            raised = _last_line(text)
            if not any(raised.partition(": ")[2] in cause for cause in causes):
                causes.append(raised)
        elif not _WRAPPER.match(text):
            causes.append(text)
    causes = [cause for cause in dict.fromkeys(causes) if cause]
    return "\n".join(causes) or str(result.get("error") or "nbgrader failed and logged no reason")


def _records(log):
    """(level, text) of each record of an nbgrader log: a line "[LEVEL] text" and the indented
    lines under it (their indent removed)."""
    records = []
    for line in log.splitlines():
        start = re.match(r"\[(?:\w+ \| )?([A-Z]+)\] ?(.*)", line)
        if start:
            records.append((start[1], [start[2]]))
        elif records:
            records[-1][1].append(line.removeprefix("    "))
    return [(level, "\n".join(lines).rstrip()) for level, lines in records]


def _last_line(traceback):
    """The exception a traceback ended on ("RuntimeError: ...")."""
    lines = [line for line in traceback.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""
