"""Reviewable lines: physical lines that hold code.

Blank lines, comment-only lines and docstrings are not reviewable lines; a literal made only of constants (a
data table, a long string) counts as its first line however many lines it spans.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import accumulate

from flake8_reviewable.scan import ExpressionScan


def _holds_code(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith("#")


def _set_lines(flags: list[bool], spans: Iterable[tuple[int, int]], value: bool) -> None:
    for first, last in spans:
        for number in range(max(first, 1), min(last, len(flags) - 1) + 1):
            flags[number] = value


class ReviewableLines:
    """Counts reviewable lines in any range of a file in constant time."""

    def __init__(self, lines: Sequence[str], scan: ExpressionScan) -> None:
        # flags[n] tells whether line n (1-based) is reviewable; flags[0] is a placeholder.
        flags = [False, *map(_holds_code, lines)]
        _set_lines(flags, scan.string_interiors, True)
        _set_lines(flags, ((first + 1, last) for first, last in scan.collapsed_spans), False)
        _set_lines(flags, scan.docstring_spans, False)
        self._running_total = list(accumulate(flags))

    def count(self, first: int, last: int) -> int:
        """Reviewable lines from line ``first`` to line ``last``, both included."""
        last = min(last, len(self._running_total) - 1)
        if last < first:
            return 0
        return self._running_total[last] - self._running_total[first - 1]

    @property
    def total(self) -> int:
        """Reviewable lines in the whole file."""
        return self._running_total[-1]
