"""What every rule carries: code, message, option and default, documentation, and tested examples."""
from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from flake8_reviewable.context import NO_CONTEXT, FileContext
from flake8_reviewable.facts import MODULE_NAME, FileFacts, Position, UnitFacts

if TYPE_CHECKING:  # a run without a change never imports change awareness (an editor's start-up time)
    from flake8_reviewable.change import ChangeContext


def non_negative_int(text: str) -> int:
    """argparse type for limits: a clear option error, never a traceback, for a bad value."""
    try:
        value = int(str(text).strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected zero or more, got {value}")
    return value


@dataclass(frozen=True)
class Option:
    """A flake8 option, on the command line or under ``[flake8]``: a rule's limit, or a plugin setting.

    ``kind`` converts and checks the text given; it raises ``argparse.ArgumentTypeError`` to refuse it.
    A switch (``is_switch``) takes no value; ``choices`` lists the only values accepted; ``is_path`` makes
    flake8 resolve a relative path against the config file that names it.
    """

    flag: str
    default: int | str | bool | None
    help: str
    kind: Callable[[str], object] = non_negative_int
    metavar: str = "N"
    choices: tuple[str, ...] | None = None
    is_switch: bool = False
    is_path: bool = False

    @property
    def dest(self) -> str:
        """The attribute name flake8 gives the parsed value."""
        return self.flag.lstrip("-").replace("-", "_")

    def register(self, manager: Any) -> None:
        """Declare this option to flake8's option manager."""
        if self.is_switch:
            manager.add_option(self.flag, action="store_true", default=self.default, parse_from_config=True,
                               help=self.help)
            return
        manager.add_option(self.flag, type=self.kind, default=self.default, parse_from_config=True,
                           metavar=self.metavar, help=self.help, choices=self.choices,
                           normalize_paths=self.is_path)


@dataclass(frozen=True)
class Example:
    """Source code with the options it is checked with and flake8's expected ``line:col: message`` output.

    ``shown`` replaces the source in the docs when the source is too large to read there. With ``base``, the
    example runs in a git repository whose last commit holds ``base`` and whose work tree holds ``source``.
    With ``others``, those files are written beside ``example.py`` and checked in the same run.
    """

    source: str
    options: Mapping[str, int | str] = field(default_factory=dict)
    expected: tuple[str, ...] = ()
    shown: str | None = None
    base: str | None = None
    # Other files checked in the same run, by name (for findings across files).
    others: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One reported problem: position plus the whole message, code first; for a unit rule, which unit
    (function name, or ``<module>``) and the measured value."""

    position: Position
    message: str
    unit: str | None = None
    value: int | None = None
    # The lines a block finding covers, so the changed scope can keep only blocks the change touches.
    span: tuple[int, int] | None = None


class Rule:
    """Base of every rule; ``rules.ALL_RULES`` lists every rule class once, by code.

    A subclass's docstring is its documentation page, in four parts: What it does, Why is this bad?, Example,
    Options.
    """

    code: ClassVar[str]
    summary: ClassVar[str]
    message: ClassVar[str]
    option: ClassVar[Option | None] = None
    valid: ClassVar[tuple[Example, ...]] = ()
    invalid: ClassVar[tuple[Example, ...]] = ()

    def __init__(self, limits: Mapping[str, Any]) -> None:
        self.limit = limits[self.option.dest] if self.option else None

    def check(self, facts: FileFacts, context: FileContext = NO_CONTEXT) -> Iterator[Finding]:
        """Yield this rule's findings for one file; ``context`` is what the run knows beyond the file."""
        raise NotImplementedError

    def in_changed_scope(self, finding: Finding, change: ChangeContext | None) -> Finding | None:
        """For ``--reviewable-scope=changed``: the finding as reported, or None to drop it. Findings about
        the file as a whole or the change pass; a block finding passes when the change touches its lines."""
        if finding.span is None:
            return finding
        first, last = finding.span
        file = change.file if change else None
        touched = file is not None and any(first <= line <= last for line in file.diff.touched_lines)
        return finding if touched else None

    def finding(
        self, position: Position, unit: str | None = None, span: tuple[int, int] | None = None, **values: Any
    ) -> Finding:
        """A finding at ``position`` whose message is this rule's template filled with ``values``."""
        text = printable(self.message.format(limit=self.limit, **values))
        return Finding(position, f"{self.code} {text}", unit, values.get("value"), span)


def printable(text: str) -> str:
    """``text`` with each byte of a file name that is not valid UTF-8 (kept by Python as a lone surrogate)
    written as ``\\xNN``: flake8 prints messages as UTF-8 and would stop the whole run on a surrogate."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name decodes to: write it as an escape too
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class UnitRule(Rule):
    """A rule that compares one measure of each unit (functions by default) with its limit.

    ``noun`` names the measure's unit in a growth message (`grew from 30 to 45 lines`).
    """

    noun: ClassVar[str] = ""

    def units(self, facts: FileFacts) -> Iterable[UnitFacts]:
        """The units this rule measures."""
        return facts.functions

    def measure(self, unit: UnitFacts) -> int | None:
        """The unit's value for this rule, or None when the rule does not apply to it."""
        raise NotImplementedError

    def where(self, unit: UnitFacts) -> Position:
        """Where the finding sits: the ``def`` line by default."""
        return unit.position

    def details(self, unit: UnitFacts) -> dict[str, object]:
        """Values the message needs besides name, value and limit."""
        return {}

    def check(self, facts: FileFacts, context: FileContext = NO_CONTEXT) -> Iterator[Finding]:
        for unit in self.units(facts):
            value = self.measure(unit)
            if value is not None and value > self.limit:
                yield self.finding(self.where(unit), unit.name, name=unit.name, value=value, **self.details(unit))

    def in_changed_scope(self, finding: Finding, change: ChangeContext | None) -> Finding | None:
        """A unit is reported only when the change created it, or touched it and raised this rule's
        measure above what it was at the merge base; the message says which."""
        file = change.file if change else None
        if file is None or (finding.unit != MODULE_NAME and finding.unit not in file.touched):
            return None
        before = _unit_named(file.base_facts, finding.unit)
        value_before = self.measure(before) if before is not None else None
        if value_before is None:
            return _told(finding, "new in this change")
        if finding.value <= value_before:
            return None
        noun = f" {self.noun}" if self.noun else ""
        return _told(finding, f"grew from {value_before} to {finding.value}{noun}")


def _told(finding: Finding, note: str) -> Finding:
    return dataclasses.replace(finding, message=f"{finding.message} ({note})")


def _unit_named(facts: FileFacts | None, name: str) -> UnitFacts | None:
    if facts is None or facts.module is None:
        return None
    if name == MODULE_NAME:
        return facts.module
    return next((unit for unit in facts.functions if unit.name == name), None)


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """``number`` and its noun, singular for exactly one: "1 file", "3 files"."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
