"""One file's part of the change: its line diff, and the definitions it edits. Pure computation: git's
answers come in as data."""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from flake8_reviewable.blast import Radius
from flake8_reviewable.composition import ChangeSummary, FileCount
from flake8_reviewable.facts import Definition, FileFacts
from flake8_reviewable.git import FilePatch
from flake8_reviewable.loosening import Loosening


@dataclass(frozen=True)
class FileDiff:
    """How the current text of a file differs from its text at the merge base."""

    added: int
    deleted: int
    # Current line numbers that were added, plus the line after each deletion (where the removed code was).
    touched_lines: frozenset[int]
    # Line numbers at the merge base that were deleted: they tell which base definitions the change edits.
    deleted_lines: frozenset[int] = frozenset()
    # Current line numbers that were added.
    added_lines: frozenset[int] = frozenset()

    @property
    def changed_lines(self) -> int:
        return self.added + self.deleted


def diff_texts(base: Sequence[str], current: Sequence[str]) -> FileDiff:
    """Line-level diff of two versions (lists of lines), for an editor buffer, which git has not seen."""
    matcher = difflib.SequenceMatcher(None, base, current, autojunk=False)
    added: set[int] = set()
    deleted: set[int] = set()
    for tag, base_start, base_end, start, end in matcher.get_opcodes():
        if tag != "equal":
            deleted.update(range(base_start + 1, base_end + 1))
            added.update(range(start + 1, end + 1))
    return _diff(added, deleted, lambda line: line)


def diff_of_patch(patch: FilePatch) -> FileDiff:
    """The same, from git's own hunks of a file on disk."""
    added = {number for number, _ in patch.added}
    deleted = {number for number, _ in patch.deleted}
    return _diff(added, deleted, _current_line_after(patch))


def _current_line_after(patch: FilePatch):
    """For a deleted line's number at the base, the current line where the removed code was: its hunk's
    first added line, or the line after a hunk that only deletes."""
    places = {}
    for old_start, old_count, new_start, new_count in patch.hunks:
        for line in range(old_start, old_start + old_count):
            places[line] = new_start if new_count else new_start + 1
    return lambda line: places.get(line, line)


def _diff(added: set[int], deleted: set[int], current_of) -> FileDiff:
    touched = set(added) | {current_of(line) for line in deleted}
    return FileDiff(len(added), len(deleted), frozenset(touched), frozenset(deleted), frozenset(added))


def touched_definitions(definitions: Iterable[Definition], touched_lines: frozenset[int]) -> list[str]:
    """The functions, methods and classes whose lines (decorators included) the change touches."""
    return [item.name for item in definitions if any(item.first <= line <= item.last for line in touched_lines)]


@dataclass(frozen=True)
class Edits:
    """The definitions that existed at the merge base and that the change edits, each changed line going to
    the innermost definition holding it, on its own side (added lines now, deleted lines at the base)."""

    # Edited in their body (or in their header and body), in source order.
    bodies: tuple[str, ...] = ()
    # Edited only in their decorators or signature.
    signatures: tuple[str, ...] = ()
    # Deleted (or renamed) by the change.
    deleted: tuple[str, ...] = ()
    # Moved: to elsewhere in the change (every deleted line of theirs arrived there), or within this file
    # (their text unchanged).
    moved: tuple[str, ...] = ()

    # Base order of each name above, so the scattered ones are listed as a reader meets them.
    order: tuple[str, ...] = ()

    @property
    def scattered(self) -> tuple[str, ...]:
        """What makes a change scattered: body edits and deletions, in source order at the merge base;
        signature edits are a sweep."""
        counted = set(self.bodies) | set(self.deleted)
        return tuple(name for name in self.order if name in counted)


@dataclass(frozen=True)
class Moves:
    """What tells a moved definition from an edited one in one file: the base lines that left for elsewhere
    in the change (``composition.moved_lines``), and the file's lines at the base and now."""

    left: frozenset[int] = frozenset()
    base_lines: Sequence[str] = ()
    lines: Sequence[str] = ()

    @classmethod
    def of(cls, count: FileCount | None, base_text: str | None, lines: Sequence[str]) -> Moves:
        """A file's moves from its count in the change and its texts (none known for a new file)."""
        return cls(count.left if count else frozenset(), (base_text or "").splitlines(keepends=True), lines)

    def moved_away(self, changed: Sequence[_ChangedLine]) -> bool:
        """A deleted definition all of whose lines left for elsewhere in the change."""
        return all(line.number in self.left for line in changed)

    def displaced(self, before: Definition, after: Definition) -> bool:
        """A definition whose text is the same at the base and now: the diff touched it because it changed
        places (a reordered module), not because it was edited."""
        text = self.base_lines[before.first - 1:before.last]
        return bool(text) and text == self.lines[after.first - 1:after.last]  # no text known: not moved


