"""One flake8 run as the plugin sees it: settings, cache, the change and the duplicate index, built once.

flake8 calls ``Session.from_options`` in its main process before any ``-j`` worker starts; forked workers
inherit the session, so git and the project-wide fingerprint index are computed once per run.
"""
from __future__ import annotations

import ast
import functools
import os
import sqlite3
import tokenize
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from flake8_reviewable.cache import CACHE_DIR_NAME, FactsCache
from flake8_reviewable.context import FileContext
from flake8_reviewable.discovery import Walk, expand_paths
from flake8_reviewable.duplication import ProjectIndex, Window, find_duplicates, windows
from flake8_reviewable.facts import FileFacts
from flake8_reviewable.git import project_root
from flake8_reviewable.index_store import StoredIndex
from flake8_reviewable.listing import CachedWalk
from flake8_reviewable.locality import RunChange, file_context, growth, measure_run
from flake8_reviewable.memory import cycle_collection_paused
from flake8_reviewable.metrics import measure, parsed
from flake8_reviewable.rules import ALL_RULES, OPTIONS, Finding


@dataclass
class Session:
    """Everything the plugin knows for the whole run."""

    settings: Mapping[str, Any]
    cache: FactsCache | None = None
    scope: str = "all"
    from_stdin: bool = False
    run_change: RunChange | None = None
    index: ProjectIndex | StoredIndex | None = None
    windows_by_path: dict[str, tuple[Window, ...]] = field(default_factory=dict)
    # For an editor buffer: the project's other files, which its duplicates are looked for in.
    project_files: list[str] = field(default_factory=list)

    @classmethod
    def defaults(cls) -> Session:
        """A session with every default, for a plugin used before flake8 parsed options."""
        return cls(MappingProxyType({option.dest: option.default for option in OPTIONS}))

    @classmethod
    def from_options(cls, options: Any) -> Session:
        """Build the run's session from flake8's parsed options (in the main process, once)."""
        settings = MappingProxyType({option.dest: getattr(options, option.dest) for option in OPTIONS})
        session = cls(settings, scope=options.reviewable_scope, from_stdin="-" in options.filenames)
        if not options.no_reviewable_cache:
            folder = options.reviewable_cache_dir or project_root(Path.cwd()) / CACHE_DIR_NAME
            session.cache = FactsCache.open(Path(folder))
        checked = _checked_files(options, options.filenames)
        session.run_change = measure_run(options.reviewable_base, checked, Path.cwd(), os.environ)
        session.index = session._index(options, checked)
        return session

    @property
    def min_duplicate_size(self) -> int:
        return self.settings["min_duplicate_size"]

    def facts_of(self, text: str, tree: ast.Module | None = None) -> FileFacts | None:
        """The facts of any text (a file's, or its version at the merge base); None if Python cannot parse it."""
        facts = self.cache.load(text) if self.cache else None
        if facts is None:
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

    def _index(self, options: Any, checked: list[str]) -> ProjectIndex | StoredIndex:
        if self.from_stdin:
            return self._project_on_disk(options)
        index = ProjectIndex()
        for path in checked:
            self.windows_by_path[path] = self._windows_of_path(path)
            index.add(path, self.windows_by_path[path])
        index.freeze()
        return index

    def _project_on_disk(self, options: Any) -> ProjectIndex | StoredIndex:
        """For an editor buffer: the project's other files, from the stored index when the cache allows."""
        root = os.path.relpath(project_root(Path.cwd()))
        store = StoredIndex.open(self.cache.root, self.min_duplicate_size) if self.cache else None
        self.project_files = _other_files(options, root, CachedWalk.open(store.connection) if store else None)
        if store is not None:
            try:
                store.refresh(self.project_files, self._windows_of_path)
                return store
            except sqlite3.Error:  # locked for too long, or read-only: build it in memory instead
                pass
        return self._project_in_memory()

    def _project_in_memory(self) -> ProjectIndex:
        index = ProjectIndex()
        for path in self.project_files:
            index.add(path, self._windows_of_path(path))
        return index

    def _windows_of_path(self, path: str) -> tuple[Window, ...]:
        text = _read_source(path)
        return self.windows_of(text) if text is not None else ()

    def findings(self, filename: str, lines: Sequence[str], tree: ast.Module) -> Iterator[Finding]:
        """Every finding for one file, after the changed scope's filter."""
        text = "".join(lines)
        facts = self.facts_of(text, tree)
        context = FileContext(self._change(filename, lines, facts), self._duplicates(filename, text, tree), filename)
        for rule_class in ALL_RULES:
            rule = rule_class(self.settings)
            for finding in rule.check(facts, context):
                if self.scope == "changed":
                    finding = growth(rule, finding, context.change)
                if finding is not None:
                    yield finding

    def _change(self, filename: str, lines: Sequence[str], facts: FileFacts):
        if self.run_change is None:
            return None
        return file_context(self.run_change, filename, lines, facts, self.from_stdin, self.facts_of)

    def _duplicates(self, filename: str, text: str, tree: ast.Module) -> tuple:
        if self.index is None:
            return ()
        # The index was built from the same files on disk (forked workers inherit it): reuse their windows.
        file_windows = self.windows_by_path.get(filename) if not self.from_stdin else None
        if file_windows is None:
            file_windows = self.windows_of(text, tree)
        index = self.index
        if isinstance(index, StoredIndex):
            try:
                index = index.index_for(window.fingerprint for window in file_windows)
            except sqlite3.Error:  # locked by another run for longer than its timeout
                index = self._project_in_memory()
        if self.from_stdin:
            index = index.with_file(filename, file_windows)
        return tuple(find_duplicates(filename, file_windows, index))


def _checked_files(options: Any, paths: Iterable[str], walk: Walk = os.walk) -> list[str]:
    """The files flake8 checks for these paths, as flake8 itself finds and names them (``-`` as on stdin)."""
    exclude = (*options.exclude, *options.extend_exclude)
    files = expand_paths(list(paths), options.stdin_display_name, options.filename, exclude, walk)
    return [options.stdin_display_name if name == "-" else name for name in files]


def _other_files(options: Any, root: str, walk: CachedWalk | None) -> list[str]:
    """The files of the project under ``root`` but the editor buffer's own, read through ``walk``'s
    cached folders when there is one."""
    buffer = options.stdin_display_name
    paths = [path for path in _checked_files(options, [root], walk or os.walk) if not _is_same_file(path, buffer)]
    if walk is not None:
        walk.save()
    return paths


def _is_same_file(path: str, other: str) -> bool:
    """Whether two names reach one file (links included): one ``stat`` each, where ``realpath`` walked
    every folder of the name and cost a tenth of an editor run on Django."""
    try:
        return os.path.samestat(os.stat(path), _stat(other))
    except OSError:
        return False


@functools.lru_cache(maxsize=4)
def _stat(path: str) -> os.stat_result:
    return os.stat(path)


@cycle_collection_paused
def _windows_of_text(text: str, tree: ast.Module | None, min_size: int) -> tuple[Window, ...]:
    tree = tree or parsed(text)
    return windows(tree, min_size) if tree is not None else ()


def _read_source(path: str) -> str | None:
    """A Python file's text, decoded as Python would decode it; None when it cannot be read."""
    try:
        with tokenize.open(path) as stream:
            return stream.read()
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
