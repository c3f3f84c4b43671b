"""Where, in a declaration module, a character of a query was written: the string literal
holding the expression (in the call that declared it, else anywhere in the module) and the
line and column within it."""

from __future__ import annotations

import ast
import functools
import os

from dashsmith.checks import literals
from dashsmith.model.source import Source


def position(declared: Source, text: str, offset: int) -> Source:
    """The place of text[offset], for an expression declared by the call at `declared`; the
    declaring line without a column where no literal in the module holds the expression."""
    module = _module(declared.file)
    if module is not None:
        lines, tree = module
        for node in _candidates(tree, declared.line):
            pieces = _pieces(node, lines)
            found = pieces and literals.position(pieces, text, offset)
            if found:
                return Source(declared.file, *found)
    return Source(declared.file, declared.line, 0)


def _candidates(tree: ast.Module, line: int):
    """The string literals of the calls that start on `line`, then the module's others."""
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and node.lineno == line]
    seen = set()
    for root in [*calls, tree]:
        for node in _strings(root):
            if id(node) not in seen:
                seen.add(id(node))
                yield node


def _strings(root: ast.AST):
    """String literals under `root`, not the parts of an f-string."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant)
                                               and isinstance(node.value, str)):
            yield node
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _pieces(node: ast.expr, lines: list[str]) -> list[literals.Piece] | None:
    first = lines[node.lineno - 1]
    column = len(first.encode("utf-8")[:node.col_offset].decode("utf-8", "replace")) + 1
    segment = _segment(node, lines)
    return literals.python_pieces(segment, node.lineno, column) if segment else None


def _segment(node: ast.expr, lines: list[str]) -> str | None:
    if node.end_lineno is None or node.end_col_offset is None:
        return None
    chosen = [line.encode("utf-8") for line in lines[node.lineno - 1:node.end_lineno]]
    chosen[-1] = chosen[-1][:node.end_col_offset]
    chosen[0] = chosen[0][node.col_offset:]
    return b"".join(chosen).decode("utf-8", "replace")


@functools.lru_cache(maxsize=32)
def _parsed(path: str, stamp: tuple[int, int]):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return text.splitlines(keepends=True), ast.parse(text, path)


def _module(path: str):
    try:
        status = os.stat(path)
        return _parsed(path, (status.st_mtime_ns, status.st_size))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return None


def declaring_line(place: Source) -> int:
    """The line of the innermost call whose arguments hold `place` (a character of a query
    written inside the call), where suppression comments are; the place's own line for
    anything else."""
    if not place.column or not place.file.endswith(".py"):
        return place.line
    module = _module(place.file)
    if module is None:
        return place.line
    holding = [node for node in ast.walk(module[1]) if isinstance(node, ast.Call)
               and node.lineno <= place.line <= (node.end_lineno or node.lineno)]
    if not holding:
        return place.line
    return max(holding, key=lambda node: (node.lineno, node.col_offset)).lineno
