"""Content-addressed, per-file facts on disk, shared safely by concurrent flake8 workers.

An entry is keyed by the file's text and everything else that could change its facts (this plugin's own
code, the Python and radon versions), so it can never be stale, only missing. Entries are JSON
(never pickle: a cache folder committed by someone else must not run code), written to a temporary file
and renamed into place, so a reader sees a whole entry or none. Each entry starts with an HMAC of its key
and bytes under this user's secret, so an entry this user did not write here is a miss (see ``trust``), and
a folder git tracks anything in, or another user owns, is not used at all. Anything unreadable is a miss;
anything unwritable turns the cache off for the run. Nothing outside the cache folder is ever written, but
the secret (created once, outside every work tree).
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
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
from flake8_reviewable.trust import entry_mac, load_secret, trusted_folder

CACHE_DIR_NAME = ".reviewable_cache"
_LAYOUT = "v3"  # v3: each entry is "<HMAC>\n<JSON>"
# An entry that is a link (to /dev/zero, say) is not followed.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)


@lru_cache(maxsize=1)
def _environment_fingerprint() -> bytes:
    """What besides the file's text decides its facts: our code, the Python and radon's versions."""
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    digest.update(f"radon={_radon_version()}".encode())
    for source in _our_sources():
        with open(source, "rb") as stream:
            digest.update(stream.read())
    return digest.digest()


def _our_sources() -> list[str]:
    """Every Python file of this package, in a fixed order: read on every run, so listed with ``os.walk``
    (pathlib's ``rglob`` and ``read_bytes`` were twice the cost, about 1.5 ms of an editor run)."""
    found = []
    for folder, sub_folders, names in os.walk(os.path.dirname(os.path.abspath(__file__))):
        sub_folders[:] = sorted(name for name in sub_folders if name != "__pycache__")
        found.extend(os.path.join(folder, name) for name in sorted(names) if name.endswith(".py"))
    return found


def _radon_version() -> str:
    """radon's version: from the package itself, which the metric pass has imported anyway (asking the
    installed distributions' metadata costs an editor run 2 ms)."""
    import radon

    found = getattr(radon, "__version__", None)
    if isinstance(found, str):
        return found
    try:
        return version("radon")
    except PackageNotFoundError:  # run from a source tree without metadata: the code hash still applies
        return ""


def code_version() -> str:
    """A short name for everything besides a file's text that decides its facts: stores kept outside the
    content-addressed entries (the editor's SQLite store) carry it in their name."""
    return _environment_fingerprint().hex()[:16]


def cache_key(text: str, salt: str = "") -> str:
    """The entry name for a file whose text is ``text``; ``salt`` names what is stored and the options it
    depends on (say, the duplicate block size), so that different kinds of entry never collide."""
    digest = hashlib.sha256(_environment_fingerprint())
    digest.update(salt.encode() + b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class FactsCache:
    """Per-file facts under one folder; ``None`` from ``open`` when the folder cannot be used."""

    def __init__(self, root: Path, secret: bytes | None = None) -> None:
        self.root = root
        self.secret = secret if secret is not None else load_secret()
        self.writable = self.secret is not None

    @classmethod
    def open(cls, root: Path, secret: bytes | None = None) -> FactsCache | None:
        """Use ``root``, creating it (with a ``.gitignore``) if it does not exist; never touch a non-folder,
        a folder git tracks anything in or another user owns, nor any folder without a secret to sign with."""
        cache = cls(root, secret)
        if cache.secret is None or not trusted_folder(root, cache.secret):
            return None
        if not root.exists():
            cache._write_file(root / ".gitignore", b"# Created by flake8-reviewable; safe to delete.\n*\n")
        return cache

    def _path(self, key: str) -> Path:
        return self.root / _LAYOUT / key[:2] / f"{key}.json"

    def load(self, text: str, kind: object = FileFacts, salt: str = "") -> typing.Any:
        """The cached value (facts by default) for this text, or None when missing, unreadable or not
        written by this user here (its HMAC does not match)."""
        if self.secret is None:
            return None
        key = cache_key(text, salt)
        try:
            handle = os.open(self._path(key), _READ_FLAGS)
            with os.fdopen(handle, "rb") as stream:
                mac, _, body = stream.read().partition(b"\n")
            if not hmac.compare_digest(mac, entry_mac(self.secret, key, body)):
                return None
            return decode(json.loads(body), kind)
        except (OSError, ValueError, TypeError):
            return None

    def store(self, text: str, value: object, salt: str = "") -> None:
        """Keep a value for this text; silently give up (for the whole run) where the folder is read-only."""
        if self.writable:
            key = cache_key(text, salt)
            body = json.dumps(_plain(value)).encode("utf-8")
            self._write_file(self._path(key), entry_mac(self.secret, key, body) + b"\n" + body)

    def _write_file(self, path: Path, content: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(content)
                os.replace(temporary, path)
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
        except OSError:
            self.writable = False


def _plain(value: object) -> object:
    """JSON-ready form of facts: a dataclass as the list of its fields' values (in field order), a tuple as
    a list. Positional, so entries stay small and decode fast."""
    kind = type(value)
    if kind is tuple:
        return [_plain(item) for item in value]
    names = _field_names(kind)
    if names is None:
        return value
    return [_plain(getattr(value, name)) for name in names]


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass, None for any other type (looked up once per type: a cold run
    encodes every value of every file's facts)."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(field.name for field in dataclasses.fields(cls))


def decode(value: object, hint: object) -> typing.Any:
    """Rebuild a value of type ``hint`` (facts dataclasses, tuples, optionals, ints, strings) from JSON,
    raising TypeError on anything that does not fit."""
    return _decoder(hint)(value)


@lru_cache(maxsize=None)
def _decoder(hint: object) -> typing.Callable[[object], typing.Any]:
    """A function that decodes JSON for ``hint``, built once per type: a warm run decodes the facts of
    every file, and inspecting type hints for each value cost most of its time. The shape (lists and their
    lengths) is checked; scalars are taken as they are, since an entry whose MAC matches was written by this
    code for this key (the checks were about a third of a warm run's decoding)."""
    if dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = _decoder(next(option for option in typing.get_args(hint) if option is not type(None)))
        return _as_is if inner is _as_is else (lambda value: None if value is None else inner(value))
    if origin is tuple:
        return _tuple_decoder(typing.get_args(hint))
    if hint in (int, str):
        return _as_is
    raise TypeError(f"cannot decode {hint}")


def _as_is(value: object) -> object:
    return value


def _dataclass_decoder(cls: type) -> typing.Callable[[object], typing.Any]:
    hints = typing.get_type_hints(cls)
    fields = tuple(_decoder(hints[name]) for name in _field_names(cls))
    count = len(fields)
    # Only the fields that are not taken as they are: most of a facts entry is ints and strings.
    decoded = tuple((index, field) for index, field in enumerate(fields) if field is not _as_is)

    def decode_dataclass(value: object) -> typing.Any:
        if type(value) is not list or len(value) != count:
            raise TypeError(f"{cls.__name__} expects {count} values")
        for index, field in decoded:
            value[index] = field(value[index])  # the list is json's, made for this call
        return cls(*value)

    return decode_dataclass


def _tuple_decoder(items: tuple) -> typing.Callable[[object], tuple]:
    if len(items) == 2 and items[1] is Ellipsis:
        item = _decoder(items[0])
        if item is _as_is:
            return lambda value: tuple(_as_list(value))
        return lambda value: tuple(map(item, _as_list(value)))
    decoders = tuple(_decoder(hint) for hint in items)

    def decode_fixed(value: object) -> tuple:
        values = _as_list(value)
        if len(values) != len(decoders):
            raise TypeError(f"expected {len(decoders)} items")
        return tuple(decoder(entry) for decoder, entry in zip(decoders, values))

    return decode_fixed


def _as_list(value: object) -> list:
    if type(value) is not list:
        raise TypeError(f"{value!r} is not a list")
    return value
