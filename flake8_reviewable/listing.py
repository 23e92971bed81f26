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

A whole walk is kept too, when every folder in it was kept: its folders in walk order with their stamps, and
each one's kept files. A later walk from the same top under the same filter whose folders all still have
those stamps gives the same answer, checked in one tight loop of ``lstat`` calls without reading the rows
of the folders (on Django, 3,506 folders: most of an editor run's listing; see ``docs/performance.md``).
"""
from __future__ import annotations

import os
import sqlite3
import stat
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from flake8_reviewable.discovery import FolderFilter, folder_prefix

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kept_folders (path BLOB PRIMARY KEY, stamp TEXT, read_ns INTEGER, filter TEXT,
                                         folders BLOB, files BLOB);
CREATE TABLE IF NOT EXISTS kept_walks (top BLOB PRIMARY KEY, filter TEXT, folders BLOB, stamps BLOB, counts TEXT,
                                       files BLOB);
"""
_SETTLE_NS = 2_000_000_000
# A kept walk's stamps, one record per folder: device, inode, modification and change times. Compared as
# numbers, where formatting each folder's stamp as text was a third of the loop over Django's folders.
_PACKED_STAMP = struct.Struct("<QQqq")

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


def _reader() -> str:
    """Who reads: a folder one user may read can be unreadable to another (a cache filled under sudo)."""
    if not hasattr(os, "geteuid"):
        return ""
    return f"{os.geteuid()}:{os.getegid()}:{','.join(map(str, sorted(os.getgroups())))}"


def _stamp(status: os.stat_result) -> str:
    # Text, not integers: inode and device numbers can pass SQLite's 63-bit integers.
    return ":".join(map(str, _stamp_fields(status)))


def _stamp_fields(status: os.stat_result) -> tuple[int, int, int, int]:
    return status.st_dev, status.st_ino, status.st_mtime_ns, status.st_ctime_ns


@dataclass
class _Walked:
    """A whole walk from one top as a run made it: kept for the next run when every folder was kept."""

    filter: str
    folders: list[str] = field(default_factory=list)  # relative to the top, "" for the top itself
    stamps: list[tuple[int, int, int, int]] = field(default_factory=list)
    files: list[list[str]] = field(default_factory=list)
    whole: bool = True  # every folder kept (settled, no links)

    def add(self, folder: str, stamp: tuple[int, int, int, int], files: list[str], settled: bool) -> None:
        self.folders.append(folder)
        self.stamps.append(stamp)
        self.files.append(files)
        self.whole = self.whole and settled

    def row(self, absolute_top: str) -> tuple | None:
        """The walk as stored, or None when a stamp does not fit its record (it is then not kept)."""
        counts = ",".join(str(len(names)) for names in self.files)
        every_file = [name for names in self.files for name in names]
        try:
            stamps = b"".join(_PACKED_STAMP.pack(*stamp) for stamp in self.stamps)
        except struct.error:
            return None
        return os.fsencode(absolute_top), self.filter, _joined(self.folders), stamps, counts, _joined(every_file)


def _still_true(absolute_top: str, folders: list[str], stamps: bytes) -> bool:
    """Whether every folder of a kept walk has the stamp it had then (the top followed if it is a link)."""
    if len(stamps) != len(folders) * _PACKED_STAMP.size:
        return False
    prefix, lstat = folder_prefix(absolute_top), os.lstat
    kept = _PACKED_STAMP.iter_unpack(stamps)
    try:
        if _stamp_fields(os.stat(absolute_top)) != next(kept):
            return False
        for folder, stamp in zip(folders[1:], kept):
            status = lstat(prefix + folder)
            if (status.st_dev, status.st_ino, status.st_mtime_ns, status.st_ctime_ns) != stamp:
                return False
    except OSError:
        return False
    return True


def _listing(top: str, folders: list[str], counts: str, files: list[str]) -> Iterator[tuple[str, list[str]]]:
    """A kept walk's answer, named from ``top`` as the walk names its folders."""
    prefix, position = folder_prefix(top), 0
    for folder, count in zip(folders, map(int, counts.split(","))):
        yield (prefix + folder if folder else top), files[position:position + count]
        position += count


class CachedWalk:
    """Walks like ``discovery.walk_filtered`` (top-down, links to folders listed but not entered, unreadable
    folders skipped), reading and filtering only the folders that may have changed."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.reader = _reader()
        self._known: dict[str, tuple] | None = None
        # folder -> (stamp, read at, filter key, kept sub-folders, kept files) as stored, None if not kept
        self.visited: dict[str, tuple | None] = {}
        # absolute top -> the walk made from it by reading folders (not answered by a kept walk)
        self.walked: dict[str, _Walked] = {}
        self.answered_whole = False

    @classmethod
    def open(cls, connection: sqlite3.Connection) -> CachedWalk | None:
        """The walk over the folders kept in this database, or None when they cannot be kept there."""
        try:
            connection.executescript(_SCHEMA)
        except sqlite3.Error:
            return None
        return cls(connection)

    @property
    def known(self) -> dict[str, tuple]:
        """The kept folders, read when a walk is not answered whole."""
        if self._known is None:
            rows = self.connection.execute("SELECT * FROM kept_folders")
            self._known = {os.fsdecode(row[0]): row[1:] for row in rows}
        return self._known

    def __call__(self, top: str, keep: FolderFilter) -> Iterator[tuple[str, list[str]]]:
        # Folders are kept under their absolute names: editors start flake8 from the project's root or
        # from the buffer's own folder, and both must find the same rows.
        absolute_top, key = os.path.abspath(top), f"{self.reader}|{keep.key}"
        answer = self._kept_walk(top, absolute_top, key)
        if answer is not None:
            self.answered_whole = True
            yield from answer
            return
        walked = self.walked[absolute_top] = _Walked(key)
        pending = [(top, absolute_top, "")]
        while pending:
            folder, absolute, relative = pending.pop()
            entries = self._kept(folder, absolute, relative, keep, walked)
            if entries is None:
                continue
            sub_folders, files = entries
            yield folder, files
            # os.path.join, for a name known to be one plain part: once per folder of the project.
            prefixes = folder_prefix(folder), folder_prefix(absolute), folder_prefix(relative)
            pending.extend((prefixes[0] + name, prefixes[1] + name, prefixes[2] + name)
                           for name in reversed(sub_folders))

    def _kept_walk(self, top: str, absolute_top: str, key: str) -> Iterator[tuple[str, list[str]]] | None:
        """The kept walk from this top under this filter, when none of its folders changed."""
        try:
            row = self.connection.execute("SELECT filter, folders, stamps, counts, files FROM kept_walks WHERE top = ?",
                                          (os.fsencode(absolute_top),)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or row[0] != key:
            return None
        folders = _names(row[1]) or [""]
        if not isinstance(row[2], bytes) or not _still_true(absolute_top, folders, row[2]):
            return None
        return _listing(top, folders, row[3], _names(row[4]))

    def _kept(self, folder: str, absolute: str, relative: str, keep: FolderFilter,
              walked: _Walked) -> _Entries | None:
        """The folder's kept entries (``relative`` to the walk's top, "" for the top), recorded in ``walked``."""
        read_ns = time.time_ns()  # before the stat: a change made after it is never hidden
        try:
            status = os.lstat(folder) if relative else os.stat(folder)
        except OSError:
            return None
        if relative and stat.S_ISLNK(status.st_mode):
            walked.whole = False
            return None  # os.walk lists a link to a folder but does not enter it
        stamp = _stamp(status)
        row = self.known.get(absolute)
        changed_ns = max(status.st_mtime_ns, status.st_ctime_ns)
        if row is not None and row[0] == f"{self.reader}|{stamp}" and row[1] - changed_ns >= _SETTLE_NS \
                and row[2] == keep.key:
            entries = _names(row[3]), _names(row[4])
        else:
            found = _read(folder)
            if found is None:
                walked.whole = False
                return None
            (folders, files), has_links = found
            entries = keep(folder, absolute, folders, files)
            row = None if has_links else (f"{self.reader}|{stamp}", read_ns, keep.key, *map(_joined, entries))
        self.visited[absolute] = row
        walked.add(relative, _stamp_fields(status), entries[1], row is not None and row[1] - changed_ns >= _SETTLE_NS)
        return entries

    def save(self) -> None:
        """Keep the folders this walk visited (and only those: a run answered by a kept walk deletes none)
        and the whole walks made of kept folders, for the next run; write only what changed."""
        kept = {folder: row for folder, row in self.visited.items() if row is not None}
        changed = [(os.fsencode(folder), *row) for folder, row in kept.items() if self.known.get(folder) != row]
        gone = [] if self.answered_whole else [(os.fsencode(folder),) for folder in self.known.keys() - kept.keys()]
        if not changed and not gone and not self.walked:
            return  # answered whole: no write, and no lock taken on the database
        try:
            with self.connection:
                self.connection.executemany("DELETE FROM kept_folders WHERE path = ?", gone)
                self.connection.executemany("INSERT OR REPLACE INTO kept_folders VALUES (?, ?, ?, ?, ?, ?)", changed)
                self._save_walks()
        except sqlite3.Error:
            pass  # a read-only or busy cache: the next run reads these folders again

    def _save_walks(self) -> None:
        for top, walked in self.walked.items():
            row = walked.row(top) if walked.whole else None
            if row is not None:
                self.connection.execute("INSERT OR REPLACE INTO kept_walks VALUES (?, ?, ?, ?, ?, ?)", row)
            else:
                self.connection.execute("DELETE FROM kept_walks WHERE top = ?", (os.fsencode(top),))
