"""Cached measurement: a file's facts and duplicate windows, measured once per content.

The metric pass (``metrics``) and the window fingerprints (``fingerprint``) are pure; this module puts the
content-addressed cache in front of them, so an unchanged text is never measured twice, in this run or
the next.
"""
from __future__ import annotations

import ast
import tokenize
from dataclasses import dataclass

from flake8_reviewable.cache import FactsCache
from flake8_reviewable.duplication import Window
from flake8_reviewable.facts import FileFacts
from flake8_reviewable.memory import cycle_collection_paused

# The metric pass (with radon) and the fingerprinting walk are imported where a text is measured, not at
# start-up: an editor run whose buffer and project are cached measures nothing (docs/performance.md).


@dataclass
class Measurer:
    """Facts and windows of any text, through the cache when there is one."""

    cache: FactsCache | None
    min_duplicate_size: int

    def facts_of(self, text: str, tree: ast.Module | None = None) -> FileFacts | None:
        """The facts of a text (a file's, or its version at the merge base); None if Python cannot parse it.
        ``tree`` is its ``ast`` when the caller has it (flake8's), so nothing is parsed twice."""
        facts = self.cache.load(text) if self.cache else None
        if facts is None:
            from flake8_reviewable.metrics import measure, parsed

            tree = tree or parsed(text)
            if tree is None:
                return None
            facts = measure(text, tree)
            if self.cache:
                self.cache.store(text, facts)
        return facts

    def windows_of(self, text: str, tree: ast.Module | None = None) -> tuple[Window, ...]:
        """The duplicate-block windows of a text, cached by content and block size."""
        salt = f"windows:{self.min_duplicate_size}"
        found = self.cache.load(text, tuple[Window, ...], salt) if self.cache else None
        if found is None:
            found = _windows_of_text(text, tree, self.min_duplicate_size)
            if self.cache:
                self.cache.store(text, found, salt)
        return found

    def windows_of_path(self, path: str) -> tuple[Window, ...]:
        """The windows of a file on disk; none when it cannot be read or parsed."""
        text = read_source(path)
        return self.windows_of(text) if text is not None else ()


@cycle_collection_paused
def _windows_of_text(text: str, tree: ast.Module | None, min_size: int) -> tuple[Window, ...]:
    from flake8_reviewable.fingerprint import windows
    from flake8_reviewable.metrics import parsed

    tree = tree or parsed(text)
    return windows(tree, min_size) if tree is not None else ()


def read_source(path: str) -> str | None:
    """A Python file's text, decoded as Python would decode it; None when it cannot be read."""
    try:
        with tokenize.open(path) as stream:
            return stream.read()
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
