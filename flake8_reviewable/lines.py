"""Reviewable lines: physical lines that hold code.

Blank lines, comment-only lines and docstrings are not reviewable lines; a literal made only of constants (a
data table, a long string) counts as its first line however many lines it spans.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate

from flake8_reviewable.scan import ExpressionScan


def _holds_code(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith("#")


def _set_lines(flags: list[int], spans: Iterable[tuple[int, int]], value: int) -> None:
    for first, last in spans:
        for number in range(max(first, 1), min(last, len(flags) - 1) + 1):
            flags[number] = value


def _collapsed_lines(lines: Sequence[str], spans: Iterable[tuple[int, int, int]]) -> Iterator[tuple[int, int]]:
    """The lines a constant literal does not count: all but its first, and its last only when nothing but
    closing brackets, commas or a comment follow it there (``"..." % args`` keeps its last line)."""
    for first, last, end_col in spans:
        rest = lines[last - 1].encode("utf-8")[end_col:].decode("utf-8", "replace") if last <= len(lines) else ""
        code_after = rest.split("#", 1)[0].strip(" \t\r\n)]},;:\\")
        yield (first + 1, last if not code_after else last - 1)


class ReviewableLines:
    """Counts reviewable lines in any range of a file in constant time."""

    def __init__(self, lines: Sequence[str], scan: ExpressionScan) -> None:
        # flags[n] is 1 when line n (1-based) is reviewable; flags[0] is a placeholder. Integers, not
        # booleans, so that every count is an int even for an empty file.
        flags = [0, *(int(_holds_code(line)) for line in lines)]
        _set_lines(flags, scan.string_interiors, 1)
        _set_lines(flags, _collapsed_lines(lines, scan.collapsed_spans), 0)
        _set_lines(flags, scan.docstring_spans, 0)
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
