"""Cognitive complexity as G. Ann Campbell's SonarSource white paper defines it, scored on the ``ast``.

Where the paper leaves Python open, this follows SonarSource's own Python analyser (sonar-python's
``CognitiveComplexityVisitor``); the few places where it departs from both are listed in the RVW202 docs.
The walk is iterative, so deep expressions cannot exhaust Python's recursion limit.
"""
from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flake8_reviewable.scan import children_without_leaves, is_elif

HOTSPOTS = 3
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_TRIES = tuple(getattr(ast, name) for name in ("Try", "TryStar") if hasattr(ast, name))
_MATCH = getattr(ast, "Match", ())


@dataclass(frozen=True)
class CognitiveScore:
    """A function's cognitive complexity, and the lines that add most to it (largest first)."""

    total: int
    hotspots: tuple[tuple[int, int], ...]
    # The nested functions whose code adds to the total, in source order.
    nested: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Scope:
    """The function (or class body) whose code is being read: its name (for recursion), whether it is a
    method, and whether it is a class body (whose functions start again at level 0)."""

    name: str
    is_method: bool
    key: int
    is_class: bool = False


class _Scorer:
    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.increments: Counter[int] = Counter()
        self.recursive: set[int] = set()
        self.wrappers: set[int] = set()
        self.outermost = 0
        # id of each nested function that adds to the score -> (its first line that adds, its name).
        self.nested: dict[int, tuple[int, str]] = {}
        # Each entry: node, nesting level, the function it belongs to.
        self.pending: list[tuple[ast.AST, int, _Scope]] = []

    def score(self, function: ast.FunctionDef | ast.AsyncFunctionDef, is_method: bool) -> CognitiveScore:
        self.outermost = id(function)
        self._push_body(function, 0, _Scope(function.name, is_method, id(function)))
        while self.pending:
            self._visit(*self.pending.pop())
        hotspots = sorted(self.increments.items(), key=lambda item: (-item[1], item[0]))[:HOTSPOTS]
        nested = tuple(name for _, name in sorted(self.nested.values()))
        return CognitiveScore(sum(self.increments.values()), tuple(hotspots), nested)

    def _add(self, line: int, amount: int, scope: _Scope) -> None:
        self.increments[line] += amount
        if scope.key != self.outermost and not scope.is_class:
            seen = self.nested.get(scope.key, (line, scope.name))
            self.nested[scope.key] = min(seen, (line, scope.name))

    def _push_all(self, nodes: Sequence[ast.AST], level: int, scope: _Scope) -> None:
        self.pending.extend([(node, level, scope) for node in nodes])

    def _push_body(self, function: ast.FunctionDef | ast.AsyncFunctionDef, level: int, scope: _Scope) -> None:
        inner = is_wrapper(function)
        if inner:
            self.wrappers.add(id(inner))
        self._push_all(function.body, level, scope)

    def _push_fields(self, node: ast.AST, fields: Sequence[str], level: int, scope: _Scope) -> None:
        for name in fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                self._push_all(value, level, scope)
            elif value is not None:
                self.pending.append((value, level, scope))

    def _visit(self, node: ast.AST, level: int, scope: _Scope) -> None:
        handler = _HANDLERS.get(type(node))
        if handler:
            handler(self, node, level, scope)
        else:
            self._push_all(children_without_leaves(node), level, scope)

    def _if(self, node: ast.If, level: int, scope: _Scope, is_branch: bool = False) -> None:
        # `if` is structural (+1 plus nesting); `elif` and `else` are hybrid (+1, but their bodies nest).
        self._add(node.lineno, 1 if is_branch else 1 + level, scope)
        self.pending.append((node.test, level, scope))
        self._push_all(node.body, level + 1, scope)
        if is_elif(node, self.lines):
            self._if(node.orelse[0], level, scope, is_branch=True)
        else:
            self._else(node.body, node.orelse, level, scope)

    def _else(self, before: list[ast.stmt], orelse: list[ast.stmt], level: int, scope: _Scope) -> None:
        """An `else` of `if`, a loop or `try`: +1 on the `else` line (sonar-python), its body nested."""
        if not orelse:
            return
        self._add(self._else_line(before[-1], orelse[0]), 1, scope)
        self._push_all(orelse, level + 1, scope)

    def _else_line(self, last_before: ast.stmt, first_after: ast.stmt) -> int:
        # ast keeps no position for the `else` keyword: find its line between the two blocks.
        for number in range(first_after.lineno, (last_before.end_lineno or last_before.lineno) - 1, -1):
            if self.lines[number - 1].lstrip().startswith("else"):
                return number
        return first_after.lineno

    def _loop(self, node: ast.For | ast.AsyncFor | ast.While, level: int, scope: _Scope) -> None:
        self._add(node.lineno, 1 + level, scope)
        self._push_fields(node, ("target", "iter", "test"), level, scope)
        self._push_all(node.body, level + 1, scope)
        self._else(node.body, node.orelse, level, scope)

    def _try(self, node: ast.Try, level: int, scope: _Scope) -> None:
        # `try` and `finally` add nothing and nest nothing; each `except` clause is structural.
        self._push_all(node.body, level, scope)
        for handler in node.handlers:
            self._add(handler.lineno, 1 + level, scope)
            self._push_fields(handler, ("type",), level, scope)
            self._push_all(handler.body, level + 1, scope)
        self._else(node.handlers[-1].body if node.handlers else node.body, node.orelse, level, scope)
        self._push_all(node.finalbody, level, scope)

    def _match(self, node: ast.AST, level: int, scope: _Scope) -> None:
        # One structural increment for the whole statement (the paper's `switch`); the cases are free.
        self._add(node.lineno, 1 + level, scope)
        self.pending.append((node.subject, level, scope))
        for case in node.cases:
            self._push_fields(case, ("guard",), level + 1, scope)
            self._push_all(case.body, level + 1, scope)

    def _ternary(self, node: ast.IfExp, level: int, scope: _Scope) -> None:
        self._add(node.lineno, 1 + level, scope)
        self._push_fields(node, ("test", "body", "orelse"), level + 1, scope)

    def _boolean(self, node: ast.BoolOp, level: int, scope: _Scope) -> None:
        # +1 per sequence of like operators, in the order they are written. ast merges a run of like
        # operators into one BoolOp, so a BoolOp is one sequence, unless an unparenthesised `and` sits
        # between two of its `or`s: `a or b and c or d` reads or, and, or: three sequences.
        # `a and b or c` is +2, `a and not (b and c)` is +2, `a or (b and c) or d` is +2.
        inner = node.values[1:-1]
        interruptions = sum(isinstance(value, ast.BoolOp) and not self._parenthesized(value) for value in inner)
        self._add(node.lineno, 1 + interruptions, scope)
        self._push_all(node.values, level, scope)

    def _parenthesized(self, node: ast.expr) -> bool:
        """Whether the source puts ``node`` in parentheses (ast keeps no trace of them)."""
        line, column = node.lineno - 1, node.col_offset
        while line >= 0:
            before = self.lines[line].encode("utf-8")[:column].decode("utf-8", "replace").rstrip()
            if before:
                return before.endswith("(")
            line, column = line - 1, len(self.lines[line - 1].encode("utf-8")) if line else 0
        return False

    def _lambda(self, node: ast.Lambda, level: int, scope: _Scope) -> None:
        self._push_all([*node.args.defaults, *filter(None, node.args.kw_defaults)], level, scope)
        self.pending.append((node.body, level + 1, scope))

    def _call(self, node: ast.Call, level: int, scope: _Scope) -> None:
        if scope.key not in self.recursive and _calls(node.func, scope):
            self.recursive.add(scope.key)
            self._add(node.lineno, 1, scope)
        self._push_all(children_without_leaves(node), level, scope)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, level: int, scope: _Scope) -> None:
        # Nested functions are folded in one level deeper, except a decorator's wrapper (see is_wrapper);
        # a class body's functions start again at level 0, as in sonar-python.
        self._push_all([*node.decorator_list, *node.args.defaults, *filter(None, node.args.kw_defaults)], level, scope)
        if scope.is_class:
            body_level = 0
        else:
            body_level = level if id(node) in self.wrappers else level + 1
        self._push_body(node, body_level, _Scope(node.name, scope.is_class, id(node)))

    def _class(self, node: ast.ClassDef, level: int, scope: _Scope) -> None:
        # sonar-python reads a class body (and its methods) from nesting level 0 again.
        self._push_all([*node.decorator_list, *node.bases, *node.keywords], level, scope)
        self._push_all(node.body, 0, _Scope(node.name, False, id(node), is_class=True))


