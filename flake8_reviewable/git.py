"""Everything that asks git. The only module that starts a subprocess.

git always runs from an argument list (never a shell), with settings that stop a repository's own
configuration from running code (external diff drivers, textconv filters, fsmonitor hooks), with optional
locks off so that reading never rewrites the index, and with paths NUL-separated wherever they are read.
"""
from __future__ import annotations

import os
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


def run_git(arguments: Sequence[str], cwd: Path) -> bytes:
    """git's standard output for ``arguments``; GitFailed on a non-zero exit, GitUnavailable without git."""
    result = _completed(arguments, cwd)
    if result.returncode != 0:
        complaint = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitFailed(complaint[0] if complaint else f"git {arguments[0]} failed")
    return result.stdout


def _completed(arguments: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    environment = {key: value for key, value in os.environ.items() if key not in _ENVIRONMENT_REMOVED}
    environment.update(_ENVIRONMENT_OVERRIDES)
    try:
        return subprocess.run(
            ["git", *_SAFE_CONFIG, *arguments],
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
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


def would_be_untracked(path: str, top: Path) -> bool:
    """Whether a file git does not track at ``path`` would be an untracked file of this work tree: False
    when git ignores it, or when it lies in a submodule (another repository, whose change is its own)."""
    try:
        # check-ignore exits 0 for an ignored path, 1 for one that is not, 128 for a path in a submodule.
        return _completed(["check-ignore", "-q", "--", path], top).returncode == 1
    except GitUnavailable:
        return False


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
