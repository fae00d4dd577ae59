"""A notebook as HTML for a feedback page: markdown rendered, code and text outputs escaped,
PNG and JPEG pictures inline with alt text; raw HTML, scripts and other outputs are never passed
on. Each graded test cell's stored outputs are replaced by the verdict the caller gives."""
from __future__ import annotations

import base64
import binascii
from html import escape
import re
from typing import TYPE_CHECKING

import mistune

from autograder.html import Markup, pre

if TYPE_CHECKING:
    from collections.abc import Callable

    from nbformat import NotebookNode

_MARKDOWN = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")   # terminal colours in tracebacks
PICTURES = ("image/png", "image/jpeg")


def notebook(nb: NotebookNode, verdict: Callable[[str], Markup | None]) -> Markup:
    """The cells of nb in order; verdict(grade_id) is the HTML put under a test cell instead of
    its outputs (None: the cell is not graded, its outputs are shown)."""
    parts = []
    for number, cell in enumerate(nb.cells, 1):
        source = _text(cell.get("source"))
        if cell.get("cell_type") == "markdown":   # (the autograded copy wrote tags' "<" as "&lt;";
            # rendered with escaping, the "<" shows as written and no tag ever passes)
            parts.append(f"<div class='cell markdown'>{_MARKDOWN(source.replace('&lt;', '<'))}</div>")
            continue
        if cell.get("cell_type") != "code":
            parts.append(f"<div class='cell raw'>{pre(source)}</div>")
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        shown = verdict(meta.get("grade_id")) if isinstance(meta, dict) and meta.get("grade") else None
        outputs = shown if shown is not None else "".join(
            _output(output, number) for output in cell.get("outputs", []))
        parts.append(f"<div class='cell code'><pre class='source'><code>{escape(source)}</code></pre>"
                     f"{outputs}</div>")
    return Markup("\n".join(parts))


def _output(output, number):
    kind = output.get("output_type")
    if kind == "stream":
        stream = escape(str(output.get("name")))
        return f"<pre class='output {stream}'>{escape(_text(output.get('text')))}</pre>"
    if kind == "error":
        trace = _ANSI.sub("", "\n".join(map(str, output.get("traceback") or [])))
        text = trace or f"{_text(output.get('ename'))}: {_text(output.get('evalue'))}"
        return f"<pre class='output error'>{escape(text)}</pre>"
    data = output.get("data") or {}
    for mime in PICTURES:
        if mime in data:
            return _picture(mime, _text(data[mime]), _text(data.get("text/plain")), number)
    if "text/plain" in data:
        return f"<pre class='output'>{escape(_text(data['text/plain']))}</pre>"
    return ""


def _picture(mime, encoded, caption, number):
    """An inline picture whose alt text says what drew it and, where the output has one, its
    text form (matplotlib's "<Figure size ... with 2 Axes>")."""
    try:
        base64.b64decode(encoded.replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        return "<p class='output'>(a picture that could not be read)</p>"
    caption = f": {caption.strip()}" if caption.strip() else ""
    alt = f"Picture drawn by cell {number} of your notebook{caption}"
    return (f"<img class='output' alt='{escape(alt)}' "
            f"src='data:{mime};base64,{encoded.replace(chr(10), '')}'>")


def _text(value):
    return "".join(map(str, value)) if isinstance(value, list) else str(value if value is not None else "")
