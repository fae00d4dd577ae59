"""Reading nbgrader notebooks: their graded cells, solution regions and the errors they raised."""
import re

import nbformat

_REGION = re.compile(r"^\s*### BEGIN (SOLUTION|HIDDEN TESTS)\s*$(.*?)^\s*### END \1\s*$",
                     re.MULTILINE | re.DOTALL)


def read(path):
    """The notebook at path (nbformat 4)."""
    return nbformat.read(str(path), as_version=4)


def errors(nb):
    """Every error a run left in the notebook: list of (cell index, exception name, message)."""
    return [(i, out.get("ename", ""), out.get("evalue", ""))
            for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for out in cell.get("outputs", []) if out.output_type == "error"]


def hidden_lines(nb):
    """The meaningful lines inside solution and hidden-test regions of a source notebook."""
    lines = set()
    for cell in nb.cells:
        for _, body in _REGION.findall(cell.source):
            lines.update(_meaningful(body))
    return lines


def shown_lines(nb):
    """The meaningful lines of a notebook outside its solution and hidden-test regions."""
    return set().union(*(_meaningful(_REGION.sub("", cell.source)) for cell in nb.cells))


def _meaningful(text):
    return {line.strip() for line in text.splitlines()
            if line.strip() and not line.strip().startswith("#")}
