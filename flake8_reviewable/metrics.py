"""The metric pass: an ``ast`` in, ``FileFacts`` out. Pure measurement; no flake8 here.

The tree is the one flake8 already parsed: its statements are walked once, block by block, never expression
by expression; expression-level facts (lambdas, literal and string spans, docstrings) come from ``scan``.
"""
from __future__ import annotations

import ast
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from radon.visitors import ComplexityVisitor

from flake8_reviewable.cognitive import CognitiveScore, cognitive_complexity
from flake8_reviewable.facts import BUMP_DEPTH, MODULE_NAME, Definition, FileFacts, ParseFailure, Position, UnitFacts
from flake8_reviewable.lines import ReviewableLines
from flake8_reviewable.memory import cycle_collection_paused
from flake8_reviewable.scan import ExpressionScan, is_elif, scan_expressions


@dataclass
class _OpenUnit:
    name: str
    position: Position
    length: int
    # Depth 0 of nesting: the outermost enclosing function's body (the reader holds every enclosing level).
    base_level: int
    # Depth 0 for bumps: the unit's own body (a bump is a chunk of the function's own structure).
    body_level: int
    cyclomatic: int = 0
    cognitive: CognitiveScore | None = None
    max_depth: int = 0
    deepening: list[Position] = field(default_factory=list)
    # [start, deepest depth] of each top-level statement of the body, for bumps.
    top_level: list[list] = field(default_factory=list)
    # Classes defined in this function and open where the walk is: their code is no bump of the function.
    classes_open: int = 0

    def reach(self, level: int, position: Position) -> None:
        depth = level - self.base_level
        while len(self.deepening) < depth:
            self.deepening.append(position)
        self.max_depth = max(self.max_depth, depth)
        if self.top_level and not self.classes_open:
            self.top_level[-1][1] = max(self.top_level[-1][1], level - self.body_level)

    def bumps(self) -> tuple[Position, ...]:
        """Where each maximal run of top-level statements reaching BUMP_DEPTH starts."""
        starts = []
        previous_depth = 0
        for start, depth in self.top_level:
            if depth >= BUMP_DEPTH > previous_depth:
                starts.append(start)
            previous_depth = depth
        return tuple(starts)

    def freeze(self) -> UnitFacts:
        return UnitFacts(
            self.name,
            self.position,
            self.length,
            self.max_depth,
            tuple(self.deepening),
            cyclomatic=self.cyclomatic,
            bumps=self.bumps(),
            cognitive=self.cognitive.total if self.cognitive else None,
            cognitive_hotspots=self.cognitive.hotspots if self.cognitive else (),
            cognitive_nested=self.cognitive.nested if self.cognitive else (),
        )


def parsed(text: str) -> ast.Module | None:
    """The ``ast`` of ``text``, or None when Python cannot parse it (a base version may not)."""
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


@cycle_collection_paused
def measure(source: str | Sequence[str], tree: ast.Module | None = None) -> FileFacts:
    """Measure a file that Python can parse; ``tree`` is its ``ast`` (flake8's), parsed here when not given."""
    # Split where Python's tokenizer ends lines (str.splitlines would also split at form feeds).
    lines = io.StringIO(source, newline="").readlines() if isinstance(source, str) else list(source)
    if tree is None:
        tree = ast.parse("".join(lines))
    scan = scan_expressions(tree)
    walker = _StatementWalker(lines, ReviewableLines(lines, scan), scan)
    try:
        walker.walk(tree)
    except RecursionError:
        # radon's visitor recurses once per level of syntax; a few hundred nested lambdas exhaust the stack.
        reason = "its syntax nests too deeply for radon's cyclomatic complexity visitor"
        return FileFacts.unanalysable(ParseFailure(Position(1, 0), reason))
    return walker.facts()


