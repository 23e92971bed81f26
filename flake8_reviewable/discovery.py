"""The files a flake8 run checks, found exactly as ``flake8.discover_files.expand_paths`` finds them.

flake8 matches every file and folder against each ``exclude`` pattern with one ``fnmatch`` call per
pattern, twice (name and absolute path): a third of the plugin's warm-run overhead on Django, since the
plugin must list the files in the main process before flake8 does. Here each pattern list becomes one
compiled regular expression; the walk, the order and the rules are flake8's.
"""
from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache


@lru_cache(maxsize=16)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    # fnmatch.fnmatch is fnmatchcase on os.path.normcase'd strings; translate() anchors each pattern.
    expression = re.compile("|".join(f"(?:{fnmatch.translate(os.path.normcase(p))})" for p in patterns))
    return lambda name: expression.match(os.path.normcase(name)) is not None


def _matches_filename(path: str, patterns: tuple[str, ...], absolute: str | None = None) -> bool:
    """flake8's ``utils.matches_filename``: the name, else the absolute path, matches a pattern.
    ``absolute`` is ``os.path.abspath(path)`` when the caller already knows it."""
    if not patterns:
        return False
    matches = _matcher(patterns)
    basename = os.path.basename(path)
    if basename not in {".", ".."} and matches(basename):
        return True
    return matches(absolute or os.path.abspath(path))


def _filenames_from(arg: str, excluded: Callable[[str, str | None], bool]) -> Iterator[str]:
    if excluded(arg, None):
        return
    if not os.path.isdir(arg):
        yield arg
        return
    absolute_arg = os.path.abspath(arg)
    for root, sub_directories, files in os.walk(arg):
        # os.walk joins real names onto ``arg``, so joining them onto its absolute form needs no
        # normalisation: abspath for each of a project's files was most of an editor run's listing.
        absolute_root = os.path.join(absolute_arg, root[len(arg):].lstrip(os.sep))
        for directory in tuple(sub_directories):
            if excluded(os.path.join(root, directory), os.path.join(absolute_root, directory)):
                sub_directories.remove(directory)
        for filename in files:
            joined = os.path.join(root, filename)
            if not excluded(joined, os.path.join(absolute_root, filename)):
                yield joined


def expand_paths(
    paths: Sequence[str], stdin_display_name: str, filename_patterns: Sequence[str], exclude: Sequence[str]
) -> Iterator[str]:
    """The same files, in the same order, as flake8's ``expand_paths`` with the same arguments."""
    exclude = tuple(exclude)
    wanted = _matcher(tuple(filename_patterns)) if filename_patterns else (lambda name: True)

    def excluded(arg: str, absolute: str | None) -> bool:
        if arg == "-":
            if stdin_display_name == "stdin":
                return False
            arg = stdin_display_name
        return _matches_filename(arg, exclude, absolute)

    for path in paths or ["."]:
        for filename in _filenames_from(path, excluded):
            if filename == "-" or path == filename or wanted(filename):
                yield filename
