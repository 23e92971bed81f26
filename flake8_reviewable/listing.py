"""The project's folders walked for an editor run, answered from the folders as last read where they
cannot have changed.

An editor buffer is compared with every file of the project, so each editor run lists the whole project:
reading its folders and matching every entry against ``exclude`` and ``filename`` was most of that listing
(measured in ``benchmarks/tried.md``), and a project such as Django holds thousands of folders (translations)
with no Python file in them. So each folder is kept as the filter left it: the sub-folders to enter and the
files to list, under the filter's key (the patterns and where the walk starts).
Adding, removing or renaming an entry changes its folder's modification and change times, so a folder
whose stamp (device, inode, both times, and who reads it: user and groups) is the one it had when it was
last read has the same entries, and the filter's answer is taken from the cache. The change time also moves
when permissions change (a folder made unreadable is skipped by ``os.walk``) or when a tool sets the
modification time back, and no program can set it. Two cases are always read again: a folder read less
than ``_SETTLE_NS`` after its last change (a coarse file-system clock could hide a second change made in
the same tick), and a folder holding symbolic links (what a link points to can change without its folder
changing). Names are stored as the bytes the file system uses, so a name that is not valid UTF-8 is kept
like any other.
"""
from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Iterator

from flake8_reviewable.discovery import FolderFilter

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kept_folders (path BLOB PRIMARY KEY, stamp TEXT, read_ns INTEGER, filter TEXT,
                                         folders BLOB, files BLOB);
"""
_SETTLE_NS = 2_000_000_000

# A folder's sub-folders and other entries, as os.walk splits them (or as a filter kept them).
_Entries = tuple[list[str], list[str]]


def _read(folder: str) -> tuple[_Entries, bool] | None:
    """The folder's entries split as ``os.walk`` splits them, and whether any is a link; None if unreadable
    (``os.walk`` then skips the folder)."""
    folders: list[str] = []
    files: list[str] = []
    has_links = False
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    is_folder = entry.is_dir()
                except OSError:
                    is_folder = False
                has_links = has_links or _may_be_link(entry)
                (folders if is_folder else files).append(entry.name)
    except OSError:
        return None
    return (folders, files), has_links


def _may_be_link(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink()
    except OSError:  # cannot tell: do not keep the folder
        return True


def _names(joined: bytes) -> list[str]:
    return os.fsdecode(joined).split("\0") if joined else []


def _joined(names: list[str]) -> bytes:
    return os.fsencode("\0".join(names))


def _prefix(folder: str) -> str:
    """What joins a plain name onto ``folder`` as ``os.path.join`` would."""
    return folder if folder.endswith(os.sep) or not folder else folder + os.sep


def _reader() -> str:
    """Who reads: a folder one user may read can be unreadable to another (a cache filled under sudo)."""
    if not hasattr(os, "geteuid"):
        return ""
    return f"{os.geteuid()}:{os.getegid()}:{','.join(map(str, sorted(os.getgroups())))}"


def _stamp(status: os.stat_result) -> str:
    # Text, not integers: inode and device numbers can pass SQLite's 63-bit integers.
    return f"{status.st_dev}:{status.st_ino}:{status.st_mtime_ns}:{status.st_ctime_ns}"


class CachedWalk:
    """Walks like ``discovery.walk_filtered`` (top-down, links to folders listed but not entered, unreadable
    folders skipped), reading and filtering only the folders that may have changed."""

    def __init__(self, connection: sqlite3.Connection, known: dict[str, tuple]) -> None:
        self.connection = connection
        self.known = known
        self.reader = _reader()
        # folder -> (stamp, read at, filter key, kept sub-folders, kept files) as stored, None if not kept
        self.visited: dict[str, tuple | None] = {}

    @classmethod
    def open(cls, connection: sqlite3.Connection) -> CachedWalk | None:
        """The walk over the folders kept in this database, or None when they cannot be kept there."""
        try:
            connection.executescript(_SCHEMA)
            known = {os.fsdecode(row[0]): row[1:] for row in connection.execute("SELECT * FROM kept_folders")}
        except sqlite3.Error:
            return None
        return cls(connection, known)

    def __call__(self, top: str, keep: FolderFilter) -> Iterator[tuple[str, list[str]]]:
        # Folders are kept under their absolute names: editors start flake8 from the project's root or
        # from the buffer's own folder, and both must find the same rows.
        pending = [(top, os.path.abspath(top), True)]
        while pending:
            folder, absolute, is_top = pending.pop()
            entries = self._kept(folder, absolute, is_top, keep)
            if entries is None:
                continue
            sub_folders, files = entries
            yield folder, files
            # os.path.join, for a name known to be one plain part: once per folder of the project.
            folder_prefix, absolute_prefix = _prefix(folder), _prefix(absolute)
            pending.extend((folder_prefix + name, absolute_prefix + name, False) for name in reversed(sub_folders))

    def _kept(self, folder: str, absolute: str, is_top: bool, keep: FolderFilter) -> _Entries | None:
        read_ns = time.time_ns()  # before the stat: a change made after it is never hidden
        try:
            status = os.stat(folder) if is_top else os.lstat(folder)
        except OSError:
            return None
        if not is_top and stat.S_ISLNK(status.st_mode):
            return None  # os.walk lists a link to a folder but does not enter it
        stamp = f"{self.reader}|{_stamp(status)}"
        row = self.known.get(absolute)
        changed_ns = max(status.st_mtime_ns, status.st_ctime_ns)
        if row is not None and row[0] == stamp and row[1] - changed_ns >= _SETTLE_NS and row[2] == keep.key:
            self.visited[absolute] = row
            return _names(row[3]), _names(row[4])
        found = _read(folder)
        if found is None:
            return None
        entries, has_links = found
        kept = keep(folder, absolute, *entries)
        self.visited[absolute] = None if has_links else (stamp, read_ns, keep.key, *map(_joined, kept))
        return kept

    def save(self) -> None:
        """Keep the folders this walk visited (and only those) for the next run; write only what changed."""
        kept = {folder: row for folder, row in self.visited.items() if row is not None}
        changed = [(os.fsencode(folder), *row) for folder, row in kept.items() if self.known.get(folder) != row]
        gone = [(os.fsencode(folder),) for folder in self.known.keys() - kept.keys()]
        if not changed and not gone:
            return
        try:
            with self.connection:
                self.connection.executemany("DELETE FROM kept_folders WHERE path = ?", gone)
                self.connection.executemany("INSERT OR REPLACE INTO kept_folders VALUES (?, ?, ?, ?, ?, ?)", changed)
        except sqlite3.Error:
            pass  # a read-only or busy cache: the next run reads these folders again
