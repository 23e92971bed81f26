"""The project's duplicate-block windows kept on disk, for an editor buffer checked on stdin.

An editor runs flake8 on every save; reading and fingerprinting the whole project each time would cost
seconds on a large one. The windows of every project file live in one SQLite database in the cache folder,
stamped with each file's size and modification time: a run stats the files, refreshes only those that
changed, and looks up just the buffer's fingerprints. The database's name carries the plugin's code
version, since a new version may fingerprint differently, and a tag only this user's secret gives (see
``trust``): a store written by anyone else, or committed by a change's author, is never opened, since its
rows are trusted as they are; one another user owns is refused too. Paths are stored as the bytes the file system
uses, so that a name that is not valid UTF-8 is kept like any other.
"""
from __future__ import annotations

import array
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from flake8_reviewable.cache import code_version
from flake8_reviewable.duplication import Copy, ProjectIndex, Window
from flake8_reviewable.trust import load_secret, owned_by_someone_else, store_tag

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (path BLOB PRIMARY KEY, stamp TEXT);
CREATE TABLE IF NOT EXISTS windows (fingerprint TEXT, path BLOB, first INTEGER, last INTEGER, run INTEGER);
CREATE INDEX IF NOT EXISTS windows_by_fingerprint ON windows (fingerprint);
CREATE INDEX IF NOT EXISTS windows_by_path ON windows (path);
CREATE TABLE IF NOT EXISTS listing (name TEXT PRIMARY KEY, digest TEXT);
"""


def _stamp(status: os.stat_result) -> str:
    # Text, not integers: a modification time past 2262 does not fit SQLite's 63-bit integers.
    return f"{status.st_mtime_ns}:{status.st_size}"


def _digest(statuses: Mapping[str, os.stat_result]) -> str:
    """A digest of the files' names and stamps, in their order (the listing's, the same from run to run).
    The stamps are packed as numbers: formatting Django's 2,823 of them was most of an editor run's refresh."""
    digest = hashlib.blake2b(os.fsencode("\0".join(statuses)), digest_size=16)
    digest.update(b"\0\0")  # no name holds a NUL: the names end here
    try:
        digest.update(array.array("q", [number for status in statuses.values()
                                        for number in (status.st_mtime_ns, status.st_size)]).tobytes())
    except OverflowError:  # a time past 2262: the stamps as stored
        digest.update("\0".join(map(_stamp, statuses.values())).encode())
    return digest.hexdigest()


def _remove_older_stores(cache_root: Path, min_size: int, current: str) -> None:
    """Delete the stores of other plugin versions (an editable install makes one per edit of its code).
    A process still using one keeps its open file; nothing else is touched."""
    for store in cache_root.glob(f"project-{min_size}*.sqlite3"):
        older = store.name == f"project-{min_size}.sqlite3" or store.name.startswith(f"project-{min_size}-")
        if older and store.name != current:
            try:
                store.unlink()
            except OSError:
                pass


class StoredIndex:
    """Windows of the project's files in ``project-<size>-<version>-<tag>.sqlite3`` under the cache folder."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    @classmethod
    def open(cls, cache_root: Path, min_size: int, secret: bytes | None = None) -> StoredIndex | None:
        """The store, or None when the cache folder cannot hold it or there is no secret to name it by. A
        new store replaces the stores earlier versions (or other secrets) left for the same block size."""
        secret = secret if secret is not None else load_secret()
        if secret is None:
            return None
        name = f"project-{min_size}-{code_version()}-{store_tag(secret)}.sqlite3"
        try:
            cache_root.mkdir(parents=True, exist_ok=True)
            is_new = not (cache_root / name).exists()
            if owned_by_someone_else(cache_root / name):
                return None
            connection = sqlite3.connect(cache_root / name, timeout=10)
            connection.executescript(_SCHEMA)
        except (OSError, sqlite3.Error):
            return None
        if is_new:
            _remove_older_stores(cache_root, min_size, name)
        return cls(connection)

    def refresh(self, statuses: Mapping[str, os.stat_result],
                windows_of_path: Callable[[str], tuple[Window, ...]]) -> None:
        """Bring the store in line with these files (each with its ``stat``): re-fingerprint the changed
        ones, drop the vanished. The stamps of all the files are digested, so that the usual case of an editor
        run, nothing changed since the last, does not read the stamp of every file from the store."""
        digest = _digest(statuses)
        if self.connection.execute("SELECT digest FROM listing WHERE name = 'files'").fetchone() == (digest,):
            return
        current = {path: _stamp(status) for path, status in statuses.items()}
        known = {os.fsdecode(row[0]): row[1] for row in self.connection.execute("SELECT * FROM files")}
        with self.connection:
            self.connection.execute("INSERT OR REPLACE INTO listing VALUES ('files', ?)", (digest,))
            for path in known.keys() - current.keys():
                self._forget(path)
            for path, stamp in current.items():
                if known.get(path) != stamp:
                    self._forget(path)
                    self._remember(path, stamp, windows_of_path(path))

    def _forget(self, path: str) -> None:
        self.connection.execute("DELETE FROM windows WHERE path = ?", (os.fsencode(path),))
        self.connection.execute("DELETE FROM files WHERE path = ?", (os.fsencode(path),))

    def _remember(self, path: str, stamp: str, file_windows: tuple[Window, ...]) -> None:
        name = os.fsencode(path)
        self.connection.execute("INSERT INTO files VALUES (?, ?)", (name, stamp))
        rows = [(window.fingerprint, name, window.first, window.last, window.run) for window in file_windows]
        self.connection.executemany("INSERT INTO windows VALUES (?, ?, ?, ?, ?)", rows)

    def index_for(self, fingerprints: Iterable[str], excluded: Iterable[str] = ()) -> ProjectIndex:
        """An unfrozen index holding every stored place of these fingerprints (see ``ProjectIndex``), but
        those in the files named ``excluded`` (an editor buffer's file, whose text on disk is stale)."""
        index = ProjectIndex()
        wanted = sorted(set(fingerprints))
        skipped = {os.fsencode(name) for name in excluded}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            query = (f"SELECT fingerprint, path, first, last, run FROM windows WHERE fingerprint IN ({marks}) "
                     "ORDER BY path, first")
            rows = self.connection.execute(query, chunk)
            index.add_places((fingerprint, Copy(os.fsdecode(path), first, last, run))
                             for fingerprint, path, first, last, run in rows if path not in skipped)
        return index
