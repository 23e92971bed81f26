"""The flake8 entry point: options in, ``(line, col, message, type)`` tuples out. Nothing is measured here."""
from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from flake8_reviewable import __version__
from flake8_reviewable.metrics import measure
from flake8_reviewable.rules import ALL_RULES, OPTIONS
from flake8_reviewable.rules.base import non_negative_int


class ReviewablePlugin:
    """Runs every RVW rule on one file."""

    name = "flake8-reviewable"
    version = __version__
    settings: Mapping[str, int] = MappingProxyType({option.dest: option.default for option in OPTIONS})

    def __init__(self, tree: ast.Module, lines: list[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, manager: Any) -> None:
        """Register every rule's limit, readable from the command line and from ``[flake8]`` in config."""
        for option in OPTIONS:
            manager.add_option(
                option.flag,
                type=non_negative_int,
                default=option.default,
                parse_from_config=True,
                metavar="N",
                help=option.help,
            )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        """Keep the parsed limits, frozen, for every file of the run."""
        cls.settings = MappingProxyType({option.dest: getattr(options, option.dest) for option in OPTIONS})

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        """Measure the file once, then let every rule read the facts."""
        facts = measure(self.lines, self.tree)
        for rule_class in ALL_RULES:
            for finding in rule_class(self.settings).check(facts):
                yield finding.position.line, finding.position.col, finding.message, type(self)
