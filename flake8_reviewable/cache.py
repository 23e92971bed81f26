"""Content-addressed, per-file facts on disk, shared safely by concurrent flake8 workers.

An entry is keyed by the file's text and everything else that could change its facts (this plugin's own
code, the Python, libcst and radon versions), so it can never be stale, only missing. Entries are JSON
(never pickle: a cache folder committed by someone else must not run code), written to a temporary file
and renamed into place, so a reader sees a whole entry or none. Anything unreadable is a miss; anything
unwritable turns the cache off for the run. Nothing outside the cache folder is ever written.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import tempfile
import types
import typing
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from flake8_reviewable.facts import FileFacts

CACHE_DIR_NAME = ".reviewable_cache"
_LAYOUT = "v1"


@lru_cache(maxsize=1)
def _environment_fingerprint() -> bytes:
    """What besides the file's text decides its facts: our code, the Python and the parsers' versions."""
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for package in ("libcst", "radon"):
        try:
            digest.update(f"{package}={version(package)}".encode())
        except PackageNotFoundError:  # run from a source tree without metadata: the code hash still applies
            digest.update(package.encode())
    for source in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.digest()


def cache_key(text: str, salt: str = "") -> str:
    """The entry name for a file whose text is ``text``; ``salt`` names what is stored and the options it
    depends on (say, the duplicate block size), so that different kinds of entry never collide."""
    digest = hashlib.sha256(_environment_fingerprint())
    digest.update(salt.encode() + b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class FactsCache:
    """Per-file facts under one folder; ``None`` from ``open`` when the folder cannot be used."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.writable = True

    @classmethod
    def open(cls, root: Path) -> FactsCache | None:
        """Use ``root``, creating it (with a ``.gitignore``) if it does not exist; never touch a non-folder."""
        if root.exists() and not root.is_dir():
            return None
        cache = cls(root)
        if not root.exists():
            cache._write_file(root / ".gitignore", "# Created by flake8-reviewable; safe to delete.\n*\n")
        return cache

    def _path(self, key: str) -> Path:
        return self.root / _LAYOUT / key[:2] / f"{key}.json"

    def load(self, text: str, kind: object = FileFacts, salt: str = "") -> typing.Any:
        """The cached value (facts by default) for this text, or None when missing, unreadable or not ours."""
        try:
            data = json.loads(self._path(cache_key(text, salt)).read_text(encoding="utf-8"))
            return decode(data, kind)
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def store(self, text: str, value: object, salt: str = "") -> None:
        """Keep a value for this text; silently give up (for the whole run) where the folder is read-only."""
        if self.writable:
            self._write_file(self._path(cache_key(text, salt)), json.dumps(_plain(value)))

    def _write_file(self, path: Path, content: str) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(content)
                os.replace(temporary, path)
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
        except OSError:
            self.writable = False


def _plain(value: object) -> object:
    """JSON-ready form of facts: dataclasses as objects, tuples as lists."""
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def decode(value: object, hint: object) -> typing.Any:
    """Rebuild a value of type ``hint`` (facts dataclasses, tuples, optionals, ints, strings) from JSON,
    raising TypeError or KeyError on anything that does not fit."""
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return hint(**{name: decode(value[name], field_hint) for name, field_hint in _field_hints(hint)})
    if origin in (typing.Union, types.UnionType):
        return _decode_optional(value, typing.get_args(hint))
    if origin is tuple:
        return _decode_tuple(value, typing.get_args(hint))
    if hint in (int, str) and type(value) is hint:
        return value
    raise TypeError(f"{value!r} is not a {hint}")


def _decode_optional(value: object, options: tuple) -> typing.Any:
    if value is None and type(None) in options:
        return None
    return decode(value, next(option for option in options if option is not type(None)))


@lru_cache(maxsize=None)
def _field_hints(cls: type) -> tuple[tuple[str, object], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((field.name, hints[field.name]) for field in dataclasses.fields(cls))


def _decode_tuple(value: object, items: tuple) -> tuple:
    if not isinstance(value, list):
        raise TypeError(f"{value!r} is not a list")
    if len(items) == 2 and items[1] is Ellipsis:
        return tuple(decode(item, items[0]) for item in value)
    if len(items) != len(value):
        raise TypeError(f"{value!r} does not have {len(items)} items")
    return tuple(decode(item, hint) for item, hint in zip(value, items))
