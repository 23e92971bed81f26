"""The flake8 entry point: options in, ``(line, col, message, type)`` tuples out. Nothing is measured here."""
from __future__ import annotations

import ast
import gc
from collections.abc import Iterator
from typing import Any

from flake8_reviewable import __version__
from flake8_reviewable.cache import CACHE_DIR_NAME
from flake8_reviewable.rules import OPTIONS
from flake8_reviewable.session import Session


class ReviewablePlugin:
    """Runs every RVW rule on one file."""

    name = "flake8-reviewable"
    version = __version__
    session: Session = Session.defaults()

    def __init__(self, tree: ast.Module, lines: list[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, manager: Any) -> None:
        """Register every rule's option and the plugin's own, readable from the command line and config."""
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
            "--reviewable-scope",
            default="all",
            choices=("all", "changed"),
            parse_from_config=True,
            help="report every function (all), or only those the change created or made worse (changed)",
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
        """Build the run's session once: limits, cache, the change and the duplicate index."""
        cls.session = Session.from_options(options)
        # The session (the whole project's duplicate index) lives until the run ends: move it out of the
        # cycle collector's reach, or every full collection while flake8 checks files traverses it again.
        # Done just before flake8 forks its workers, as the gc docs advise, it also keeps the inherited
        # pages shared.
        gc.freeze()

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        """Report every finding of every rule for this file."""
        for finding in self.session.findings(self.filename, self.lines, self.tree):
            yield finding.position.line, finding.position.col, finding.message, type(self)
