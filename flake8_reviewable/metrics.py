"""The metric pass: source text in, ``FileFacts`` out. Pure measurement; no flake8 here.

libcst parses the file and its statements are walked once, block by block, never expression by expression;
each libcst statement is paired with the ``ast`` statement at the same place, which gives exact positions
and the expression-level facts collected by ``scan``.
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
from flake8_reviewable.memory import cycle_collection_paused, imported_for_good
from flake8_reviewable.scan import ExpressionScan, scan_expressions

# libcst's native parser overflows the C stack (a crash, not an exception) somewhere past 3,000 levels of
# nested syntax; no hand-written code comes near this limit.
MAX_SYNTAX_DEPTH = 1000


class _Disagreement(Exception):
    """libcst and ``ast`` read the file's statements differently, so no fact can be trusted."""


@dataclass
class _OpenUnit:
    name: str
    position: Position
    length: int
    base_level: int
    cyclomatic: int = 0
    cognitive: CognitiveScore | None = None
    max_depth: int = 0
    deepening: list[Position] = field(default_factory=list)
    # [start, deepest depth] of each top-level statement of the body, for bumps.
    top_level: list[list] = field(default_factory=list)

    def reach(self, level: int, position: Position) -> None:
        depth = level - self.base_level
        while len(self.deepening) < depth:
            self.deepening.append(position)
        self.max_depth = max(self.max_depth, depth)
        if self.top_level:
            self.top_level[-1][1] = max(self.top_level[-1][1], depth)

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
        )


def parsed(text: str) -> ast.Module | None:
    """The ``ast`` of ``text``, or None when Python cannot parse it (a base version may not)."""
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


@cycle_collection_paused
def measure(source: str | Sequence[str], tree: ast.Module | None = None) -> FileFacts:
    """Measure a file that Python can parse; ``tree`` is its ``ast``, parsed here when not given."""
    # Split where Python's tokenizer ends lines (str.splitlines would also split at form feeds).
    lines = io.StringIO(source, newline="").readlines() if isinstance(source, str) else list(source)
    text = "".join(lines)
    if tree is None:
        tree = ast.parse(text)
    scan = scan_expressions(tree, MAX_SYNTAX_DEPTH)
    if scan.max_syntax_depth > MAX_SYNTAX_DEPTH:
        reason = f"its syntax nests more than {MAX_SYNTAX_DEPTH} levels deep, which would crash libcst's parser"
        return FileFacts.unanalysable(ParseFailure(Position(1, 0), reason))
    module = _parse_with_libcst(text)
    if isinstance(module, ParseFailure):
        return FileFacts.unanalysable(module)
    walker = _StatementWalker(lines, ReviewableLines(lines, scan), scan)
    try:
        walker.walk(module, tree)
    except _Disagreement as error:
        return FileFacts.unanalysable(ParseFailure(Position(1, 0), str(error)))
    except RecursionError:
        # radon's visitor recurses once per level of syntax; a few hundred levels can exhaust the stack.
        reason = "its syntax nests too deeply for radon's cyclomatic complexity visitor"
        return FileFacts.unanalysable(ParseFailure(Position(1, 0), reason))
    return walker.facts()


def _parse_with_libcst(text: str):
    # Imported here: it costs a tenth of a second, and cached files never need it.
    libcst = imported_for_good("libcst")

    try:
        return libcst.parse_module(text)
    except libcst.ParserSyntaxError as error:
        reason = error.message.strip().splitlines()[0]
        return ParseFailure(Position(error.raw_line, error.raw_column), f"libcst cannot parse it: {reason}")
    except RecursionError:
        return ParseFailure(Position(1, 0), "its syntax is nested too deeply for libcst")


