"""The flake8 entry point: options in, ``(line, col, message, type)`` tuples out. Nothing is measured here."""
from __future__ import annotations

import ast
import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flake8_reviewable import __version__
from flake8_reviewable.rules import OPTIONS
from flake8_reviewable.session import Session
from flake8_reviewable.settings import PLUGIN_OPTIONS, Settings


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
        """Register every rule's limit and the plugin's own options, readable from the command line and config."""
        for option in (*OPTIONS, *PLUGIN_OPTIONS):
            option.register(manager)

    @classmethod
    def parse_options(cls, options: Any) -> None:
        """Build the run's session once: settings, cache, the change and the duplicate index."""
        cls.session = Session.start(Settings.from_options(options), Path.cwd(), os.environ)
        if cls.session.run_change is not None:
            # RVW406: what the change loosens, and options rewritten so that loosening cannot hide the
            # finding. Imported here: a run without a change never loads change awareness (start-up time).
            from flake8_reviewable.guard import guard

            cls.session.run_change = guard(options, cls.session.run_change)
        note = cls.session.run_change.note if cls.session.run_change else None
        if note:  # said, not reported: an empty change is the truth on a push to main
            print(f"flake8-reviewable: {note}", file=sys.stderr)
        # The session (the whole project's duplicate index) lives until the run ends: move it out of the
        # cycle collector's reach, or every full collection while flake8 checks files traverses it again.
        # Done just before flake8 forks its workers, as the gc docs advise, it also keeps the inherited
        # pages shared.
        gc.freeze()

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        """Report every finding of every rule for this file."""
        for finding in self.session.findings(self.filename, self.lines, self.tree):
            yield finding.position.line, finding.position.col, finding.message, type(self)