class _StatementWalker:
    """Walks the statements of the ``ast`` block by block, tracking the nesting level of every block."""

    def __init__(self, lines: Sequence[str], reviewable: ReviewableLines, scan: ExpressionScan) -> None:
        self.lines = lines
        self.reviewable = reviewable
        self.scan = scan
        self.module = _OpenUnit(MODULE_NAME, Position(1, 0), reviewable.total, base_level=0, body_level=0)
        self.functions: list[_OpenUnit] = []
        self.enclosing: list[_OpenUnit] = []
        self.definitions: list[Definition] = []

    def facts(self) -> FileFacts:
        return FileFacts(
            module=self.module.freeze(),
            functions=tuple(unit.freeze() for unit in self.functions),
            definitions=tuple(self.definitions),
        )

    def walk(self, tree: ast.Module) -> None:
        self._walk_block(tree.body, level=0, qualifier="")

    def _reach(self, level: int, position: Position) -> None:
        # A block belongs to the innermost function it sits in; outside functions, to the module's own code.
        (self.enclosing[-1] if self.enclosing else self.module).reach(level, position)

    def _walk_block(self, statements: list[ast.stmt], level: int, qualifier: str) -> None:
        for statement in statements:
            self._walk_statement(statement, level, qualifier)

    def _walk_statement(self, statement: ast.stmt, level: int, qualifier: str) -> None:
        for position, lambdas in self.scan.lambdas.get(id(statement), ()):
            self._reach(level + lambdas, position)
        if isinstance(statement, _COMPOUND):
            self._walk_compound(statement, level, qualifier)

    def _walk_compound(self, statement: ast.stmt, level: int, qualifier: str) -> None:
        name = getattr(statement, "name", None)
        if name is not None:
            self._define(statement, qualifier + name)
        if isinstance(statement, _FUNCTIONS):
            self._walk_function(statement, level, qualifier + name)
            return
        if isinstance(statement, ast.ClassDef) and self.enclosing:
            self._walk_class_in_function(statement, level, qualifier + name + ".")
            return
        self._walk_blocks(statement, level, qualifier + name + "." if name else qualifier)
        if is_elif(statement, self.lines):
            self._walk_block(statement.orelse, level, qualifier)

    def _walk_blocks(self, statement: ast.stmt, level: int, inner: str) -> None:
        self._reach(level + 1, Position(statement.lineno, statement.col_offset))
        for block in _child_blocks(statement, self.lines):
            self._walk_block(block, level + 1, inner)

    def _walk_class_in_function(self, statement: ast.ClassDef, level: int, inner: str) -> None:
        unit = self.enclosing[-1]
        unit.classes_open += 1
        self._walk_blocks(statement, level, inner)
        unit.classes_open -= 1

    def _define(self, statement: ast.stmt, name: str) -> None:
        """Record a definition; inside a function, its lines leave the function's length but one (a line
        belongs to its innermost function)."""
        first = min((decorator.lineno for decorator in statement.decorator_list), default=statement.lineno)
        last = statement.end_lineno or statement.lineno
        self.definitions.append(Definition(name, first, last, statement.body[0].lineno))
        if self.enclosing and not self.enclosing[-1].classes_open:
            self.enclosing[-1].length -= self.reviewable.count(first, last) - 1

    def _walk_function(self, function: ast.FunctionDef | ast.AsyncFunctionDef, level: int, name: str) -> None:
        position = Position(function.lineno, function.col_offset)
        length = self.reviewable.count(function.body[0].lineno, function.end_lineno or function.lineno)
        base = self.enclosing[0].base_level if self.enclosing else level + 1
        unit = _OpenUnit(name, position, length, base_level=base, body_level=level + 1)
        unit.reach(level + 1, position)  # a nested function's body is as deep as the blocks around it
        unit.cyclomatic = cyclomatic_complexity(function)
        if not self.enclosing:
            # Outside any function, a qualified name with a dot can only come from enclosing classes.
            unit.cognitive = cognitive_complexity(function, self.lines, is_method="." in name)
        self.functions.append(unit)
        self.enclosing.append(unit)
        for statement in function.body:
            unit.top_level.append([Position(statement.lineno, statement.col_offset), 0])
            self._walk_statement(statement, level + 1, name + ".")
        self.enclosing.pop()


def cyclomatic_complexity(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """radon's cyclomatic complexity of one function, nested functions excluded (as ``radon cc`` counts it)
    and ``assert`` not counted: a flat test of forty asserts has one path, not forty-one."""
    return ComplexityVisitor.from_ast(function, no_assert=True).functions[0].complexity


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# The statements that open blocks of their own.
_COMPOUND = (
    *_FUNCTIONS, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With, ast.AsyncWith,
    *(getattr(ast, name) for name in ("TryStar", "Match") if hasattr(ast, name)),
)


def _child_blocks(statement: ast.stmt, lines: Sequence[str]) -> list[list[ast.stmt]]:
    """The blocks a compound statement opens; the ``If`` of an ``elif`` is not one (it is walked at the
    level of its ``if``)."""
    blocks = [statement.body] if hasattr(statement, "body") else []
    blocks.extend(handler.body for handler in getattr(statement, "handlers", ()))
    blocks.extend(case.body for case in getattr(statement, "cases", ()))
    orelse = getattr(statement, "orelse", None)
    if orelse and not is_elif(statement, lines):
        blocks.append(orelse)
    finalbody = getattr(statement, "finalbody", None)
    if finalbody:
        blocks.append(finalbody)
    return blocks
