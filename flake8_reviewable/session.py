"""One flake8 run as the plugin sees it, read top to bottom in the order the data flows.

1. ``Session.start`` (flake8's main process, once, before any ``-j`` worker forks): settings from the
   options, the cache, the change against its base (git, once), the project's duplicate index.
2. ``Session.findings`` (once per checked file, in whichever process checks it): the file's facts from the
   ``ast`` flake8 parsed (cached by content), its part of the change, its duplicates, then every rule, and
   the changed scope's filter, which each rule applies to its own findings.

Forked workers inherit the session, so git and the project index are computed once per run.
"""
from __future__ import annotations

import ast
import dataclasses
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flake8_reviewable.cache import FactsCache
from flake8_reviewable.context import FileContext
from flake8_reviewable.discovery import walk_filtered
from flake8_reviewable.duplication import Duplicate
from flake8_reviewable.facts import Definition, FileFacts
from flake8_reviewable.git import project_root
from flake8_reviewable.index_store import StoredIndex
from flake8_reviewable.listing import CachedWalk
from flake8_reviewable.measurement import Measurer, read_source
from flake8_reviewable.project import DuplicateIndex, Project, buffer_index, checked_files, project_name, run_index
from flake8_reviewable.rules import ALL_RULES, Finding, Rule
from flake8_reviewable.settings import Scope, Settings

if TYPE_CHECKING:  # change awareness is imported only by a run that may have a change (an editor's start-up)
    from flake8_reviewable.blast import Radius
    from flake8_reviewable.change import ChangeContext
    from flake8_reviewable.locality import RunChange


@dataclass
class Session:
    """Everything the plugin knows for the whole run."""

    settings: Settings
    measurer: Measurer
    rules: tuple[Rule, ...]
    run_change: RunChange | None = None
    index: DuplicateIndex | None = None
    project: Project | None = None
    # RVW405, for files on disk: each checked file's altered definitions and the places depending on them.
    blast: dict[str, tuple[Radius, ...]] = dataclasses.field(default_factory=dict)

    @classmethod
    def defaults(cls) -> Session:
        """A session with every default and no cache, change or project: for a plugin used before flake8
        parsed options, and for tests of one file."""
        settings = Settings()
        return cls(settings, Measurer(None, settings.min_duplicate_size), _rules(settings))

    @classmethod
    def start(cls, settings: Settings, cwd: Path, environment: os._Environ | dict[str, str]) -> Session:
        """Build the run's session (in the main process, once)."""
        root = project_root(cwd)
        folder = settings.cache_folder(root)
        cache = FactsCache.open(folder) if folder is not None else None
        session = cls(settings, Measurer(cache, settings.min_duplicate_size), _rules(settings))
        checked = checked_files(settings.paths, settings.selection)
        if _may_have_change(settings, root, environment):
            from flake8_reviewable.locality import measure_run

            session.run_change = measure_run(settings.base, checked, cwd, environment,
                                             scope_changed=settings.scope is Scope.CHANGED,
                                             definitions_of=session.definitions_of)
        session.index = session._project_index(root, checked)
        if not settings.from_stdin:
            session.blast = session._blast([(name, text) for name in session._changed(checked)
                                            if (text := read_source(name)) is not None])
        return session

    def _changed(self, checked: list[str]) -> list[str]:
        """The checked files the change touches, as the project names them: the only ones whose definitions
        it can alter (reading every checked file here would cost a full run its files twice)."""
        run = self.run_change
        if run is None or run.merge_base is None:
            return []
        from flake8_reviewable.locality import relative_to_top

        return [project_name(name) for name in checked if relative_to_top(name, run.top) in run.files]

    def definitions_of(self, text: str) -> tuple[Definition, ...] | None:
        facts = self.measurer.facts_of(text)
        return facts.definitions if facts is not None else None

    def _blast(self, texts: list[tuple[str, str]],
               added: frozenset[int] | None = None) -> dict[str, tuple[Radius, ...]]:
        """The blast radius of these checked files' changes (path, text; an editor's buffer with the lines
        the change added to it); nothing without a measured change."""
        run = self.run_change
        if run is None or run.merge_base is None or self.project is None:
            return {}
        from flake8_reviewable.radius import Source, blast_radius

        sources = [Source(path, text, added) for path, text in texts]
        return blast_radius(run, sources, self.project.files, self.measurer.cache)

    def _project_index(self, root: Path, checked: list[str]) -> DuplicateIndex:
        if not self.settings.from_stdin:
            self.project = Project.listed(self.settings, root, self.measurer, checked=checked)
            return run_index(self.project, checked, self._store)
        # An editor run lists the project on every save: through the folders cached beside the store.
        store = self._store()
        walk = CachedWalk.open(store.connection) if store else None
        project = self.project = Project.listed(self.settings, root, self.measurer, walk or walk_filtered)
        if walk is not None:
            walk.save()
        return buffer_index(project, store)

    def _store(self) -> StoredIndex | None:
        """The project's windows stored in the cache folder, when there is a cache."""
        cache = self.measurer.cache
        return StoredIndex.open(cache.root, self.settings.min_duplicate_size) if cache else None

    def findings(self, filename: str, lines: Sequence[str], tree: ast.Module) -> Iterator[Finding]:
        """Every finding for one file, after the changed scope's filter."""
        text = "".join(lines)
        facts = self.measurer.facts_of(text, tree)
        path = project_name(filename)
        change = self._change(filename, lines, facts)
        context = FileContext(change, self._duplicates(path, text, tree), path)
        for rule in self.rules:
            for finding in rule.check(facts, context):
                if self.settings.scope is Scope.CHANGED:
                    finding = rule.in_changed_scope(finding, change)
                if finding is not None:
                    yield finding

    def _change(self, filename: str, lines: Sequence[str], facts: FileFacts) -> ChangeContext | None:
        if self.run_change is None:
            return None
        from flake8_reviewable.locality import file_context

        change = file_context(self.run_change, filename, lines, facts, self.settings.from_stdin,
                              self.measurer.facts_of)
        path = project_name(filename)
        if self.settings.from_stdin:  # the buffer against its base, known only now
            added = change.file.diff.added_lines if change.file else frozenset()
            blast = self._blast([(path, "".join(lines))], added).get(path, ())
        else:
            blast = self.blast.get(path, ())
        return dataclasses.replace(change, blast=blast) if blast else change

    def _duplicates(self, path: str, text: str, tree: ast.Module) -> tuple[Duplicate, ...]:
        if self.index is None:
            return ()
        known = self.index.windows_known(path)
        file_windows = known if known is not None else self.measurer.windows_of(text, tree)
        return tuple(self.index.duplicates(path, file_windows))


def _may_have_change(settings: Settings, root: Path, environment: os._Environ | dict[str, str]) -> bool:
    """Whether the run has a change to measure, or one to say it cannot measure: always, but with no base,
    or with ``auto`` (and the whole scope) outside any git work tree, where git itself would find none."""
    if settings.base == "none":
        return False
    in_work_tree = (root / ".git").exists() or "GIT_DIR" in environment
    return in_work_tree or settings.base != "auto" or settings.scope is Scope.CHANGED


def _rules(settings: Settings) -> tuple[Rule, ...]:
    return tuple(rule_class(settings.limits) for rule_class in ALL_RULES)
