"""What the cache trusts: only what this user wrote on this machine, never what the author of a change controls.

The cache's keys are hashes of file contents, which anyone can compute, so a key proves nothing about who
wrote an entry. An author could commit a cache folder whose entries say a 46-line function is 3 lines long,
and a fresh clone in CI would believe it. Three rules stop that, each enough alone for that attack:

- a cache folder that git tracks any file of, or that another user owns, is neither read nor written (git's
  "nothing tracked here" is sealed in the folder until the git index changes: see ``_untracked``);
- every entry carries an HMAC-SHA256 of its key and bytes under a secret that never leaves the user's own
  cache folder (``$XDG_CACHE_HOME/flake8-reviewable/secret``, else ``~/.cache/flake8-reviewable/secret``),
  so an entry written anywhere else, by anyone else, fails the check and is measured again;
- the SQLite stores kept beside the entries carry a tag derived from the secret in their names, so a store
  someone else wrote is never opened (and a store file another user owns is refused).

The secret is 32 random bytes, written as 64 hex digits, created on first use with mode 0600 in a folder
made with mode 0700, and put in place with a hard link so that concurrent processes all end up with the one
that got there first. A secret that is not exactly that (short, corrupt, a link, another user's, readable
by others) is replaced by a new one, which costs one cold run; where no private secret can be had (the
folder cannot be written, or another user owns it, or others may write it) the run goes without a cache.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import stat
import tempfile
from pathlib import Path

from flake8_reviewable.git import index_stamp, tracks_anything_in

_SECRET_HEX_DIGITS = 64
UNTRACKED_STAMP = ".untracked"
_POSIX = hasattr(os, "geteuid")


def secret_path() -> Path | None:
    """Where this user's secret lives, outside any work tree; None when the user has no home folder."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG specification ignores a relative value
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            return None
    return Path(base) / "flake8-reviewable" / "secret"


def load_secret(path: Path | None = None) -> bytes | None:
    """This user's secret, created (or replaced) as needed; None when no private secret can be had."""
    path = path or secret_path()
    if path is None:
        return None
    try:
        if not _private_folder(path.parent):
            return None
        secret = _read_secret(path)
        if secret is None:
            secret = _create_secret(path)
    except OSError:
        return None
    return secret


def _is_ours(status: os.stat_result) -> bool:
    return not _POSIX or status.st_uid == os.geteuid()


def _others_may(status: os.stat_result, access: int) -> bool:
    """Whether the group or others have ``access`` (bits of 0o077) to a file; on Windows, where modes say
    nothing of that, the user's profile folder (``~/.cache``) keeps the secret private."""
    return _POSIX and bool(status.st_mode & access)


def _private_folder(folder: Path) -> bool:
    """Create the secret's folder (0700) if needed; whether it is ours, nobody else may write in it, and
    it did not come with a checkout (``$XDG_CACHE_HOME`` inside a project, as GitLab's caches require)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = folder.stat()
    if not (stat.S_ISDIR(status.st_mode) and _is_ours(status)) or _others_may(status, 0o022):
        return False
    return not (_in_work_tree(folder) and tracks_anything_in(folder))


def _in_work_tree(folder: Path) -> bool:
    """Whether a ``.git`` marks any folder above: a few stats, where asking git starts a process."""
    return any(os.path.lexists(parent / ".git") for parent in (folder, *folder.parents))


def _read_secret(path: Path) -> bytes | None:
    """The secret in ``path`` if it is a private regular file of ours holding exactly 64 hex digits."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:  # missing, a link (O_NOFOLLOW), or unreadable: replace it
        return None
    with os.fdopen(handle, "rb") as stream:
        status = os.fstat(stream.fileno())
        content = stream.read(_SECRET_HEX_DIGITS + 2)
    private = stat.S_ISREG(status.st_mode) and _is_ours(status) and not _others_may(status, 0o077)
    digits = content.strip()
    if not private or len(digits) != _SECRET_HEX_DIGITS:
        return None
    try:
        return bytes.fromhex(digits.decode("ascii"))
    except ValueError:
        return None


def _create_secret(path: Path) -> bytes | None:
    """Write a new secret beside ``path`` (mkstemp makes it 0600) and put it in place; the secret in place
    afterwards is the one to use, whoever wrote it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-secret-")
    try:
        with os.fdopen(handle, "w", encoding="ascii") as stream:
            stream.write(os.urandom(_SECRET_HEX_DIGITS // 2).hex() + "\n")
        try:
            os.link(temporary, path)  # fails if another process got there first: theirs is used
        except OSError:
            if _read_secret(path) is None:  # a corrupt or foreign one (or no hard links here): replace it
                os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return _read_secret(path)


def entry_mac(secret: bytes, key: str, body: bytes) -> bytes:
    """The authentication code of one cache entry: its key and bytes under the secret (64 hex digits)."""
    return hmac.digest(secret, key.encode("ascii") + body, "sha256").hex().encode("ascii")


def store_tag(secret: bytes) -> str:
    """The part of a SQLite store's name that only the secret's holder can compute."""
    return hmac.new(secret, b"flake8-reviewable store", hashlib.sha256).hexdigest()[:20]


def trusted_folder(root: Path, secret: bytes) -> bool:
    """Whether the cache folder ``root`` may be used: it does not exist yet, or it is a folder this user
    owns in which git tracks nothing."""
    try:
        status = root.stat()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return stat.S_ISDIR(status.st_mode) and _is_ours(status) and _untracked(root, status, secret)


def _untracked(root: Path, status: os.stat_result, secret: bytes) -> bool:
    """Whether git tracks nothing in ``root``. Asking git starts a process (5 ms, a tenth of an editor run),
    so its "nothing" is kept in ``root/.untracked``, sealed with the secret over the folder and the stat of
    the git index it came from: git writes a new index file for every add, commit and checkout, and a stamp
    the author of a change commits cannot carry this user's seal."""
    real = os.path.realpath(root)
    index = index_stamp(Path(real))
    if index == "":
        return True  # no repository above: nothing can be tracked
    seal = None if index is None else entry_mac(secret, "folder", f"{real}\0{status.st_ino}\0{index}".encode())
    stamp = root / UNTRACKED_STAMP
    if seal is not None and _read_small(stamp) == seal:
        return True
    if tracks_anything_in(root):
        return False
    if seal is not None:
        try:
            stamp.write_bytes(seal)
        except OSError:  # a read-only cache: git is asked again next time
            pass
    return True


def _read_small(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as stream:
            return stream.read(100)
    except OSError:
        return None


def owned_by_someone_else(path: Path) -> bool:
    """Whether ``path`` exists and another user owns it (a store must be this user's to be opened)."""
    try:
        return not _is_ours(path.lstat())
    except FileNotFoundError:
        return False
