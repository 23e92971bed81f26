"""The project a run belongs to, and the index its duplicates are found in.

The project is every Python file under the project root (the git top level, else the current folder)
that flake8's ``exclude``, ``extend-exclude`` and ``filename`` settings admit, whatever paths the run
names: ``flake8 a.py``, pre-commit's staged files, an editor buffer and a full run find the same copies of
``a.py``. Paths are named relative to the current folder, normalised (``pkg/a.py``, never ``./pkg/a.py``),
so a finding reads the same in every mode.

Two indexes answer the same question (``DuplicateIndex.duplicates``):
- ``RunIndex``: built in flake8's main process before ``-j`` workers fork, from every project file and every
  checked one, for runs of files on disk;
- ``BufferIndex``: for an editor buffer, whose text is known only when flake8 checks it: the places of the
  buffer's fingerprints are looked up in the project's other files, from the stored index (SQLite, only
  changed files fingerprinted again) when the cache allows, else from memory.
"""
from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flake8_reviewable.discovery import Walk, expand_paths, walk_filtered
from flake8_reviewable.duplication import Duplicate, ProjectIndex, Window, find_duplicates
from flake8_reviewable.index_store import StoredIndex
from flake8_reviewable.measurement import Measurer
from flake8_reviewable.settings import FileSelection, Settings


# What a walk from the current folder names ("./pkg/a.py") holds only real names joined by one separator:
# dropping "./" normalises it. A name that might hold more ("/.", "//", the other separator, a trailing
# one) goes through normpath. Plain tests, no loop: this runs for each of Django's 2,823 files per editor run.
_HERE, _SEP_DOT, _SEP_SEP, _ALTSEP = os.curdir + os.sep, os.sep + os.curdir, os.sep + os.sep, os.altsep or "\0"


def project_name(path: str) -> str:
    """How the project names a file: relative to the current folder, normalised (an editor may pass the
    buffer's absolute name)."""
    if path.startswith(_HERE) and _SEP_DOT not in path and _SEP_SEP not in path and _ALTSEP not in path \
            and not path.endswith(os.sep):
        return path[len(_HERE):]
    normal = os.path.normpath(path)
    # Relative and below the current folder: already its name (no getcwd per file). A name climbing out
    # (the project root above the current folder) may come back in: relpath makes it the same name.
    if not os.path.isabs(normal) and not normal.startswith(os.pardir):
        return normal
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows): no relative name
        return os.path.normpath(path)


def checked_files(paths: Sequence[str], selection: FileSelection, walk: Walk = walk_filtered) -> list[str]:
    """The files flake8 checks for these paths, as flake8 itself finds and names them (``-`` as on stdin)."""
    files = expand_paths(list(paths), selection.stdin_display_name, selection.filename_patterns,
                         selection.exclude, walk)
    return [selection.stdin_display_name if name == "-" else name for name in files]


class DuplicateIndex(Protocol):
    """Where the copies of a checked file's blocks are found."""

    def duplicates(self, path: str, file_windows: Sequence[Window]) -> list[Duplicate]:
        """The maximal duplicated blocks of ``path`` (a project name) whose windows are ``file_windows``."""

    def windows_known(self, path: str) -> tuple[Window, ...] | None:
        """The windows of ``path`` when the index already fingerprinted its text, else None."""


@dataclass
class RunIndex:
    """Every project and checked file on disk, indexed once per run (frozen: shared by forked workers)."""

    index: ProjectIndex
    # The checked files' windows, so that a worker does not fingerprint its file again.
    windows_by_path: dict[str, tuple[Window, ...]]

    def duplicates(self, path: str, file_windows: Sequence[Window]) -> list[Duplicate]:
        return find_duplicates(path, file_windows, self.index)

    def windows_known(self, path: str) -> tuple[Window, ...] | None:
        return self.windows_by_path.get(path)


# The places of some fingerprints in the project's files, the buffer's own file left out: an unfrozen index.
Lookup = Callable[[Iterable[str], str], ProjectIndex]


@dataclass
class BufferIndex:
    """An editor buffer's copies: its fingerprints looked up in the project's other files."""

    lookup: Lookup
    fallback: Lookup

    def duplicates(self, path: str, file_windows: Sequence[Window]) -> list[Duplicate]:
        fingerprints = [window.fingerprint for window in file_windows]
        try:
            index = self.lookup(fingerprints, path)
        except sqlite3.Error:  # the store stayed locked by another run past its timeout
            index = self.fallback(fingerprints, path)
        index.add(path, file_windows)
        index.freeze()
        return find_duplicates(path, file_windows, index)

    def windows_known(self, path: str) -> tuple[Window, ...] | None:
        return None  # the buffer's text is not the file's on disk


