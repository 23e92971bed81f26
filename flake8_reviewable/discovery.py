"""The files a flake8 run checks, found exactly as ``flake8.discover_files.expand_paths`` finds them.

flake8 matches every file and folder against each ``exclude`` pattern with one ``fnmatch`` call per
pattern, twice (name and absolute path), and the plugin must list the files in the main process before
flake8 does (what that cost is in ``benchmarks/tried.md``). Here each pattern list becomes one
compiled regular expression, and a walked entry's absolute path is built and tried only against the
patterns that could match it where its name does not; the walk, the order and the rules are flake8's.
"""
from __future__ import annotations

import fnmatch
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Sequence

_WILDCARDS = frozenset("*?[")
_SEPARATORS = frozenset(filter(None, (os.sep, os.altsep)))


def _matcher(patterns: Sequence[str]) -> Callable[[str], bool] | None:
    """One matcher for the patterns (None when there are none). fnmatch.fnmatch is fnmatchcase on
    os.path.normcase'd strings; translate() anchors each pattern."""
    if not patterns:
        return None
    expression = re.compile("|".join(f"(?:{fnmatch.translate(os.path.normcase(p))})" for p in patterns))
    return lambda name: expression.match(os.path.normcase(name)) is not None


def _may_match_more_than_the_name(pattern: str) -> bool:
    """Whether ``pattern`` can match the absolute path of a walked entry without matching its name.

    A pattern with no wildcard and no separator never matches a path holding a separator; ``*`` followed
    by such a pattern matches a path exactly when it matches the path's last part (flake8's defaults,
    ``.git`` or ``*.egg``, are all of these kinds)."""
    rest = os.path.normcase(pattern)
    rest = rest[1:] if rest.startswith("*") else rest
    return not rest or not (_WILDCARDS | _SEPARATORS).isdisjoint(rest)


class _Exclusion:
    """flake8's ``utils.matches_filename`` for one ``exclude`` list: the name, else the absolute path,
    matches a pattern."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.by_name = _matcher(patterns)
        self.by_walked_path = _matcher([pattern for pattern in patterns if _may_match_more_than_the_name(pattern)])

    def excludes(self, path: str) -> bool:
        """For a path as given on the command line."""
        if self.by_name is None:
            return False
        basename = os.path.basename(path)
        if basename not in {".", ".."} and self.by_name(basename):
            return True
        return self.by_name(os.path.abspath(path))

    def excludes_entry(self, name: str, absolute_folder: str) -> bool:
        """For a real name found in a folder while walking (its absolute path is the two joined)."""
        if self.by_name is None:
            return False
        if name not in {".", ".."} and self.by_name(name):
            return True
        return self.by_walked_path is not None and self.by_walked_path(os.path.join(absolute_folder, name))


class FolderFilter:
    """Which entries of a walked folder a run keeps: the sub-folders ``exclude`` leaves to enter, and the
    files it leaves that the ``filename`` patterns want. Its ``key`` names everything the answer depends
    on, so a walk that keeps folders between runs (``listing``) knows when a kept answer is this filter's."""

    def __init__(self, top: str, exclusion: _Exclusion, filename_patterns: Sequence[str], key: str) -> None:
        self.exclusion = exclusion
        self.wanted = _matcher(filename_patterns) or (lambda name: True)
        # The patterns, and where the walk starts (relative names are matched too) as seen from here.
        named = "\0".join([key, top, os.path.abspath(top)])
        self.key = hashlib.blake2b(os.fsencode(named), digest_size=16).hexdigest()

    def __call__(self, folder: str, absolute_folder: str, sub_folders: list[str],
                 files: list[str]) -> tuple[list[str], list[str]]:
        excluded = self.exclusion.excludes_entry
        kept_folders = [name for name in sub_folders if not excluded(name, absolute_folder)]
        kept_files = [name for name in files
                      if not excluded(name, absolute_folder) and self.wanted(os.path.join(folder, name))]
        return kept_folders, kept_files


# A walk as discovery uses it: top-down from ``top``, entering and listing only what the filter keeps,
# yielding each folder's name (``top`` joined with real names) and its kept files.
Walk = Callable[[str, FolderFilter], Iterator[tuple[str, list[str]]]]


def walk_filtered(top: str, keep: FolderFilter) -> Iterator[tuple[str, list[str]]]:
    """``os.walk`` with the filter applied to each folder."""
    absolute_top = os.path.abspath(top)
    for folder, sub_folders, files in os.walk(top):
        # os.walk joins real names onto ``top``, so joining them onto its absolute form needs no
        # normalisation: abspath for each of a project's files was most of an editor run's listing.
        absolute_folder = os.path.join(absolute_top, folder[len(top):].lstrip(os.sep))
        sub_folders[:], kept_files = keep(folder, absolute_folder, sub_folders, files)
        yield folder, kept_files


def expand_paths(
    paths: Sequence[str], stdin_display_name: str, filename_patterns: Sequence[str], exclude: Sequence[str],
    walk: Walk = walk_filtered,
) -> Iterator[str]:
    """The same files, in the same order, as flake8's ``expand_paths`` with the same arguments; ``walk``
    may keep folders between runs (see ``listing``)."""
    exclusion = _Exclusion(exclude)
    key = "\0".join([*exclude, "\1", *filename_patterns])
    for path in paths or ["."]:
        if not _excluded_argument(path, stdin_display_name, exclusion):
            yield from _filenames_from(path, FolderFilter(path, exclusion, filename_patterns, key), walk)


def _excluded_argument(path: str, stdin_display_name: str, exclusion: _Exclusion) -> bool:
    """A path named on the command line is excluded by its name (stdin by the name it stands for)."""
    if path == "-":
        if stdin_display_name == "stdin":
            return False
        path = stdin_display_name
    return exclusion.excludes(path)


def _filenames_from(path: str, keep: FolderFilter, walk: Walk) -> Iterator[str]:
    if not os.path.isdir(path):
        yield path  # named on the command line: checked whatever its name
        return
    for folder, files in walk(path, keep):
        if files:  # most folders of a project hold no Python file (Django's translations)
            prefix = folder_prefix(folder)
            yield from (prefix + name for name in files)


def folder_prefix(folder: str) -> str:
    """What joins a plain name (one real part) onto ``folder`` as ``os.path.join`` would, without its
    cost once per folder of the project."""
    return folder if not folder or folder.endswith(os.sep) else folder + os.sep
