"""A plain, self-contained HTML page (feedback and reports share its look)."""
from html import escape

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { text-align: right; white-space: nowrap; }
pre { white-space: pre-wrap; margin: 0; font-size: .9em; }
.passed { color: #1a7f37; } .failed { color: #b42318; }
.timeout, .crashed, .memory, .ungradable, .missing, .tampered { color: #9a6700; font-weight: bold; }
img { max-width: 100%; }
"""


def page(title, body):
    """A whole HTML document with this title and body (body is already HTML)."""
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><h1>{escape(title)}</h1>\n{body}\n</body></html>\n")


def table(headers, rows, numeric=()):
    """An HTML table; cells are escaped text, except those given as ('html', markup)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    lines = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            css = " class='num'" if i in numeric else ""
            if isinstance(value, tuple) and value[0] == "html":
                cells.append(f"<td{css}>{value[1]}</td>")
            else:
                cells.append(f"<td{css}>{escape(str(value))}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(lines)}</table>"


def status(word):
    """A status word, coloured by kind."""
    return ("html", f"<span class='{escape(word)}'>{escape(word)}</span>")


def pre(text):
    return ("html", f"<pre>{escape(text)}</pre>")
