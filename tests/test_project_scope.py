"""The project is the whole project, whatever paths a run names: the same copies of a file are found by a
full run, a run naming the file, pre-commit's list of staged files and an editor buffer (real flake8, on
a real tree: flake8's own source with a block copied into several of its modules)."""
from __future__ import annotations

import shutil
from pathlib import Path

import flake8 as flake8_package
import pytest

from conftest import Flake8Run, commit_all

COPY = """

def _copied_total(items):
    result = 0
    for item in items:
        if item.paid:
            result += item.price
    log(result)
    audit(result)
    return result
"""
TARGETS = ("flake8/utils.py", "flake8/style_guide.py", "flake8/checker.py", "flake8/main/application.py")


@pytest.fixture
def tree(flake8: Flake8Run) -> Flake8Run:
    """flake8's source in a git repository, the same block appended to four of its modules."""
    shutil.copytree(Path(flake8_package.__file__).parent, flake8.folder / "flake8",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in TARGETS:
        path = flake8.folder / name
        path.write_text(path.read_text() + COPY)
    commit_all(flake8.folder)
    return flake8


def ours(output: list[str], name: str) -> list[str]:
    """The RVW3 findings of one file, its name written as a run naming it writes it."""
    prefix = f"./{name}:"
    return [line[2:] if line.startswith(prefix) else line for line in output
            if line.startswith((prefix, f"{name}:"))]


@pytest.mark.parametrize("cache", [(), ("--no-reviewable-cache",)], ids=["cache", "no-cache"])
def test_every_way_of_naming_a_file_finds_the_same_copies(tree: Flake8Run, cache: tuple[str, ...]) -> None:
    name = TARGETS[0]
    check = ("--select=RVW3", "--reviewable-base=none", *cache)
    full = ours(tree(*check), name)
    assert full == [
        f"{name}:{_copy_line(tree, name)}:5: RVW302 block of 7 statements (>= 6) is duplicated in flake8/checker.py:"
        f"{_copy_line(tree, TARGETS[2])} and 2 more copies: move it where every copy can use it"
    ]
    assert ours(tree(*check, name), name) == full
    assert ours(tree(*check, name, TARGETS[3]), name) == full
    assert ours(tree(*check, "-", f"--stdin-display-name={name}", stdin=(tree.folder / name).read_text()), name) == full


def test_a_run_of_part_of_the_project_reads_the_rest_from_the_stored_index(tree: Flake8Run) -> None:
    name = TARGETS[0]
    check = ("--select=RVW3", "--reviewable-base=none")
    tree(*check, name)
    assert list((tree.folder / ".reviewable_cache").glob("project-6-*.sqlite3"))
    buffer = ("-", f"--stdin-display-name={name}")
    assert "and 2 more copies" in ours(tree(*check, *buffer, stdin=(tree.folder / name).read_text()), name)[0]
    (tree.folder / TARGETS[1]).write_text((tree.folder / TARGETS[1]).read_text().replace(COPY, ""))
    assert "and 1 more copy" in ours(tree(*check, name), name)[0]
    # An editor run after the edit, of another file in place: the store's digest of the files moved too.
    (tree.folder / TARGETS[2]).write_text((tree.folder / TARGETS[2]).read_text().replace(COPY, ""))
    found = ours(tree(*check, *buffer, stdin=(tree.folder / name).read_text()), name)
    assert "in flake8/main/application.py" in found[0]


def _copy_line(tree: Flake8Run, name: str) -> int:
    """The line of the copied block's first statement in ``name``."""
    lines = (tree.folder / name).read_text().splitlines()
    return lines.index("def _copied_total(items):") + 2
