"""A plain, self-contained HTML page (feedback and reports share its look). Text is escaped
everywhere; only Markup made here goes in as it is."""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from autograder.results import NEEDS_A_PERSON, Status

if TYPE_CHECKING:
    from collections.abc import Container, Iterable

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { text-align: right; white-space: nowrap; }
pre { white-space: pre-wrap; margin: 0; font-size: .9em; }
.passed { color: #1a7f37; } .failed { color: #b42318; }
.NEEDS { color: #9a6700; font-weight: bold; }
img { max-width: 100%; height: auto; }
h1, h2, p, li { overflow-wrap: break-word; }   /* a long file name breaks, not the page */
.cell { margin: .8rem 0; overflow-x: auto; }   /* a wide cell scrolls, not the page */
.cell pre.source { background: #f6f8fa; border-left: 3px solid #8c959f; padding: .5rem .7rem;
                   overflow-x: auto; white-space: pre; }
.cell pre.output { padding: .3rem .7rem; overflow-x: auto; }
.cell pre.stderr, .cell pre.error { background: #fff5f5; }
.verdict { border: 1px solid #d0d7de; border-radius: 4px; padding: .4rem .7rem; margin-top: .3rem; }
@media (max-width: 40rem) {
  body { margin: .5rem auto; padding: 0 .4rem; } h1 { font-size: 1.4em; }
  table { font-size: .85em; display: block; overflow-x: auto; } th, td { padding: .25rem .3rem; }
  pre, .cell pre.source { white-space: pre-wrap; overflow-wrap: anywhere; }
}
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; color: #000; }
  .cell { overflow: visible; }
  .cell pre.source, .cell pre.output { white-space: pre-wrap; overflow: visible; }
  .cell, .verdict, tr, img { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
""".replace(".NEEDS", ", ".join(f".{status}" for status in NEEDS_A_PERSON))


def page(title: str, body: str) -> str:
    """A whole HTML document with this title and body (body is already HTML)."""
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><h1>{escape(title)}</h1>\n{body}\n</body></html>\n")


class Markup(str):
    """HTML built here from escaped text, put in a table as it is."""


def table(headers: Iterable[str], rows: Iterable[Iterable[object]],
          numeric: Container[int] = ()) -> str:
    """An HTML table; cells are escaped text, except Markup."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    lines = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            css = " class='num'" if i in numeric else ""
            cells.append(f"<td{css}>{value if isinstance(value, Markup) else escape(str(value))}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(lines)}</table>"


def status(word: Status | str) -> Markup:
    """A status word, coloured by kind: only the known words have a class (the word comes from a
    results file, so it could be anything)."""
    css = f" class='{word}'" if word in {status.value for status in Status} else ""
    return Markup(f"<span{css}>{escape(str(word))}</span>")


def pre(text: object) -> Markup:
    """Text kept as written, in a <pre>."""
    return Markup(f"<pre>{escape(str(text))}</pre>")
