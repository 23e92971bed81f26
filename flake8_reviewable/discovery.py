"""The files a flake8 run checks, found exactly as ``flake8.discover_files.expand_paths`` finds them.

flake8 matches every file and folder against each ``exclude`` pattern with one ``fnmatch`` call per
pattern, twice (name and absolute path), and the plugin must list the files in the main process before
flake8 does (what that cost is in ``benchmarks/tried.md``). Here each pattern list becomes one
compiled regular expression, and a walked entry's absolute path is built and tried only against the
patterns that could match it where its name does not; the walk, the order and the rules are flake8's.
"""
from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterator, Sequence

# os.walk's signature as used here: top-down, the caller prunes the sub-folder list it is given.
Walk = Callable[[str], Iterator[tuple[str, list[str], list[str]]]]
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


def _filenames_from(arg: str, excluded_arg: Callable[[str], bool], exclusion: _Exclusion, walk: Walk) -> Iterator[str]:
    if excluded_arg(arg):
        return
    if not os.path.isdir(arg):
        yield arg
        return
    absolute_arg = os.path.abspath(arg)
    for root, sub_directories, files in walk(arg):
        # os.walk joins real names onto ``arg``, so joining them onto its absolute form needs no
        # normalisation: abspath for each of a project's files was most of an editor run's listing.
        absolute_root = os.path.join(absolute_arg, root[len(arg):].lstrip(os.sep))
        for directory in tuple(sub_directories):
            if exclusion.excludes_entry(directory, absolute_root):
                sub_directories.remove(directory)
        for filename in files:
            if not exclusion.excludes_entry(filename, absolute_root):
                yield os.path.join(root, filename)


def expand_paths(
    paths: Sequence[str], stdin_display_name: str, filename_patterns: Sequence[str], exclude: Sequence[str],
    walk: Walk = os.walk,
) -> Iterator[str]:
    """The same files, in the same order, as flake8's ``expand_paths`` with the same arguments; ``walk``
    stands in for ``os.walk`` (see ``listing``)."""
    exclusion = _Exclusion(exclude)
    wanted = _matcher(filename_patterns) or (lambda name: True)

    def excluded_arg(arg: str) -> bool:
        if arg == "-":
            if stdin_display_name == "stdin":
                return False
            arg = stdin_display_name
        return exclusion.excludes(arg)

    for path in paths or ["."]:
        for filename in _filenames_from(path, excluded_arg, exclusion, walk):
            if filename == "-" or path == filename or wanted(filename):
                yield filename
