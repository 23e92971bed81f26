"""One iterative walk over the ``ast`` tree flake8 already parsed, collecting expression-level facts.

The metric pass walks statements block by block (see ``metrics``); whatever lives inside expressions
(lambdas, literal and string spans, docstrings) comes from here. The walk is iterative so that a deep
expression can never exhaust Python's recursion limit.
"""
from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from flake8_reviewable.facts import Position

_CONTAINERS = (ast.List, ast.Tuple, ast.Set, ast.Dict)


@dataclass
class ExpressionScan:
    """Facts about a file's expressions, keyed so the statement walk can find them."""

    # (first line, last line, end column in UTF-8 bytes) of each multi-line literal made only of constants.
    collapsed_spans: list[tuple[int, int, int]] = field(default_factory=list)
    string_interiors: list[tuple[int, int]] = field(default_factory=list)
    docstring_spans: list[tuple[int, int]] = field(default_factory=list)
    # id(statement) -> (lambda position, lambdas enclosing it within the statement, itself included)
    lambdas: dict[int, list[tuple[Position, int]]] = field(default_factory=dict)


def is_constant_literal(node: ast.AST) -> bool:
    """True for a literal built only from constants: ``3``, ``"a"``, ``(1, -2.0)``, ``{"k": [None]}``."""
    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, ast.Constant):
            continue
        if isinstance(item, ast.UnaryOp) and isinstance(item.op, (ast.USub, ast.UAdd)):
            pending.append(item.operand)
        elif isinstance(item, (ast.List, ast.Tuple, ast.Set)):
            pending.extend(item.elts)
        elif isinstance(item, ast.Dict) and None not in item.keys:
            pending.extend(item.keys)
            pending.extend(item.values)
        else:
            return False
    return True


def _docstring_span(scope: ast.AST) -> tuple[int, int] | None:
    body = getattr(scope, "body", None)
    if not body or not isinstance(body[0], ast.Expr):
        return None
    value = body[0].value
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return (value.lineno, value.end_lineno or value.lineno)
    return None


def _spans_lines(node: ast.AST) -> bool:
    return (getattr(node, "end_lineno", None) or node.lineno) > node.lineno


# Fields that hold only childless singletons (``Load``, ``Add``, ``Eq``...): a third of all nodes, and
# nothing the scan looks for.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
_STATEMENTS = frozenset(_subclass for _subclass in vars(ast).values()
                        if isinstance(_subclass, type) and issubclass(_subclass, ast.stmt))


@lru_cache(maxsize=None)
def _walked_fields(kind: type) -> tuple[str, ...]:
    return tuple(name for name in kind._fields if name not in _LEAF_FIELDS)


def children_without_leaves(node: ast.AST) -> list[ast.AST]:
    """``child_nodes`` less the operator and context singletons, for the walks that never look at them
    (this scan and cognitive complexity; duplicate fingerprints keep them)."""
    return _nodes_in(node, _walked_fields(type(node)))


def _nodes_in(node: ast.AST, fields: tuple[str, ...]) -> list[ast.AST]:
    children: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            children.append(value)
        elif isinstance(value, list):
            children.extend([item for item in value if isinstance(item, ast.AST)])
    return children


class _Scanner:
    def __init__(self) -> None:
        self.scan = ExpressionScan()
        # Each entry: node, owning statement, lambdas enclosing the node.
        self.pending: list[tuple[ast.AST, ast.stmt | None, int]] = []
        # What to do on the node kinds that hold a fact; every other node is only walked through.
        self.visits = {
            ast.Module: self._visit_scope, ast.ClassDef: self._visit_scope, ast.FunctionDef: self._visit_scope,
            ast.AsyncFunctionDef: self._visit_scope, ast.Lambda: self._visit_lambda,
            ast.JoinedStr: self._visit_fstring, **{kind: self._visit_literal for kind in (ast.Constant, *_CONTAINERS)},
        }

    def run(self, tree: ast.AST) -> ExpressionScan:
        self.pending.append((tree, None, 0))
        while self.pending:
            self._visit(*self.pending.pop())
        return self.scan

    def _visit(self, node: ast.AST, owner: ast.stmt | None, lambdas: int) -> None:
        kind = type(node)
        if kind in _STATEMENTS:
            owner, lambdas = node, 0
        visit = self.visits.get(kind)
        if visit is not None:
            lambdas = visit(node, owner, lambdas)
            if lambdas is None:
                return
        self.pending.extend([(child, owner, lambdas) for child in children_without_leaves(node)])

    # Each visit returns the lambda count for the node's children, or None when it walked them itself.
    def _visit_scope(self, node: ast.AST, owner: ast.stmt | None, lambdas: int) -> int:
        span = _docstring_span(node)
        if span:
            self.scan.docstring_spans.append(span)
        return lambdas

    def _visit_lambda(self, node: ast.Lambda, owner: ast.stmt | None, lambdas: int) -> int:
        position = Position(node.lineno, node.col_offset)
        self.scan.lambdas.setdefault(id(owner), []).append((position, lambdas + 1))
        return lambdas + 1

    def _visit_literal(self, node: ast.expr, owner: ast.stmt | None, lambdas: int) -> int | None:
        if _spans_lines(node) and is_constant_literal(node):
            self.scan.collapsed_spans.append((node.lineno, node.end_lineno, node.end_col_offset))
            return None
        return lambdas

    def _visit_fstring(self, node: ast.JoinedStr, owner: ast.stmt | None, lambdas: int) -> None:
        # The lines inside a multi-line f-string hold code even when their text looks blank or like a
        # comment; its constant parts are not literals of their own, so only the replacement fields are
        # walked on.
        if _spans_lines(node):
            self.scan.string_interiors.append((node.lineno + 1, node.end_lineno))
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                self.pending.append((part, owner, lambdas))
        return None


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """``ast.iter_child_nodes(node)`` as a list, without its generators, for the walks that want a list
    (duplicate fingerprints): it is called for every node of every file."""
    return _nodes_in(node, node._fields)


def scan_expressions(tree: ast.AST) -> ExpressionScan:
    """Walk ``tree`` once."""
    return _Scanner().run(tree)


def is_elif(statement: ast.stmt, lines: Sequence[str]) -> bool:
    """Whether ``statement`` is an ``if`` whose ``else`` branch is an ``elif``: ``ast`` writes both
    ``elif b:`` and ``else:`` holding only ``if b:`` as one ``If`` in ``orelse``; the source tells them
    apart (an ``elif`` starts where its ``If`` node does; indentation is ASCII, so byte and character
    columns agree there)."""
    if not isinstance(statement, ast.If) or len(statement.orelse) != 1 or not isinstance(statement.orelse[0], ast.If):
        return False
    branch = statement.orelse[0]
    return lines[branch.lineno - 1][branch.col_offset:branch.col_offset + 4] == "elif"