class _StatementWalker:
    """Walks libcst's statements with their ``ast`` twins, tracking the nesting level of every block."""

    def __init__(self, lines: Sequence[str], reviewable: ReviewableLines, scan: ExpressionScan) -> None:
        self.lines = lines
        self.reviewable = reviewable
        self.scan = scan
        self.module = _OpenUnit(MODULE_NAME, Position(1, 0), reviewable.total, base_level=0)
        self.functions: list[_OpenUnit] = []
        self.enclosing: list[_OpenUnit] = []
        self.definitions: list[Definition] = []

    def facts(self) -> FileFacts:
        return FileFacts(
            module=self.module.freeze(),
            functions=tuple(unit.freeze() for unit in self.functions),
            definitions=tuple(self.definitions),
        )

    def walk(self, module, tree: ast.Module) -> None:
        self._walk_block(module.body, tree.body, level=0, qualifier="")

    def _reach(self, level: int, position: Position) -> None:
        # A block deepens every function it sits in; outside functions it deepens the module's own code.
        for unit in self.enclosing or (self.module,):
            unit.reach(level, position)

    def _walk_block(self, statements, twins: list[ast.stmt], level: int, qualifier: str) -> None:
        for statement, twin in _paired(statements, twins):
            self._walk_statement(statement, twin, level, qualifier)

    def _walk_statement(self, statement, twin: ast.stmt, level: int, qualifier: str) -> None:
        for position, lambdas in self.scan.lambdas.get(id(twin), ()):
            self._reach(level + lambdas, position)
        if _is_compound(statement):
            self._walk_compound(statement, twin, level, qualifier)

    def _walk_compound(self, statement, twin: ast.stmt, level: int, qualifier: str) -> None:
        _check_kind(statement, twin)
        position = Position(twin.lineno, twin.col_offset)
        name = getattr(twin, "name", None)
        if name is not None:
            first = min((decorator.lineno for decorator in twin.decorator_list), default=twin.lineno)
            self.definitions.append(Definition(qualifier + name, first, twin.end_lineno or twin.lineno))
        if isinstance(twin, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # A def's body belongs to the enclosing functions (one level deeper) but not to the module's code.
            if self.enclosing:
                self._reach(level + 1, position)
            self._walk_function(statement, twin, level, qualifier + name)
            return
        self._reach(level + 1, position)
        inner = qualifier + name + "." if isinstance(twin, ast.ClassDef) else qualifier
        for block, block_twins in _child_blocks(statement, twin):
            self._walk_block(block, block_twins, level + 1, inner)
        if _has_elif(statement):
            self._walk_block([statement.orelse], twin.orelse, level, qualifier)

    def _walk_function(self, statement, twin: ast.FunctionDef | ast.AsyncFunctionDef, level: int, name: str) -> None:
        length = self.reviewable.count(twin.body[0].lineno, twin.end_lineno or twin.lineno)
        unit = _OpenUnit(name, Position(twin.lineno, twin.col_offset), length, base_level=level + 1)
        unit.cyclomatic = cyclomatic_complexity(twin)
        if not self.enclosing:
            # Outside any function, a qualified name with a dot can only come from enclosing classes.
            unit.cognitive = cognitive_complexity(twin, self.lines, is_method="." in name)
        self.functions.append(unit)
        self.enclosing.append(unit)
        for body_statement, body_twin in _paired(statement.body, twin.body):
            unit.top_level.append([Position(body_twin.lineno, body_twin.col_offset), 0])
            self._walk_statement(body_statement, body_twin, level + 1, name + ".")
        self.enclosing.pop()


def cyclomatic_complexity(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """radon's cyclomatic complexity of one function, nested functions excluded (as ``radon cc`` counts it)."""
    return ComplexityVisitor.from_ast(function).functions[0].complexity


def _paired(statements, twins: list[ast.stmt]) -> list[tuple[object, ast.stmt]]:
    """libcst's statements of a block, each with its ``ast`` twin."""
    statements = _flatten(statements)
    if len(statements) != len(twins):
        line = twins[0].lineno if twins else 1
        raise _Disagreement(f"libcst and Python read the statements near line {line} differently")
    return list(zip(statements, twins))


def _flatten(statements) -> list:
    """The statements of a block, one per ``ast`` statement: ``a = 1; b = 2`` is two."""
    if hasattr(statements, "body"):  # an IndentedBlock, or a one-line SimpleStatementSuite
        statements = statements.body
    flat = []
    for statement in statements:
        flat.extend(getattr(statement, "body", ()) if _is_simple_line(statement) else (statement,))
    return flat


def _is_simple_line(statement) -> bool:
    return type(statement).__name__ == "SimpleStatementLine"


def _is_compound(statement) -> bool:
    return type(statement).__name__ in _AST_KINDS


def _has_elif(statement) -> bool:
    return type(statement).__name__ == "If" and type(statement.orelse).__name__ == "If"


# Each libcst compound statement and the ast statements it may be paired with.
_AST_KINDS = {
    "FunctionDef": (ast.FunctionDef, ast.AsyncFunctionDef),
    "ClassDef": (ast.ClassDef,),
    "If": (ast.If,),
    "For": (ast.For, ast.AsyncFor),
    "While": (ast.While,),
    "Try": (ast.Try,),
    "TryStar": tuple(getattr(ast, name) for name in ("TryStar",) if hasattr(ast, name)),
    "With": (ast.With, ast.AsyncWith),
    "Match": tuple(getattr(ast, name) for name in ("Match",) if hasattr(ast, name)),
}


def _check_kind(statement, twin: ast.stmt) -> None:
    if not isinstance(twin, _AST_KINDS[type(statement).__name__]):
        kind = type(statement).__name__
        raise _Disagreement(f"libcst reads a {kind} statement where Python reads line {twin.lineno} differently")


def _child_blocks(statement, twin: ast.stmt) -> list[tuple[object, list[ast.stmt]]]:
    """The blocks a compound statement opens, each with its ``ast`` statements (an ``elif`` is not one)."""
    blocks = [(statement.body, twin.body)] if hasattr(twin, "body") else []
    for handler, handler_twin in zip(getattr(statement, "handlers", ()), getattr(twin, "handlers", ())):
        blocks.append((handler.body, handler_twin.body))
    for case, case_twin in zip(getattr(statement, "cases", ()), getattr(twin, "cases", ())):
        blocks.append((case.body, case_twin.body))
    orelse = getattr(statement, "orelse", None)
    if orelse is not None and not _has_elif(statement):
        blocks.append((orelse.body, twin.orelse))
    finalbody = getattr(statement, "finalbody", None)
    if finalbody is not None:
        blocks.append((finalbody.body, twin.finalbody))
    return blocks
