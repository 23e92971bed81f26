"""The flake8 entry point: options in, ``(line, col, message, type)`` tuples out. Nothing is measured here."""
from __future__ import annotations

import ast
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from flake8.discover_files import expand_paths

from flake8_reviewable import __version__
from flake8_reviewable.cache import CACHE_DIR_NAME, FactsCache
from flake8_reviewable.change import ChangeContext
from flake8_reviewable.facts import FileFacts
from flake8_reviewable.git import project_root
from flake8_reviewable.locality import RunChange, file_context, growth, measure_run, parses
from flake8_reviewable.metrics import measure
from flake8_reviewable.rules import ALL_RULES, OPTIONS


class ReviewablePlugin:
    """Runs every RVW rule on one file."""

    name = "flake8-reviewable"
    version = __version__
    settings: Mapping[str, int] = MappingProxyType({option.dest: option.default for option in OPTIONS})
    cache: FactsCache | None = None
    scope = "all"
    from_stdin = False
    run_change: RunChange | None = None

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
                type=option.kind,
                default=option.default,
                parse_from_config=True,
                metavar=option.metavar,
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
            "--reviewable-scope",
            default="all",
            choices=("all", "changed"),
            parse_from_config=True,
            help="report every function (all), or only those the change created or made worse (changed)",
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
        cls.scope = options.reviewable_scope
        cls.from_stdin = "-" in options.filenames
        cls.run_change = measure_run(options.reviewable_base, _checked_files(options), Path.cwd(), os.environ)

    def facts(self) -> FileFacts:
        """This file's facts: from the cache when this exact text was measured before."""
        return self.facts_of("".join(self.lines), self.tree)

    @classmethod
    def facts_of(cls, text: str, tree: ast.Module | None = None) -> FileFacts | None:
        """The facts of any text (this file's, or its version at the merge base); None if Python cannot parse it."""
        facts = cls.cache.load(text) if cls.cache else None
        if facts is None:
            if tree is None and not parses(text):
                return None
            facts = measure(text, tree)
            if cls.cache:
                cls.cache.store(text, facts)
        return facts

    def change_context(self, facts: FileFacts) -> ChangeContext | None:
        """This file's part of the change, when the run measured one."""
        if self.run_change is None:
            return None
        return file_context(self.run_change, self.filename, self.lines, facts, self.from_stdin, self.facts_of)

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        """Measure the file once, then let every rule read the facts."""
        facts = self.facts()
        change = self.change_context(facts)
        for rule_class in ALL_RULES:
            rule = rule_class(self.settings)
            for finding in rule.check(facts, change):
                if self.scope == "changed":
                    finding = growth(rule, finding, change)
                if finding is not None:
                    yield finding.position.line, finding.position.col, finding.message, type(self)


def _checked_files(options: Any) -> list[str]:
    """The files this flake8 run checks, as flake8 itself will find them (``-`` named as on stdin)."""
    exclude = (*options.exclude, *options.extend_exclude)
    files = expand_paths(
        paths=options.filenames,
        stdin_display_name=options.stdin_display_name,
        filename_patterns=options.filename,
        exclude=exclude,
    )
    return [options.stdin_display_name if name == "-" else name for name in files]
