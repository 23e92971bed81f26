"""The change as a whole, for the review summary: gathered once, in flake8's main process, after the run.

Reads what the run's session already holds (the change, its base texts and patches, the blast radius) and
the changed Python files' current text (their definitions, module names and imports); everything else is
pure: the review effort, the definitions the change edits, the parts it splits into.
"""
from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flake8_reviewable import git
from flake8_reviewable.blast import Radius
from flake8_reviewable.change import Moves, diff_of_patch, edits
from flake8_reviewable.composition import ChangeSummary, FileCount, Kind
from flake8_reviewable.locality import Definitions, RunChange
from flake8_reviewable.measurement import read_source
from flake8_reviewable.metrics import parsed
from flake8_reviewable.parts import Part, PartFile, imported_modules, split
from flake8_reviewable.references import module_of

# Cisco's code review study (SmartBear, 2006): defect finding drops past 400 lines in a sitting and past
# 500 lines an hour.
LINES_PER_SITTING = 400
LINES_PER_HOUR = 500
EFFORT_BASIS = (f"Cisco's code review study, SmartBear: at most {LINES_PER_SITTING} lines a sitting, "
                f"{LINES_PER_HOUR} lines an hour")


@dataclass(frozen=True)
class DefinitionCounts:
    """The definitions the change touches: edited in their body, only in their signature, deleted, moved
    (elsewhere in the change, or within their file), new."""

    edited: int = 0
    signatures: int = 0
    deleted: int = 0
    new: int = 0
    moved: int = 0

    def __add__(self, other: DefinitionCounts) -> DefinitionCounts:
        return DefinitionCounts(self.edited + other.edited, self.signatures + other.signatures,
                                self.deleted + other.deleted, self.new + other.new, self.moved + other.moved)


@dataclass(frozen=True)
class Review:
    """Everything the summary says of a measured change."""

    merge_base: str
    summary: ChangeSummary
    definitions: DefinitionCounts
    blast: tuple[Radius, ...]
    findings: Mapping[str, int]
    parts: tuple[Part, ...]
    # Changed files no import reaches (docs, configuration, deleted files), with their kind.
    outside: tuple[tuple[str, str], ...]

    @property
    def reviewed_lines(self) -> int:
        """The lines a reviewer reads: code and tests, moved lines once."""
        return self.summary.lines_of(Kind.CODE) + self.summary.lines_of(Kind.TESTS)


def effort(lines: int) -> tuple[int, float]:
    """Sittings and hours (rounded up to the half hour) to review ``lines`` at the study's pace."""
    if lines <= 0:
        return 0, 0.0
    return math.ceil(lines / LINES_PER_SITTING), math.ceil(2 * lines / LINES_PER_HOUR) / 2


def review_of(run: RunChange, blast: Mapping[str, tuple[Radius, ...]], findings: Mapping[str, int],
              definitions_of: Definitions) -> Review:
    """The review summary of a measured change (``run.merge_base`` is set)."""
    summary = run.summary or ChangeSummary(())
    texts = _current_texts(run.top, summary)
    counts = sum((_definition_counts(run, item, texts.get(item.path), definitions_of)
                  for item in summary.of_kind(Kind.CODE)), DefinitionCounts())
    part_files = [_part_file(run.top, item, texts[item.path]) for item in summary.files if item.path in texts]
    in_parts = {item.path for item in part_files}
    outside = tuple((item.path, "deleted" if item.deleted_definitions is not None else item.kind.value)
                    for item in summary.files if item.path not in in_parts)
    radii = tuple(radius for items in blast.values() for radius in items)
    return Review(run.merge_base or "", summary, counts, radii, dict(findings), tuple(split(part_files)), outside)


def _current_texts(top: Path, summary: ChangeSummary) -> dict[str, str]:
    """The current text of every changed Python file that still exists (code and tests)."""
    texts = {}
    for item in (*summary.of_kind(Kind.CODE), *summary.of_kind(Kind.TESTS)):
        if item.deleted_definitions is None and item.path.endswith((".py", ".pyi")):
            text = read_source(str(top / item.path))
            if text is not None:
                texts[item.path] = text
    return texts


def _part_file(top: Path, item: FileCount, text: str) -> PartFile:
    module, package = module_of(os.path.join(top, item.path))
    tree = parsed(text)
    imports = imported_modules(tree, package) if tree is not None else frozenset()
    return PartFile(item.path, item.kind, item.lines, module, imports)


def _definition_counts(run: RunChange, item: FileCount, text: str | None,
                       definitions_of: Definitions) -> DefinitionCounts:
    """How the change edits one code file's definitions, from git's hunks on both sides."""
    patch = run.patches.get(item.path)
    now = definitions_of(text) if text is not None else ()
    base_text = run.base_texts.get(item.old_path)
    base = definitions_of(base_text) if base_text is not None else ()
    if patch is None or now is None or base is None:
        return DefinitionCounts()
    found = edits(now, base, diff_of_patch(patch), Moves.of(item, base_text, (text or "").splitlines(keepends=True)))
    new = {definition.name for definition in now} - {definition.name for definition in base}
    return DefinitionCounts(len(found.bodies), len(found.signatures), len(found.deleted), len(new), len(found.moved))


def why_no_change(run: RunChange | None, base: str, cwd: Path, environment: Mapping[str, str]) -> str:
    """Why a run has no change to summarise, in plain words."""
    if run is not None:
        return run.problem or run.note or "the change could not be measured"
    if base == "none":
        return "--reviewable-base=none: the change is not measured"
    try:
        git.work_tree_top(cwd)
    except (git.GitUnavailable, git.GitFailed) as error:
        return f"this is not a git work tree ({error}), so there is no base to compare with"
    if base != "auto":
        return f"the base {base!r} could not be measured"
    tried = ", ".join(git.auto_base_candidates(environment))
    return f"no base branch was found (tried {tried}); name one with --reviewable-base"
