"""Everything that asks git. The only module that starts a subprocess.

git always runs from an argument list (never a shell), with settings that stop a repository's own
configuration from running code (external diff drivers, textconv filters, fsmonitor hooks), with optional
locks off so that reading never rewrites the index, and with paths NUL-separated wherever they are read.
"""
from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_SAFE_CONFIG = (
    "-c", "core.quotepath=off",
    "-c", "core.fsmonitor=false",
    "-c", "diff.external=",
    "-c", "core.hooksPath=/dev/null",
)
_DIFF_FLAGS = ("--no-ext-diff", "--no-textconv", "--no-color")
_ENVIRONMENT_OVERRIDES = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
_ENVIRONMENT_REMOVED = ("GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS", "GIT_PAGER", "PAGER")
LOCK_FILES = frozenset({
    "poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
    "pnpm-lock.yaml", "Cargo.lock", "Gemfile.lock", "composer.lock", "go.sum", "bun.lockb", "flake.lock",
})


class GitUnavailable(Exception):
    """git is not installed, or this is not a git work tree."""


class GitFailed(Exception):
    """git ran and said no; the message is its own first line of complaint."""


def run_git(arguments: Sequence[str], cwd: Path, data: bytes | None = None) -> bytes:
    """git's standard output for ``arguments`` (``data`` on its standard input); GitFailed on a non-zero
    exit, GitUnavailable without git."""
    result = _completed(arguments, cwd, data)
    if result.returncode != 0:
        complaint = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitFailed(complaint[0] if complaint else f"git {arguments[0]} failed")
    return result.stdout


