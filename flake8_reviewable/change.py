"""What a change is made of, per file and as a whole. Pure computation: git's answers come in as data."""
from __future__ import annotations

import difflib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from flake8_reviewable.facts import Definition, FileFacts
from flake8_reviewable.git import LOCK_FILES, ChangedFile
from flake8_reviewable.loosening import Loosening


@dataclass(frozen=True)
class ChangeSummary:
    """The whole change: what counts toward its size, and what is set aside (lock, binary, generated)."""

    counted: tuple[ChangedFile, ...]
    set_aside: tuple[tuple[str, str], ...] = ()

    @property
    def lines(self) -> int:
        return sum(item.added + item.deleted for item in self.counted)

    @property
    def files(self) -> int:
        return len(self.counted)

    @property
    def directories(self) -> int:
        return len({str(PurePosixPath(item.path).parent) for item in self.counted})

    def by_top_level(self) -> list[tuple[str, int, int]]:
        """(top-level folder or file, files, changed lines), largest first: where a split could cut."""
        files: Counter[str] = Counter()
        lines: Counter[str] = Counter()
        for item in self.counted:
            top = PurePosixPath(item.path).parts[0]
            files[top] += 1
            lines[top] += item.added + item.deleted
        return sorted(((top, files[top], lines[top]) for top in files), key=lambda row: (-row[2], -row[1], row[0]))

    @property
    def entropy(self) -> float:
        """Normalised Shannon entropy of changed lines over files (Hassan 2009; Kamei et al. 2013): 0 when
        one file holds the whole change, 1 when every file holds an equal share."""
        sizes = [item.added + item.deleted for item in self.counted if item.added + item.deleted]
        total = sum(sizes)
        if len(sizes) < 2:
            return 0.0
        return -sum(size / total * math.log2(size / total) for size in sizes) / math.log2(len(sizes))

    def replace(self, item: ChangedFile) -> ChangeSummary:
        """The same change with one file's counts replaced (an editor buffer instead of the file on disk)."""
        others = tuple(other for other in self.counted if other.path != item.path)
        counted = others + ((item,) if item.added + item.deleted else ())
        return ChangeSummary(tuple(sorted(counted, key=lambda other: other.path)), self.set_aside)


def summarize(files: Iterable[ChangedFile], generated: set[str]) -> ChangeSummary:
    """Split the changed files into what counts and what is set aside, and why."""
    counted, set_aside = [], []
    for item in sorted(files, key=lambda other: other.path):
        reason = _set_aside_reason(item, generated)
        if reason:
            set_aside.append((item.path, reason))
        else:
            counted.append(item)
    return ChangeSummary(tuple(counted), tuple(set_aside))


def _set_aside_reason(item: ChangedFile, generated: set[str]) -> str | None:
    if item.binary:
        return "binary"
    if PurePosixPath(item.path).name in LOCK_FILES:
        return "lock file"
    if item.path in generated:
        return "generated"
    return None


@dataclass(frozen=True)
class FileDiff:
    """How the current text of a file differs from its text at the merge base."""

    added: int
    deleted: int
    # Current line numbers that were added, plus the line after each deletion (where the removed code was).
    touched_lines: frozenset[int]

    @property
    def changed_lines(self) -> int:
        return self.added + self.deleted


def diff_texts(base: Sequence[str], current: Sequence[str]) -> FileDiff:
    """Line-level diff of two versions (lists of lines)."""
    matcher = difflib.SequenceMatcher(None, base, current, autojunk=False)
    added = deleted = 0
    touched: set[int] = set()
    for tag, base_start, base_end, start, end in matcher.get_opcodes():
        if tag == "equal":
            continue
        deleted += base_end - base_start
        added += end - start
        touched.update(range(start + 1, end + 1) if end > start else (start + 1,))
    return FileDiff(added, deleted, frozenset(touched))


def touched_definitions(definitions: Iterable[Definition], touched_lines: frozenset[int]) -> list[str]:
    """The functions, methods and classes whose lines (decorators included) the change touches."""
    return [item.name for item in definitions if any(item.first <= line <= item.last for line in touched_lines)]


def innermost_definitions(definitions: Sequence[Definition], touched_lines: frozenset[int]) -> list[str]:
    """The distinct definitions the change edits, each changed line going to the innermost one holding it
    (editing one method is one place, not the method and its class), in source order."""
    names = {}
    for line in sorted(touched_lines):
        holders = [item for item in definitions if item.first <= line <= item.last]
        if holders:
            innermost = min(holders, key=lambda item: item.last - item.first)
            names.setdefault(innermost.name, innermost.first)
    return sorted(names, key=names.get)


@dataclass(frozen=True)
class FileChange:
    """This file's part of the change."""

    path: str
    diff: FileDiff
    touched: tuple[str, ...]
    # The file's facts at the merge base, for --reviewable-scope=changed; None for a new file.
    base_facts: FileFacts | None = None
    # The definitions that existed at the merge base and that the change edits (innermost ones), for RVW402.
    edited: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChangeContext:
    """What the rules see of the change while checking one file."""

    file: FileChange | None = None
    # Only on the one file of the run that carries the whole-change findings (or the RVW400 reason).
    whole: ChangeSummary | None = None
    problem: str | None = None
    # RVW406, only on the one file of the run that carries it: what the change loosens, and the first line
    # of this file that no noqa comment silences RVW406 on.
    loosened: tuple[Loosening, ...] = ()
    loosened_line: int = 1
