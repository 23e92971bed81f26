"""Duplicate windows of one file: statement runs normalised so that renamed names and changed literals
still match.

A window is a run of consecutive sibling statements holding at least ``min_size`` statements (nested
ones included). Its fingerprint hashes the shape of its statements (node types and operators; names and
literals replaced by placeholders) and the pattern in which names repeat across the whole window, so
``x = x + x`` and ``a = b + c`` differ while ``a = a + 1`` and ``b = b + 2`` match (consistent renaming).
Layout, comments and redundant parentheses never reach the ``ast``, so they never matter. Where the copies
of a window are found is ``duplication``'s part.
"""
from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from flake8_reviewable.duplication import Window
from flake8_reviewable.scan import child_nodes, is_constant_literal

_NAME_FIELDS = {ast.Name: "id", ast.arg: "arg", ast.Attribute: "attr", ast.keyword: "arg", ast.alias: "name"}
_SEPARATORS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_BODIES = ("body", "orelse", "finalbody")


@dataclass(frozen=True)
class _Statement:
    shape: str
    names: tuple[str, ...]
    size: int
    first: int
    last: int
    plain_binding: bool
    col: int = 0


# A statement's shape (its nodes' tokens in preorder), the names it uses in order, and its statement count.
_Shape = tuple[str, tuple[str, ...], int]


def windows(tree: ast.AST, min_size: int) -> tuple[Window, ...]:
    """Every window of at least ``min_size`` statements in the file, smallest per start."""
    found = []
    for number, run in enumerate(_runs(tree, {})):
        found.extend(_windows_of(run, number, min_size))
    return tuple(found)


def _runs(tree: ast.AST, shapes: dict[int, _Shape]) -> Iterator[list[_Statement]]:
    """Each maximal run of countable sibling statements, in every block of the file."""
    pending = [tree]
    while pending:
        node = pending.pop()
        for block in _blocks(node):
            run: list[_Statement] = []
            in_class = isinstance(node, ast.ClassDef)
            for statement in block:
                if _is_excluded(statement):
                    yield run
                    run = []
                else:
                    run.append(_describe(statement, in_class, shapes))
                if not _is_opaque(statement):
                    pending.append(statement)
            yield run


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    blocks = [getattr(node, name) for name in _BODIES if isinstance(getattr(node, name, None), list)]
    blocks.extend(handler.body for handler in getattr(node, "handlers", ()))
    blocks.extend(case.body for case in getattr(node, "cases", ()))
    return [block for block in blocks if block and isinstance(block[0], ast.stmt)]


def _is_excluded(statement: ast.stmt) -> bool:
    """Statements that never count and break a run: imports, definitions (their signatures), docstrings,
    ``__all__``, ``if TYPE_CHECKING:`` and ``try``/``except ImportError`` shims."""
    if isinstance(statement, _SEPARATORS) or _is_opaque(statement):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return isinstance(statement.value.value, str)
    targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
    return any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets)


def _is_opaque(statement: ast.stmt) -> bool:
    """Blocks whose insides are never compared: ``if TYPE_CHECKING:`` and import shims."""
    if isinstance(statement, ast.If):
        test = statement.test
        return getattr(test, "id", getattr(test, "attr", None)) == "TYPE_CHECKING"
    handlers = getattr(statement, "handlers", ())
    return any(_catches_import_error(handler.type) for handler in handlers)


def _catches_import_error(kind: ast.expr | None) -> bool:
    names = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any(getattr(name, "id", getattr(name, "attr", None)) in ("ImportError", "ModuleNotFoundError")
               for name in names)


def _describe(statement: ast.stmt, in_class: bool, shapes: dict[int, _Shape]) -> _Statement:
    shape, names, size = _shape(statement, shapes)
    binding = _is_plain_binding(statement, in_class)
    last = statement.end_lineno or statement.lineno
    return _Statement(shape, names, size, statement.lineno, last, binding, statement.col_offset)


def _shape(statement: ast.stmt, shapes: dict[int, _Shape]) -> _Shape:
    """The shape of a statement's subtree, reusing the shapes of the statements nested in it (kept in
    ``shapes`` by id): every statement is described in its own run and inside each enclosing one, and
    walking its nodes again at every level would make the work grow with the nesting depth."""
    known = shapes.get(id(statement))
    if known is not None:
        return known
    names: list[str] = []
    tokens: list[str] = []
    size = 1
    pending: list[ast.AST] = [statement]
    while pending:
        node = pending.pop()
        kind = _KINDS.get(type(node)) or _kind(type(node))
        if kind.statement and node is not statement:
            inner_shape, inner_names, inner_size = _shape(node, shapes)
            tokens.append(inner_shape)
            names.extend(inner_names)
            size += inner_size
            continue
        tokens.append(_token(node, kind, names))
        pending.extend(reversed(child_nodes(node)))
    shapes[id(statement)] = found = (" ".join(tokens), tuple(names), size)
    return found


@dataclass(frozen=True)
class _Kind:
    """What the walk needs of a node class, looked up once per class (the walk visits every node of the
    file, and per-node type tests were much of its time)."""

    token: str
    name_field: str | None
    statement: bool


_KINDS: dict[type, _Kind] = {}


def _kind(cls: type) -> _Kind:
    token = "" if issubclass(cls, ast.expr_context) else cls.__name__
    _KINDS[cls] = kind = _Kind(token, _NAME_FIELDS.get(cls), issubclass(cls, ast.stmt))
    return kind


def _token(node: ast.AST, kind: _Kind, names: list[str]) -> str:
    if kind.name_field is not None:
        name = getattr(node, kind.name_field, None)
        if name:
            names.append(name)
    if kind.token == "Constant":
        return f"Constant:{type(node.value).__name__}"
    return kind.token


def _is_plain_binding(statement: ast.stmt, in_class: bool) -> bool:
    """``NAME = constant`` (a data table), a name or attribute bound to a bare name (``self.x = x``), or
    any assignment directly in a class body (model fields, declarative settings): runs made only of these
    declare things; they hold no logic worth extracting."""
    if not isinstance(statement, (ast.Assign, ast.AnnAssign)):
        return False
    if in_class:  # `name: int`, `name = Field(...)`: a declaration, with or without a value
        return True
    value = statement.value
    return value is not None and (is_constant_literal(value) or isinstance(value, ast.Name))


def _windows_of(run: Sequence[_Statement], number: int, min_size: int) -> Iterator[Window]:
    for start in range(len(run)):
        total = 0
        for end in range(start, len(run)):
            total += run[end].size
            if total >= min_size:
                chosen = run[start:end + 1]
                if not all(item.plain_binding for item in chosen):
                    sizes = tuple(item.size for item in chosen)
                    yield Window(_fingerprint(chosen), chosen[0].first, chosen[-1].last, number, start, sizes,
                                 chosen[0].col)
                break


def _fingerprint(statements: Sequence[_Statement]) -> str:
    # Each name becomes the index of its first appearance in the window: consistent renaming matches.
    first_seen: dict[str, int] = {}
    pattern = [first_seen.setdefault(name, len(first_seen)) for item in statements for name in item.names]
    text = "\n".join(item.shape for item in statements) + "\n" + ",".join(map(str, pattern))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
