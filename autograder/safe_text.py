"""Student-controlled text made harmless where it leaves the grader: on a terminal (no escape
sequences, control characters or bidi overrides) and in a CSV cell (no spreadsheet formulas)."""
from __future__ import annotations

import re
import unicodedata

# Control (C0, DEL, C1), format (bidi overrides, zero-width), surrogate and line/paragraph separator
_INVISIBLE = ("Cc", "Cf", "Cs", "Zl", "Zp")
# What makes a spreadsheet read a cell as a formula (OWASP), with full-width and small lookalikes
# and the minus sign, which some spreadsheets take for them
_FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def visible(text: object, keep: str = "") -> str:
    """text with every control, format or separator character (but those in keep) written out
    as a Python escape such as \\x1b or \\u202e, so that it shows instead of acting."""
    return "".join(_escaped(c) if c not in keep and unicodedata.category(c) in _INVISIBLE else c
                   for c in str(text))


def _escaped(char):
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def terminal(text: object) -> str:
    """text for a terminal, one line per line of text: each line made visible."""
    return "\n".join(visible(line) for line in str(text).split("\n"))


def csv_cell(value: object) -> str:
    """value as a CSV cell no spreadsheet runs: control characters but newline and tab made
    visible, and a single quote before text that could start a formula (its first visible
    character is one of = + - @ or a lookalike, or it starts with a tab); plain numbers such as
    -1.5 stay numbers."""
    text = visible(value, keep="\n\t")
    if _NUMBER.fullmatch(text):
        return text
    first = next((c for c in text if not c.isspace()), "")
    return "'" + text if text.startswith("\t") or first in _FORMULA_START else text