def _completed(arguments: Sequence[str], cwd: Path, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = {key: value for key, value in os.environ.items() if key not in _ENVIRONMENT_REMOVED}
    environment.update(_ENVIRONMENT_OVERRIDES)
    feed = {"input": data} if data is not None else {"stdin": subprocess.DEVNULL}
    try:
        return subprocess.run(
            ["git", *_SAFE_CONFIG, *arguments],
            cwd=cwd,
            env=environment,
            capture_output=True,
            check=False,
            **feed,
        )
    except OSError as error:  # no git executable, or cwd gone
        raise GitUnavailable(str(error)) from None


def project_root(start: Path) -> Path:
    """The top of the git work tree holding ``start`` (a ``.git`` folder or file marks it), else ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def work_tree_top(cwd: Path) -> Path:
    """The work tree's top folder; GitUnavailable outside a work tree (or in a bare repository), GitFailed
    when git refuses to read the repository (say, one owned by another user: "dubious ownership")."""
    try:
        top = run_git(["rev-parse", "--show-toplevel"], cwd).decode("utf-8", "surrogateescape").strip()
    except GitFailed as error:
        if "not a git repository" in str(error) or "must be run in a work tree" in str(error):
            raise GitUnavailable(str(error)) from None
        raise
    if not top:
        raise GitUnavailable("not a work tree")
    return Path(top)


def resolve_commit(ref: str, top: Path) -> str | None:
    """The commit a user-supplied ref names, or None; an option-like ref can never act as an option."""
    try:
        output = run_git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], top)
    except GitFailed:
        return None
    return output.decode().strip() or None


def full_ref_name(ref: str, top: Path) -> str | None:
    """The full name a ref stands for (``origin/HEAD`` -> ``refs/remotes/origin/main``), or None."""
    try:
        output = run_git(["rev-parse", "--symbolic-full-name", "--end-of-options", ref], top)
    except GitFailed:
        return None
    return output.decode("utf-8", "surrogateescape").strip() or None


def merge_base(commit: str, top: Path) -> str | None:
    """The merge base of ``commit`` and HEAD, or None when they share no history (or HEAD has none)."""
    try:
        return run_git(["merge-base", "--end-of-options", commit, "HEAD"], top).decode().strip() or None
    except GitFailed:
        return None


def is_shallow(top: Path) -> bool:
    """Whether the clone is shallow (missing history, the default in hosted CI)."""
    try:
        return run_git(["rev-parse", "--is-shallow-repository"], top).strip() == b"true"
    except GitFailed:
        return False


def auto_base_candidates(environment: Mapping[str, str]) -> list[str]:
    """The refs ``--reviewable-base=auto`` tries, in order."""
    candidates = []
    if environment.get("PRE_COMMIT_FROM_REF"):
        candidates.append(environment["PRE_COMMIT_FROM_REF"])
    if environment.get("GITHUB_BASE_REF"):
        candidates.append(f"origin/{environment['GITHUB_BASE_REF']}")
    if environment.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"):
        branch = environment["CI_MERGE_REQUEST_TARGET_BRANCH_NAME"]
        candidates.extend((f"origin/{branch}", branch))
    candidates.extend(("origin/HEAD", "origin/main", "origin/master", "main", "master"))
    return candidates


@dataclass(frozen=True)
class ChangedFile:
    """One file of the change: paths relative to the work tree's top (``old_path`` differs after a rename)."""

    path: str
    old_path: str
    added: int
    deleted: int
    binary: bool = False


def changed_files(base: str, top: Path) -> list[ChangedFile]:
    """Every file that differs between ``base`` and the work tree, renames followed, untracked files added."""
    output = run_git(["diff", *_DIFF_FLAGS, "-z", "--numstat", "-M", "--end-of-options", base, "--"], top)
    files = _parse_numstat(output.decode("utf-8", "surrogateescape"))
    untracked = run_git(["ls-files", "-z", "--others", "--exclude-standard", "--full-name"], top)
    for name in untracked.decode("utf-8", "surrogateescape").split("\0"):
        if name:
            files.append(_untracked_file(top, name))
    return files


def _parse_numstat(output: str) -> list[ChangedFile]:
    # -z numstat: "ADDED\tDELETED\tPATH\0", or for a rename "ADDED\tDELETED\t\0OLD\0NEW\0"; "-" for binary.
    fields = output.split("\0")
    files = []
    index = 0
    while index < len(fields) and fields[index]:
        added, deleted, path = fields[index].split("\t", 2)
        old_path = path
        if not path:
            old_path, path = fields[index + 1], fields[index + 2]
            index += 2
        binary = added == "-"
        files.append(ChangedFile(path, old_path, 0 if binary else int(added), 0 if binary else int(deleted), binary))
        index += 1
    return files


def _untracked_file(top: Path, name: str) -> ChangedFile:
    try:
        content = (top / name).read_bytes()
    except OSError:  # vanished, or a folder git reports for a nested repository
        content = b""
    binary = b"\0" in content[:8000]
    lines = 0 if binary else content.count(b"\n") + (1 if content and not content.endswith(b"\n") else 0)
    return ChangedFile(name, name, lines, 0, binary)


def generated_paths(paths: Sequence[str], top: Path) -> set[str]:
    """The paths that ``.gitattributes`` marks ``linguist-generated``."""
    if not paths:
        return set()
    generated = set()
    for chunk_start in range(0, len(paths), 500):
        chunk = paths[chunk_start:chunk_start + 500]
        output = run_git(["check-attr", "-z", "linguist-generated", "--", *chunk], top)
        fields = output.decode("utf-8", "surrogateescape").split("\0")
        for path, _attribute, value in zip(fields[0::3], fields[1::3], fields[2::3]):
            if value in ("set", "true"):
                generated.add(path)
    return generated


def text_at(commit: str, path: str, top: Path) -> str | None:
    """The text of ``path`` at ``commit``, or None when it did not exist there."""
    try:
        content = run_git(["cat-file", "blob", f"{commit}:{path}"], top)
    except (GitFailed, GitUnavailable):
        return None
    return content.decode("utf-8", "replace")


def texts_at(commit: str, paths: Sequence[str], top: Path) -> dict[str, str]:
    """The texts of many paths at ``commit`` from one ``git cat-file --batch`` (paths missing there are left
    out): one process for a whole change, where ``text_at`` would start one per file."""
    if not paths:
        return {}
    request = "".join(f"{commit}:{path}\n" for path in paths if "\n" not in path).encode("utf-8", "surrogateescape")
    output = run_git(["cat-file", "--batch"], top, request)
    return dict(_batch_texts(output, [path for path in paths if "\n" not in path]))


def _batch_texts(output: bytes, paths: Sequence[str]):
    """Read ``cat-file --batch`` answers: ``<sha> blob <size>\n<content>\n``, or ``<name> missing\n``."""
    position = 0
    for path in paths:
        end = output.index(b"\n", position)
        header = output[position:end].split()
        position = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            yield path, output[position:position + size].decode("utf-8", "replace")
            position += size + 1


def would_be_untracked(path: str, top: Path) -> bool:
    """Whether a file git does not track at ``path`` would be an untracked file of this work tree: False
    when git ignores it, or when it lies in a submodule (another repository, whose change is its own)."""
    try:
        # check-ignore exits 0 for an ignored path, 1 for one that is not, 128 for a path in a submodule.
        return _completed(["check-ignore", "-q", "--", path], top).returncode == 1
    except GitUnavailable:
        return False


def _read_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:  # vanished, or a folder git reports for a nested repository
        return None


_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", '"': '"', "\\": "\\"}


def _patch_path(field: str, prefix: str = "b/") -> str | None:
    """The path of a ``+++`` (or, with prefix ``a/``, ``---``) header: None for ``/dev/null`` (a deleted or a
    new file), C-quoted names unquoted."""
    field = field.rstrip("\t")  # git ends the header with a tab when the name holds a space
    if field == "/dev/null":
        return None
    if field.startswith('"') and field.endswith('"'):
        field = _unquoted(field[1:-1])
    return field[2:] if field.startswith(prefix) else field


def _unquoted(text: str) -> str:
    out = bytearray()
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and text[index + 1:index + 4].isdigit() and len(text[index + 1:index + 4]) == 3:
            out.append(int(text[index + 1:index + 4], 8))
            index += 4
        elif char == "\\" and index + 1 < len(text):
            out.extend(_ESCAPES.get(text[index + 1], text[index + 1]).encode())
            index += 2
        else:
            out.extend(char.encode("utf-8", "surrogateescape"))
            index += 1
    return out.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class FilePatch:
    """One file's lines in the change: deleted ones by their number at the base, added ones by their number
    now (``old_path`` differs after a rename; a deleted file has ``deleted_file`` set)."""

    path: str
    old_path: str
    deleted: tuple[tuple[int, str], ...]
    added: tuple[tuple[int, str], ...]
    deleted_file: bool = False
    # (first deleted line at the base, how many, first added line now, how many) of each hunk.
    hunks: tuple[tuple[int, int, int, int], ...] = ()


_NUMBERED_HUNK = re.compile(r"^@@ -(?P<old_start>\d+)(?:,(?P<old>\d+))? \+(?P<start>\d+)(?:,(?P<new>\d+))? @@")


def change_patch(base: str, top: Path) -> dict[str, FilePatch]:
    """Every text file's added and deleted lines between ``base`` and the work tree (``git diff -U0``,
    renames followed), keyed by path now (by old path for a deleted file). Untracked files are not in it."""
    output = run_git(["diff", *_DIFF_FLAGS, "-U0", "-M", "--src-prefix=a/", "--dst-prefix=b/",
                      "--end-of-options", base, "--"], top)
    return {patch.path: patch for patch in _PatchReader(output.decode("utf-8", "surrogateescape")).read()}


class _PatchReader:
    """Reads ``git diff -U0`` output: file headers, then hunks whose counts say how many lines follow (so
    a deleted line that starts with ``--`` is never read as a header)."""

    def __init__(self, output: str) -> None:
        self.lines = output.split("\n")
        self.patches: list[FilePatch] = []
        self.old_path: str | None = None
        self.path: str | None = None
        self.deleted: list[tuple[int, str]] = []
        self.added: list[tuple[int, str]] = []
        self.hunks: list[tuple[int, int, int, int]] = []

    def read(self) -> list[FilePatch]:
        index = 0
        while index < len(self.lines):
            index = self._line(index)
        self._flush()
        return self.patches

    def _line(self, index: int) -> int:
        line = self.lines[index]
        hunk = _NUMBERED_HUNK.match(line)
        if hunk:
            return self._hunk(hunk, index + 1)
        if line.startswith("diff --git "):
            self._flush()
        elif line.startswith("--- "):
            self.old_path = _patch_path(line[4:], prefix="a/")
        elif line.startswith("+++ "):
            self.path = _patch_path(line[4:])
        return index + 1

    def _hunk(self, hunk: re.Match, index: int) -> int:
        old_number, new_number = int(hunk["old_start"]), int(hunk["start"])
        old_count, new_count = int(hunk["old"] or 1), int(hunk["new"] or 1)
        self.hunks.append((old_number, old_count, new_number, new_count))
        pending = old_count + new_count
        while pending and index < len(self.lines):
            line = self.lines[index]
            if line.startswith("-"):
                self.deleted.append((old_number, line[1:]))
                old_number += 1
            elif line.startswith("+"):
                self.added.append((new_number, line[1:]))
                new_number += 1
            pending -= line[:1] in ("-", "+")
            index += 1
        return index

    def _flush(self) -> None:
        path = self.path or self.old_path
        if path is not None and (self.added or self.deleted):
            patch = FilePatch(path, self.old_path or path, tuple(self.deleted), tuple(self.added), self.path is None,
                              tuple(self.hunks))
            self.patches.append(patch)
        self.old_path = self.path = None
        self.deleted, self.added, self.hunks = [], [], []


def untracked_patch(path: str, top: Path) -> FilePatch | None:
    """An untracked text file as a patch: every line added (git's diff does not show untracked files)."""
    text = _read_text(top / path)
    if text is None or "\0" in text[:8000]:
        return None
    return FilePatch(path, path, (), tuple(enumerate(text.splitlines(), start=1)))


def attributes(paths: Sequence[str], top: Path) -> dict[str, frozenset[str]]:
    """The ``linguist-generated``, ``-vendored`` and ``-documentation`` attributes ``.gitattributes`` sets on
    each path (only paths with one are keys)."""
    names = ("linguist-generated", "linguist-vendored", "linguist-documentation")
    found: dict[str, set[str]] = {}
    for chunk_start in range(0, len(paths), 500):
        chunk = paths[chunk_start:chunk_start + 500]
        output = run_git(["check-attr", "-z", *names, "--", *chunk], top)
        fields = output.decode("utf-8", "surrogateescape").split("\0")
        for path, attribute, value in zip(fields[0::3], fields[1::3], fields[2::3]):
            if value in ("set", "true"):
                found.setdefault(path, set()).add(attribute)
    return {path: frozenset(values) for path, values in found.items()}


def tracks_anything_in(folder: Path) -> bool:
    """Whether git tracks any file in ``folder`` (of whichever repository holds it, a submodule included):
    a folder that came with a checkout holds what the change's author put there. False without git or
    outside a repository; True when git cannot tell (say, it refuses a repository another user owns)."""
    try:
        result = _completed(["ls-files", "-z", "--", "."], folder)
    except GitUnavailable:
        return False
    if result.returncode == 0:
        return bool(result.stdout)
    return b"not a git repository" not in result.stderr


def index_stamp(folder: Path) -> str | None:
    """The stat of the git index that says what git tracks in ``folder``, "" outside any repository, None
    when it cannot be told without asking git (git's location variables set, an unreadable ``.git``). git
    writes a new index file for every add, commit and checkout, so an unchanged stamp means git would answer
    as it did, without starting it (``trust`` keeps its answer under this stamp)."""
    if any(name in os.environ for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR")):
        return None
    for parent in (folder, *folder.parents):
        try:
            git_dir = _git_dir(parent / ".git")
            if git_dir is None:
                continue
            index = os.stat(git_dir / "index")
        except FileNotFoundError:
            return f"{git_dir}|none"  # a repository that has never staged anything
        except (OSError, ValueError):
            return None
        return f"{git_dir}|{index.st_dev}:{index.st_ino}:{index.st_mtime_ns}:{index.st_size}"
    return ""


def _git_dir(dot_git: Path) -> Path | None:
    """The repository a ``.git`` entry names (a folder, or a file saying ``gitdir: PATH`` in a linked
    worktree or a submodule); None when there is no ``.git`` there."""
    try:
        if dot_git.is_dir():
            return dot_git
        text = dot_git.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    if not text.startswith("gitdir: "):
        raise ValueError(f"{dot_git} names no repository")
    return dot_git.parent / text[len("gitdir: "):].strip()
