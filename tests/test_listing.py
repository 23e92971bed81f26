"""The editor's cached folder walk must list exactly what flake8 lists, changes included."""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from flake8.discover_files import expand_paths as flake8_expand_paths

from flake8_reviewable.discovery import expand_paths
from flake8_reviewable.listing import CachedWalk

TREE = ["pkg/a.py", "pkg/sub/b.py", "pkg/sub/deeper/c.py", "docs/notes.txt", "empty/.keep", "build/lib/x.py"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    for name in TREE:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x = 1\n")
    monkeypatch.chdir(root)
    return root


def settle() -> None:
    """Wait until the folders' last change is old enough for the cache to trust them (no program can set
    a folder's change time back, so the test waits for real)."""
    time.sleep(2.1)


def listed(database: Path, top: str = ".", exclude: tuple[str, ...] = ()) -> list[str]:
    """The files the cached walk lists (saving what it read), as discovery lists them for flake8."""
    connection = sqlite3.connect(database)
    walk = CachedWalk.open(connection)
    found = list(expand_paths([top], "stdin", ["*.py"], list(exclude), walk))
    walk.save()
    connection.close()
    return found


def flake8_lists(top: str = ".", exclude: tuple[str, ...] = ()) -> list[str]:
    return list(flake8_expand_paths(paths=[top], stdin_display_name="stdin", filename_patterns=["*.py"],
                                    exclude=list(exclude)))


def list_twice(database: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    """List once to fill the cache, then again; return the second listing."""
    listed(database, exclude=exclude)
    return listed(database, exclude=exclude)


def plant(database: Path, folder: str, extra_file: str, whole_walk: bool = True) -> None:
    """Add a file name to a cached folder's kept files (and to the kept whole walk it is part of): only a walk
    that reads the cache can list it."""
    with sqlite3.connect(database) as connection:
        key = os.fsencode(os.path.abspath(folder))
        (files,) = connection.execute("SELECT files FROM kept_folders WHERE path = ?", (key,)).fetchone()
        files = b"\0".join(filter(None, [files, os.fsencode(extra_file)]))
        connection.execute("UPDATE kept_folders SET files = ? WHERE path = ?", (files, key))
        if whole_walk:
            plant_in_walk(connection, folder, extra_file)


def plant_in_walk(connection: sqlite3.Connection, folder: str, extra_file: str) -> None:
    for top, folders, counts, files in connection.execute("SELECT top, folders, counts, files FROM kept_walks"):
        names = os.fsdecode(folders).split("\0")
        relative = os.path.relpath(os.path.abspath(folder), os.fsdecode(top))
        if relative not in names:
            continue
        sizes = [int(size) for size in counts.split(",")]
        every_file = list(filter(None, os.fsdecode(files).split("\0")))
        position = names.index(relative)
        every_file.insert(sum(sizes[:position + 1]), extra_file)
        sizes[position] += 1
        connection.execute("UPDATE kept_walks SET counts = ?, files = ? WHERE top = ?",
                           (",".join(map(str, sizes)), os.fsencode("\0".join(every_file)), top))


def kept_walks(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM kept_walks").fetchone()[0]


def test_settled_folders_come_from_the_cache_and_every_change_is_seen(project: Path, tmp_path: Path) -> None:
    database = tmp_path / "cache.sqlite3"
    exclude = ("build", str(project / "pkg" / "sub" / "deeper"), "*.txt")
    settle()
    assert list_twice(database, exclude) == flake8_lists(".", exclude) != []
    plant(database, "pkg", "planted.py")
    plant(database, "empty", "planted.py")
    planted = {os.path.join(".", "pkg", "planted.py"), os.path.join(".", "empty", "planted.py")}
    ours = listed(database, exclude=exclude)
    assert [path for path in ours if path not in planted] == flake8_lists(".", exclude) and planted <= set(ours)
    os.chdir("empty")  # an editor may start flake8 from the buffer's folder: rows of another start are not used
    assert listed(database, top="..", exclude=exclude) == flake8_lists("..", exclude)
    os.chdir(project)
    # Another filter is answered from its own reading, never from the rows kept for this one.
    assert listed(database) == flake8_lists(".")
    (project / "pkg" / "new.py").write_text("y = 2\n")
    (project / "pkg" / "sub" / "deeper" / "c.py").rename(project / "pkg" / "sub" / "deeper" / "d.py")
    (project / "docs" / "notes.txt").unlink()
    (project / "docs").rmdir()
    (project / "empty").chmod(0o700)  # only the change time moves: the folder is read again
    (project / "build" / "fresh").mkdir()
    (project / "build" / "fresh" / "e.py").write_text("z = 3\n")
    assert listed(database) == flake8_lists(".")
    list_twice(database)
    plant(database, "pkg", "planted.py")
    with sqlite3.connect(database) as connection:  # rows another user wrote are read again, not trusted
        connection.execute("UPDATE kept_folders SET stamp = 'someone else' || substr(stamp, instr(stamp, '|'))")
    assert listed(database) == flake8_lists(".")


def test_a_kept_walk_answers_only_while_every_folder_keeps_its_stamp(project: Path, tmp_path: Path) -> None:
    database = tmp_path / "cache.sqlite3"
    in_row, in_walk = os.path.join(".", "pkg", "planted.py"), os.path.join(".", "empty", "walk.py")
    settle()
    assert list_twice(database) == flake8_lists(".") and kept_walks(database) == 1
    plant(database, "pkg", "planted.py", whole_walk=False)
    with sqlite3.connect(database) as connection:
        plant_in_walk(connection, "empty", "walk.py")
    ours = listed(database)
    assert in_walk in ours and in_row not in ours  # answered whole, without the folders' rows
    with sqlite3.connect(database) as connection:  # a walk another user kept is not used
        connection.execute("UPDATE kept_walks SET filter = 'someone else' || substr(filter, instr(filter, '|'))")
    ours = listed(database)
    assert in_walk not in ours and in_row in ours  # from the folders' rows
    # One folder changes, deep down: the walk is not answered whole; the other folders come from their rows.
    (project / "pkg" / "sub" / "deeper" / "new.py").write_text("n = 1\n")
    ours = listed(database)
    assert in_row in ours and [path for path in ours if path != in_row] == flake8_lists(".")
    assert kept_walks(database) == 0  # that folder changed too recently for the whole walk to be kept


def test_recently_changed_folders_are_read_again(project: Path, tmp_path: Path) -> None:
    # Just written: a change in the same clock tick as the reading could hide, so the cache is not trusted.
    database = tmp_path / "cache.sqlite3"
    list_twice(database)
    plant(database, "pkg", "planted.py")
    assert listed(database) == flake8_lists(".")


def test_links_are_listed_but_not_entered_and_their_folders_not_kept(project: Path, tmp_path: Path) -> None:
    database = tmp_path / "cache.sqlite3"
    (project / "linked").symlink_to(project / "pkg", target_is_directory=True)
    (project / "pkg" / "link.py").symlink_to(project / "pkg" / "a.py")
    (project / "pkg" / "broken.py").symlink_to(project / "missing.py")
    assert list_twice(database) == flake8_lists(".")
    with sqlite3.connect(database) as connection:
        kept = {os.fsdecode(row[0]) for row in connection.execute("SELECT path FROM kept_folders")}
    assert os.path.abspath("pkg") not in kept and os.path.abspath(os.path.join("pkg", "sub")) in kept