@dataclass
class Project:
    """The project's files, read once per run, and the measurer that fingerprints them."""

    files: list[str]
    measurer: Measurer
    _statuses: dict[str, os.stat_result] | None = dataclasses.field(default=None, repr=False)

    @classmethod
    def listed(cls, settings: Settings, root: Path, measurer: Measurer, walk: Walk = walk_filtered,
               checked: Sequence[str] | None = None) -> Project:
        """The project under ``root``; ``checked``, the files the run checks, are its files when the run
        names the project's root (``flake8 .`` there): listed once, not twice."""
        top = os.path.relpath(root)
        names_root = checked is not None and list(settings.paths or ["."]) == [top]
        files = checked if names_root else checked_files([top], settings.selection, walk)
        return cls([project_name(name) for name in files], measurer)

    def in_memory(self, paths: Iterable[str]) -> ProjectIndex:
        """An unfrozen index of these files' windows."""
        index = ProjectIndex()
        for path in paths:
            index.add(path, self.measurer.windows_of_path(path))
        return index

    def others_in_memory(self, fingerprints: Iterable[str], buffer: str) -> ProjectIndex:
        """A ``Lookup`` that reads every project file but the buffer's own (no store to ask)."""
        own = set(self.names_of(buffer))
        return self.in_memory(path for path in self.files if path not in own)

    def statuses(self) -> dict[str, os.stat_result]:
        """The ``stat`` of each project file that exists, taken once per run: the stored index's refresh
        and the buffer's other names share it."""
        if self._statuses is None:
            self._statuses = {name: status for name in self.files if (status := _status(name)) is not None}
        return self._statuses

    def names_of(self, path: str) -> list[str]:
        """Every name the project lists for the file ``path`` names (links included), and ``path``: the
        project files that are the same file, where ``realpath`` would walk every folder of every name."""
        target = _status(path)
        if target is None:
            return [path]
        return [path, *(name for name, status in self.statuses().items() if os.path.samestat(status, target))]


def run_index(project: Project, checked: Sequence[str], open_store: Callable[[], StoredIndex | None]) -> RunIndex:
    """The index for a run of files on disk: every project file, plus checked files outside the project.
    A run of the whole project indexes the windows it checks; a run of part of it (pre-commit's staged
    files) asks the stored index for the places of its files' fingerprints, when there is a cache."""
    measurer = project.measurer
    windows_by_path = {name: measurer.windows_of_path(name) for name in map(project_name, checked)}
    in_project = set(project.files)
    outside = [name for name in windows_by_path if name not in in_project]
    runs_whole_project = in_project <= windows_by_path.keys()
    store = None if runs_whole_project else open_store()
    index = _from_store(store, project, windows_by_path) if store else None
    if index is None:
        index = ProjectIndex()
        for name in [*project.files, *outside]:
            known = windows_by_path.get(name)  # () for a file without windows: known too
            index.add(name, known if known is not None else measurer.windows_of_path(name))
    else:
        for name in outside:
            index.add(name, windows_by_path[name])
    index.freeze()
    return RunIndex(index, windows_by_path)


def _from_store(store: StoredIndex, project: Project, windows_by_path: dict[str, tuple[Window, ...]]):
    """For a run naming part of the project (pre-commit's staged files): only the places of the checked
    files' fingerprints, from the stored index; None when the store cannot be used."""
    try:
        store.refresh(project.statuses(), project.measurer.windows_of_path)
        fingerprints = [window.fingerprint for found in windows_by_path.values() for window in found]
        return store.index_for(fingerprints)
    except sqlite3.Error:
        return None


def buffer_index(project: Project, store: StoredIndex | None) -> BufferIndex:
    """The index for an editor buffer, from the stored index when the cache allows."""
    if store is not None:
        try:
            store.refresh(project.statuses(), project.measurer.windows_of_path)
            return BufferIndex(lambda prints, path: store.index_for(prints, project.names_of(path)),
                               project.others_in_memory)
        except sqlite3.Error:  # locked for too long, or read-only: build it in memory instead
            pass
    return BufferIndex(project.others_in_memory, project.others_in_memory)


def _status(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None
