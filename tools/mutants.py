"""Mechanical mutants of a solution: small edits a student's slip could make, one at a time.

Each mutant changes one node of the code between a cell's solution markers: operands swapped,
`.T` dropped or added, a sign flipped, `+=` made `=`, a constant changed, a term or statement
deleted (but a factor 1), a comparison loosened or tightened, two call arguments swapped. The rest
of the cell is kept as written, so a mutant reads like the original with one slip.
"""
import ast
import copy
from dataclasses import dataclass

_SWAPPABLE = (ast.Sub, ast.Div, ast.MatMult, ast.Pow, ast.FloorDiv, ast.Mod)
_FLIPPED = {ast.Add: ast.Sub, ast.Sub: ast.Add}
_DROPPABLE = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.MatMult)
_COMPARISONS = {ast.GtE: ast.Gt, ast.Gt: ast.GtE, ast.LtE: ast.Lt, ast.Lt: ast.LtE}


@dataclass(frozen=True)
class Mutant:
    """One edit of a cell: its source after the edit and the changed lines before and after."""
    source: str
    before: str
    after: str

    @property
    def label(self):
        """`before` -> `after`, for listings and the table of equivalent mutants."""
        return f"{self.before} -> {self.after}"


def mutants(cell, first, last):
    """Every mutant of the code on lines first..last (1-based, inclusive) of cell's source."""
    tree = ast.parse(cell)
    made = {}
    for node in ast.walk(tree):
        if not (hasattr(node, "lineno") and first <= node.lineno and node.end_lineno <= last):
            continue
        for variant in _variants(node):
            mutant = _replace(cell, node, variant)
            if mutant and mutant.source != cell:
                made.setdefault(mutant.source, mutant)
    return list(made.values())


def _variants(node):
    """The replacements of one node: AST nodes, or None for a deleted statement."""
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, _SWAPPABLE):
            yield ast.BinOp(node.right, node.op, node.left)
        if type(node.op) in _FLIPPED:
            yield ast.BinOp(node.left, _FLIPPED[type(node.op)](), node.right)
        if isinstance(node.op, _DROPPABLE) and not _times_one(node):
            yield node.left
            yield node.right
        if isinstance(node.op, ast.MatMult):
            yield from (_with(node, side, ast.Attribute(getattr(node, side), "T", ast.Load()))
                        for side in ("left", "right") if not _transposed(getattr(node, side)))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield node.operand
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        yield node.value
    elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
        yield ast.Assign([node.target], node.value, lineno=node.lineno)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        yield ast.Constant(node.value + 1)
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARISONS:
        yield ast.Compare(node.left, [_COMPARISONS[type(node.ops[0])]()], node.comparators)
    elif isinstance(node, ast.Call) and len(node.args) >= 2:
        yield _with(node, "args", [node.args[1], node.args[0], *node.args[2:]])
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.Expr)):
        yield None


def _with(node, field, value):
    node = copy.copy(node)
    setattr(node, field, value)
    return node


def _transposed(operand):
    """Whether operand is already X.T (adding .T to it is no slip; dropping it is one)."""
    return isinstance(operand, ast.Attribute) and operand.attr == "T"


def _times_one(node):
    """Whether node is 1 * t or t * 1: deleting the factor 1 changes nothing."""
    return isinstance(node.op, ast.Mult) and any(
        isinstance(side, ast.Constant) and side.value == 1 for side in (node.left, node.right))


def _replace(cell, node, variant):
    """The Mutant that puts variant (or `pass`, for None) where node stands in cell."""
    lines = cell.split("\n")
    first, last = node.lineno - 1, node.end_lineno - 1
    start = lines[first].encode()[:node.col_offset].decode()
    end = lines[last].encode()[node.end_col_offset:].decode()
    text = "pass" if variant is None else ast.unparse(variant)
    if isinstance(variant, (ast.BinOp, ast.UnaryOp, ast.Compare)) and _needs_brackets(start, end):
        text = f"({text})"
    changed = (start + text + end).split("\n")
    source = "\n".join(lines[:first] + changed + lines[last + 1:])
    try:
        ast.parse(source)
    except SyntaxError:
        return None
    return Mutant(source, " / ".join(line.strip() for line in lines[first:last + 1]),
                  " / ".join(line.strip() for line in changed))


def _needs_brackets(start, end):
    """Whether an expression put between start and end must be bracketed to keep its meaning:
    anywhere but a whole right-hand side, a whole argument or a whole return value."""
    before, after = start.rstrip(), end.lstrip()
    free_before = before.endswith(("=", "(", ",", "[", "return", "if", "while")) or before == ""
    free_after = after == "" or after.startswith((")", ",", "]", ":"))
    return not (free_before and free_after)
