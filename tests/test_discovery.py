"""Our file discovery must list exactly what flake8's own lists: same files, same order."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from flake8.discover_files import expand_paths as flake8_expand_paths

from flake8_reviewable.discovery import expand_paths
from flake8_reviewable.project import project_name

TREE = [
    "pkg/a.py", "pkg/b.pyi", "pkg/notes.txt", "pkg/sub/c.py", "pkg/__pycache__/a.cpython-311.pyc",
    "build/lib/x.py", "tests/test_a.py", "tests/data/fixture.py", ".tox/py/lib.py", "x.egg/y.py", "script",
]


@pytest.mark.parametrize(
    ("paths", "patterns", "exclude"),
    [
        ([], ["*.py"], [".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox", ".eggs", "*.egg"]),
        (["."], ["*.py", "*.pyi"], ["build", "tests/data"]),
        (["pkg", "tests", "script"], ["*.py"], ["*/sub/*"]),
        (["pkg/a.py", "-"], ["*.py"], []),
        ([], [], ["*.txt"]),
        # Patterns tried on the name only (a literal, "*" and a literal) and on the whole path (wildcards).
        (["."], ["*.py"], ["*.egg", "lib", "*ub", "d?ta", "*.tox", "[b]uild"]),
        (["pkg", "tests"], ["*.py"], ["a.py", "*ata"]),
        # Absolute excludes (flake8 makes config paths absolute) with odd spellings of the paths.
        (["./pkg/", "tests//", "{here}/build"], ["*.py"], ["{root}/pkg/sub", "{root}/tests/data", "{root}/build/lib"]),
    ],
)
def test_same_files_in_the_same_order_as_flake8(tmp_path: Path, paths, patterns, exclude) -> None:
    for name in TREE:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    paths = [path.replace("{here}", os.path.join("..", tmp_path.name)) for path in paths]
    exclude = [pattern.replace("{root}", str(tmp_path)) for pattern in exclude]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        ours = list(expand_paths(paths, "stdin", patterns, exclude))
        theirs = list(flake8_expand_paths(
            paths=paths, stdin_display_name="stdin", filename_patterns=patterns, exclude=exclude
        ))
    finally:
        os.chdir(cwd)
    assert ours == theirs and ours


@pytest.mark.parametrize("name", [
    "./pkg/a.py", "./a.py", "./.hidden/a.py", "./pkg/./a.py", "./pkg/../a.py", "./pkg//a.py", "./pkg/", "./",
    "pkg/a.py", "pkg/../a.py", "../outside/a.py",
])
def test_a_project_name_is_the_normalised_relative_name(name: str) -> None:
    """The quick path for what a walk from "." names must agree with normpath on every spelling."""
    assert project_name(name) == os.path.normpath(name)


def test_an_absolute_name_inside_the_current_folder_is_named_relative_to_it() -> None:
    assert project_name(os.path.join(os.getcwd(), "pkg", "a.py")) == os.path.join("pkg", "a.py")
