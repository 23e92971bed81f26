"""What the metric pass learns about a file: small, immutable, free of syntax trees.

Facts never depend on option values, so one measurement answers every limit (and can be cached).
"""
from __future__ import annotations

from dataclasses import dataclass

MODULE_NAME = "<module>"
# A bump is a run of a function's top-level statements whose blocks reach this depth.
BUMP_DEPTH = 2


@dataclass(frozen=True)
class Position:
    """A 1-based line and 0-based column, as flake8 expects them from a plugin."""

    line: int
    col: int


@dataclass(frozen=True)
class UnitFacts:
    """One measured unit: a function (any depth), or the module (whose length is the whole file's, and
    whose nesting is that of the code outside any function)."""

    name: str
    position: Position
    length: int
    max_depth: int
    # deepening[k - 1] is the first block (in source order) that opens nesting depth k,
    # so the first block past a limit L is deepening[L] whatever L is.
    deepening: tuple[Position, ...]
    cyclomatic: int = 0
    # Where each bump (maximal run of top-level statements reaching BUMP_DEPTH) starts.
    bumps: tuple[Position, ...] = ()
    # Only functions outside any other function are scored: nested ones are folded into them.
    cognitive: int | None = None
    # (line, increment) of the lines that add most to the cognitive complexity, largest first.
    cognitive_hotspots: tuple[tuple[int, int], ...] = ()
    # The nested functions whose code adds to the cognitive complexity (folded in, Sonar's policy).
    cognitive_nested: tuple[str, ...] = ()

    def first_block_deeper_than(self, limit: int) -> Position | None:
        """Where the first block past ``limit`` starts, or None when the unit stays within it."""
        if self.max_depth <= limit:
            return None
        return self.deepening[limit]


@dataclass(frozen=True)
class Definition:
    """A function, method or class and the lines it spans, decorators included; ``body`` is its body's
    first line, so the lines before it (decorators, signature) are its header."""

    name: str
    first: int
    last: int
    body: int = 0

    def in_header(self, line: int) -> bool:
        """Whether ``line`` is a decorator or signature line (a one-line definition has no header)."""
        return self.first <= line < self.body


@dataclass(frozen=True)
class ParseFailure:
    """Why the file could not be analysed, and where."""

    position: Position
    reason: str


@dataclass(frozen=True)
class FileFacts:
    """Everything the rules need to know about one file."""

    module: UnitFacts | None
    functions: tuple[UnitFacts, ...]
    failure: ParseFailure | None = None
    definitions: tuple[Definition, ...] = ()

    @classmethod
    def unanalysable(cls, failure: ParseFailure) -> FileFacts:
        """Facts of a file that could not be analysed: nothing but the reason."""
        return cls(module=None, functions=(), failure=failure)
