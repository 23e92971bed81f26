"""What every rule carries: code, message, option and default, documentation, and tested examples."""
from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from flake8_reviewable.facts import FileFacts, Position


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
    """A flake8 option that sets a rule's limit, on the command line or under ``[flake8]``."""

    flag: str
    default: int
    help: str

    @property
    def dest(self) -> str:
        """The attribute name flake8 gives the parsed value."""
        return self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Example:
    """Source code with the options it is checked with and flake8's expected ``line:col: message`` output.

    ``shown`` replaces the source in the docs when the source is too large to read there.
    """

    source: str
    options: Mapping[str, int] = field(default_factory=dict)
    expected: tuple[str, ...] = ()
    shown: str | None = None


@dataclass(frozen=True)
class Finding:
    """One reported problem: position plus the whole message, code first."""

    position: Position
    message: str


class Rule:
    """Base of every rule. Subclasses register themselves; ``rules.ALL_RULES`` lists them by code.

    A subclass's docstring is its documentation page, in four parts: What it does, Why is this bad?, Example,
    Options.
    """

    code: ClassVar[str]
    summary: ClassVar[str]
    message: ClassVar[str]
    option: ClassVar[Option | None] = None
    valid: ClassVar[tuple[Example, ...]] = ()
    invalid: ClassVar[tuple[Example, ...]] = ()
    registry: ClassVar[list[type[Rule]]] = []

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        Rule.registry.append(cls)

    def __init__(self, settings: Mapping[str, int]) -> None:
        self.limit = settings[self.option.dest] if self.option else None

    def check(self, facts: FileFacts) -> Iterator[Finding]:
        """Yield this rule's findings for one file."""
        raise NotImplementedError

    def finding(self, position: Position, **values: object) -> Finding:
        """A finding at ``position`` whose message is this rule's template filled with ``values``."""
        text = self.message.format(limit=self.limit, **values)
        return Finding(position, f"{self.code} {text}")
