"""Duplicated blocks: the project's index of window fingerprints, and the maximal blocks a file shares with it.

A window (``fingerprint.windows`` finds them in a file) is a run of consecutive sibling statements holding
at least ``min_size`` statements; windows with the same fingerprint are copies of one block. This module
needs no syntax tree: an editor run whose buffer and project are cached imports it without the walk that
fingerprints a file.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

BUCKET_CAP = 64


@dataclass(frozen=True)
class Window:
    """A duplicated-block candidate: its fingerprint and lines, which run of sibling statements it starts
    in and at which statement, and the statement count of each of its siblings (nested ones included)."""

    fingerprint: str
    first: int
    last: int
    run: int
    start: int
    sizes: tuple[int, ...]
    # The column of the first statement, where a finding on the block sits.
    col: int = 0


@dataclass(frozen=True)
class Copy:
    """Where a block sits: a path as flake8 prints it, and its first and last lines."""

    path: str
    line: int
    last: int
    run: int

    def repeats(self, path: str, window: Window) -> bool:
        """Whether this is the window's own run of siblings: a repetition (`a_1 = x`, `a_2 = x`, ...)
        within one block is not a copy of that block."""
        return self.path == path and self.run == window.run


class ProjectIndex:
    """Fingerprint -> the places holding it, over every file of the run (buckets capped, counts kept).

    A place is one run of sibling statements: a run holding a shape several times (a repetition) counts
    once, at its first window. A bucket keeps the BUCKET_CAP first places in (path, line) order, whatever
    the order files are added in, so the copy a finding names never depends on ``-j`` or the paths' order.
    """

    def __init__(self) -> None:
        self.places: dict[str, list[Copy]] = {}
        self.counts: dict[str, int] = {}

    def add(self, path: str, file_windows: Iterable[Window]) -> None:
        self.add_places((window.fingerprint, Copy(path, window.first, window.last, window.run))
                        for window in file_windows)

    def add_places(self, windows_found: Iterable[tuple[str, Copy]]) -> None:
        """Add windows given in line order within each run: the first of a run per fingerprint is its place."""
        seen = set()
        for fingerprint, copy in windows_found:
            if (fingerprint, copy.path, copy.run) not in seen:
                seen.add((fingerprint, copy.path, copy.run))
                self._place(fingerprint, copy)

    def _place(self, fingerprint: str, copy: Copy) -> None:
        """Count one more place holding ``fingerprint``, and keep it if it is among the first."""
        self.counts[fingerprint] = self.counts.get(fingerprint, 0) + 1
        bucket = self.places.setdefault(fingerprint, [])
        bucket.append(copy)
        if len(bucket) >= 2 * BUCKET_CAP:  # trimmed in batches: sorting at every insertion would cost more
            _trim(bucket)

    def freeze(self) -> None:
        """Trim and sort every bucket, and drop the fingerprints seen once."""
        for bucket in self.places.values():
            _trim(bucket)
        self.places = {key: bucket for key, bucket in self.places.items() if self.counts[key] > 1}

    def with_file(self, path: str, file_windows: Iterable[Window]) -> ProjectIndex:
        """A frozen copy of this (unfrozen) index with one more file: an editor buffer."""
        index = ProjectIndex()
        index.places = {key: list(bucket) for key, bucket in self.places.items()}
        index.counts = dict(self.counts)
        index.add(path, file_windows)
        index.freeze()
        return index


def _trim(bucket: list[Copy]) -> None:
    bucket.sort(key=lambda copy: (copy.path, copy.line))
    del bucket[BUCKET_CAP:]


@dataclass(frozen=True)
class Duplicate:
    """A maximal duplicated block of the current file and its other copies."""

    first: int
    last: int
    size: int
    others: tuple[Copy, ...]
    total_others: int
    col: int = 0


def find_duplicates(path: str, file_windows: Sequence[Window], index: ProjectIndex) -> list[Duplicate]:
    """The maximal duplicated blocks of ``path``, each with the other copies of its first window."""
    matched = []
    for window in sorted(file_windows, key=lambda item: (item.first, item.last)):
        bucket = index.places.get(window.fingerprint)
        if not bucket:
            continue
        others = tuple(copy for copy in bucket if not copy.repeats(path, window))
        if others:
            matched.append((window, others, index.counts[window.fingerprint] - 1))
    return _merge(matched)


def _merge(matched: list[tuple[Window, tuple[Copy, ...], int]]) -> list[Duplicate]:
    """Overlapping duplicated windows of one run become one block while the copy they name continues (so
    a block and the copy it names are the same size: each names the other); a block inside another
    disappears."""
    groups: list[list] = []  # [first window, its copies, their count, sizes by statement index, last line]
    for window, others, total in matched:
        sizes = {window.start + offset: size for offset, size in enumerate(window.sizes)}
        group = groups[-1] if groups else None
        if group and _continues(group, window, others):
            group[3].update(sizes)
            group[4] = max(group[4], window.last)
            continue
        groups.append([window, others, total, sizes, window.last])
    blocks = [Duplicate(window.first, last, sum(sizes.values()), others, total, window.col)
              for window, others, total, sizes, last in groups]
    return _outermost(blocks)


def _continues(group: list, window: Window, others: tuple[Copy, ...]) -> bool:
    """Whether ``window`` overlaps the group's block in the same run and matches the same copy's run."""
    first, named = group[0], group[1][0]
    return (first.run == window.run and window.start <= max(group[3])
            and (others[0].path, others[0].run) == (named.path, named.run))


def _outermost(blocks: list[Duplicate]) -> list[Duplicate]:
    """The blocks that no block with another span contains, in their order (sorted sweep: linear after the
    sort, where comparing every pair was quadratic in a file with thousands of blocks)."""
    inside = set()
    reach, previous_span = 0, None  # the furthest last line of the blocks sorted before this span
    for index in sorted(range(len(blocks)), key=lambda item: (blocks[item].first, -blocks[item].last)):
        span = (blocks[index].first, blocks[index].last)
        if previous_span is not None and span != previous_span:
            reach = max(reach, previous_span[1])
        previous_span = span
        if reach >= span[1]:
            inside.add(index)
    return [block for index, block in enumerate(blocks) if index not in inside]