def _calls(func: ast.expr, scope: _Scope) -> bool:
    """Whether ``func`` names the scope's own function: ``name(...)``, or ``self.name(...)`` in a method."""
    if isinstance(func, ast.Name):
        return func.id == scope.name and not scope.is_method
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return scope.is_method and func.attr == scope.name and func.value.id in ("self", "cls")
    return False


def is_wrapper(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST | None:
    """The inner function when ``function`` is a decorator: a docstring, one nested def, then ``return name``.

    Its inner function is read at the decorator's own level (the paper's Appendix A exemption).
    """
    body = function.body[1:] if ast.get_docstring(function, clean=False) is not None else function.body
    if len(body) < 2 or not isinstance(body[0], _FUNCTIONS):
        return None
    rest = body[1:]
    returns_a_name = all(isinstance(node, ast.Return) and isinstance(node.value, ast.Name) for node in rest)
    return body[0] if returns_a_name else None


_HANDLERS = {
    ast.If: _Scorer._if,
    ast.For: _Scorer._loop,
    ast.AsyncFor: _Scorer._loop,
    ast.While: _Scorer._loop,
    ast.IfExp: _Scorer._ternary,
    ast.BoolOp: _Scorer._boolean,
    ast.Lambda: _Scorer._lambda,
    ast.Call: _Scorer._call,
    ast.FunctionDef: _Scorer._function,
    ast.AsyncFunctionDef: _Scorer._function,
    ast.ClassDef: _Scorer._class,
    **{kind: _Scorer._try for kind in _TRIES},
    **({_MATCH: _Scorer._match} if _MATCH else {}),
}


def cognitive_complexity(
    function: ast.FunctionDef | ast.AsyncFunctionDef, lines: Sequence[str], is_method: bool
) -> CognitiveScore:
    """Score ``function`` with everything nested in it folded in; ``lines`` are the file's source lines."""
    return _Scorer(lines).score(function, is_method)