def edits(now: Sequence[Definition], base: Sequence[Definition], diff: FileDiff, moves: Moves = Moves()) -> Edits:
    """Which definitions of the merge base the change edits, and how; a definition moved (to another
    module, or within this one) is not edited: a move is one idea, however many definitions it carries."""
    current = {item.name: item for item in now}
    lines = _lines_by_definition(((now, diff.added_lines), (base, diff.deleted_lines)))
    known = {item.name: item for item in base}
    edited = sorted((name for name in lines if name in known), key=lambda name: known[name].first)
    found: dict[str, list[str]] = {"bodies": [], "signatures": [], "deleted": [], "moved": []}
    for name in edited:
        how = _how_edited(lines[name], known[name], current, moves)
        if how is not None:
            found[how].append(name)
    return Edits(**{field: tuple(names) for field, names in found.items()}, order=tuple(edited))


def _how_edited(changed: Sequence[_ChangedLine], before: Definition, current: Mapping[str, Definition],
                moves: Moves) -> str | None:
    """Which of ``Edits``' lists the definition goes in; None for a member of a deleted class (a deleted
    class is one place, whatever it held)."""
    after = current.get(before.name)
    if after is None:
        if before.name.rpartition(".")[0] not in {*current, ""}:
            return None
        return "moved" if moves.moved_away(changed) else "deleted"
    if moves.displaced(before, after):
        return "moved"
    return "signatures" if all(line.holder.in_header(line.number) for line in changed) else "bodies"


@dataclass(frozen=True)
class _ChangedLine:
    holder: Definition
    number: int


def _lines_by_definition(sides) -> dict[str, list[_ChangedLine]]:
    """Each changed line, on its own side, with the innermost definition holding it, by that one's name."""
    lines: dict[str, list[_ChangedLine]] = {}
    for definitions, changed in sides:
        for line in sorted(changed):
            holder = _innermost(definitions, line)
            if holder is not None:
                lines.setdefault(holder.name, []).append(_ChangedLine(holder, line))
    return lines


def signature_lines(now: Sequence[Definition], base: Sequence[Definition], diff: FileDiff) -> int:
    """How many changed lines are the signature edits of a sweep: lines of a definition edited only in
    its decorators and signature, on either side."""
    swept = set(edits(now, base, diff).signatures)
    added = sum(1 for line in diff.added_lines if _in_swept_header(now, line, swept))
    return added + sum(1 for line in diff.deleted_lines if _in_swept_header(base, line, swept))


def _in_swept_header(definitions: Sequence[Definition], line: int, swept: set[str]) -> bool:
    holder = _innermost(definitions, line)
    return holder is not None and holder.name in swept and holder.in_header(line)


def _innermost(definitions: Sequence[Definition], line: int) -> Definition | None:
    holders = [item for item in definitions if item.first <= line <= item.last]
    return min(holders, key=lambda item: item.last - item.first) if holders else None


@dataclass(frozen=True)
class FileChange:
    """This file's part of the change."""

    path: str
    diff: FileDiff
    touched: tuple[str, ...]
    # The file's facts at the merge base, for --reviewable-scope=changed; None for a new file.
    base_facts: FileFacts | None = None
    # The definitions of the merge base that the change edits, for RVW402.
    edits: Edits = Edits()
    # The file's kind and counted lines (moved lines once), for RVW401.
    count: FileCount | None = None


@dataclass(frozen=True)
class ChangeContext:
    """What the rules see of the change while checking one file."""

    file: FileChange | None = None
    # Only on the one file of the run that carries the whole-change findings (or the RVW400 reason).
    whole: ChangeSummary | None = None
    # The whole change, on every file of it: a rule that groups its findings needs to know the others.
    summary: ChangeSummary | None = None
    problem: str | None = None
    # RVW406, only on the one file of the run that carries it: what the change loosens, and the first line
    # of this file that no noqa comment silences RVW406 on.
    loosened: tuple[Loosening, ...] = ()
    loosened_line: int = 1
    # RVW405: the definitions of this file the change alters, with the places outside it that depend on them.
    blast: tuple[Radius, ...] = ()
