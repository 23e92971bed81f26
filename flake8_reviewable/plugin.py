"""The flake8 entry point: options in, ``(line, col, message, type)`` tuples out. Nothing is measured here."""
from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from flake8_reviewable import __version__
from flake8_reviewable.cache import CACHE_DIR_NAME, FactsCache
from flake8_reviewable.facts import FileFacts
from flake8_reviewable.git import project_root
from flake8_reviewable.metrics import measure
from flake8_reviewable.rules import ALL_RULES, OPTIONS
from flake8_reviewable.rules.base import non_negative_int


class ReviewablePlugin:
    """Runs every RVW rule on one file."""

    name = "flake8-reviewable"
    version = __version__
    settings: Mapping[str, int] = MappingProxyType({option.dest: option.default for option in OPTIONS})
    cache: FactsCache | None = None

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
        manager.add_option(
            "--reviewable-cache-dir",
            default=None,
            parse_from_config=True,
            normalize_paths=True,
            metavar="PATH",
            help=f"where flake8-reviewable caches per-file facts (default: {CACHE_DIR_NAME} at the project root)",
        )
        manager.add_option(
            "--no-reviewable-cache",
            action="store_true",
            default=False,
            parse_from_config=True,
            help="measure every file again instead of reading and writing the cache",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        """Keep the parsed limits, frozen, for every file of the run."""
        cls.settings = MappingProxyType({option.dest: getattr(options, option.dest) for option in OPTIONS})
        cls.cache = None
        if not options.no_reviewable_cache:
            folder = options.reviewable_cache_dir or project_root(Path.cwd()) / CACHE_DIR_NAME
            cls.cache = FactsCache.open(Path(folder))

    def facts(self) -> FileFacts:
        """This file's facts: from the cache when this exact text was measured before."""
        if self.cache is None:
            return measure(self.lines, self.tree)
        text = "".join(self.lines)
        facts = self.cache.load(text)
        if facts is None:
            facts = measure(self.lines, self.tree)
            self.cache.store(text, facts)
        return facts

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        """Measure the file once, then let every rule read the facts."""
        facts = self.facts()
        for rule_class in ALL_RULES:
            for finding in rule_class(self.settings).check(facts):
                yield finding.position.line, finding.position.col, finding.message, type(self)
