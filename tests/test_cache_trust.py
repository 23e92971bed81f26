"""The cache cannot talk the gate out of a finding: what the author of a change controls is never read.

Another user is simulated by another ``XDG_CACHE_HOME`` (another secret, as another account or machine has);
a folder another user owns is made with ``chown`` where the tests run as root.
"""
from __future__ import annotations

import gc
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flake8.main import cli

from flake8_reviewable import trust
from flake8_reviewable.cache import cache_key
from flake8_reviewable.trust import entry_mac, load_secret
from conftest import commit_all, git

SOURCE = "def load(path):\n" + "".join(f"    step_{n} = path\n" for n in range(45)) + "    return path\n"
FINDING = "a.py:1:1: RVW101 function 'load' is 46 lines long (> 40): split it so it can be reviewed in one sitting"
BLOCK = "def total(items):\n    result = 0\n    for item in items:\n        if item.paid:\n" \
        "            result += item.price\n    log(result)\n    audit(result)\n    return result\n"


def secret_of(home: Path) -> bytes:
    secret = load_secret(home / "flake8-reviewable" / "secret")
    assert secret is not None
    return secret


def entry_of(project: Path, text: str = SOURCE) -> Path:
    key = cache_key(text)
    return project / ".reviewable_cache" / "v3" / key[:2] / f"{key}.json"


def poison(project: Path, home: Path, length: int = 3) -> None:
    """Say the function of SOURCE is ``length`` lines long, signed as the user of ``home`` signs: the
    strongest entry that user can make."""
    entry = entry_of(project)
    data = json.loads(entry.read_bytes().partition(b"\n")[2])
    data[1][0][2] = length  # FileFacts.functions[0].length
    body = json.dumps(data).encode()
    entry.write_bytes(entry_mac(secret_of(home), cache_key(SOURCE), body) + b"\n" + body)


def flake8_as(home: Path, folder: Path, *args: str, stdin: str | None = None) -> list[str]:
    """The real flake8 in a process of its own, as the user whose cache folder is ``home``."""
    result = subprocess.run(
        [sys.executable, "-m", "flake8", *args], cwd=folder, input=stdin, capture_output=True, text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(home)}, timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout.splitlines()


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """flake8 in this process (``-j1``), in ``folder``, as the user whose cache folder is ``home``."""

    def run_flake8(home: Path, folder: Path, *args: str) -> list[str]:
        monkeypatch.setenv("XDG_CACHE_HOME", str(home))
        monkeypatch.chdir(folder)
        capsys.readouterr()
        try:
            cli.main(["-j1", "--select=RVW101", *args])
        finally:
            gc.unfreeze()  # the plugin freezes the collector for a process that ends with the run
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        return out.splitlines()

    return run_flake8


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "a.py").write_text(SOURCE)
    commit_all(folder)
    return folder


def test_edited_entry_committed_with_the_change_is_not_read_by_a_fresh_clone(tmp_path, project, run) -> None:
    author, ci = tmp_path / "author-home", tmp_path / "ci-home"
    assert run(author, project, "a.py") == [FINDING]
    poison(project, author)
    assert run(author, project, "a.py") == []  # the author's own cache believes it
    git(project, "add", "-f", ".reviewable_cache")
    git(project, "commit", "-q", "-m", "cache")
    git(tmp_path, "clone", "-q", str(project), "clone")
    clone = tmp_path / "clone"
    assert entry_of(clone).read_bytes() == entry_of(project).read_bytes()
    uncached = flake8_as(ci, clone, "--select=RVW", "--no-reviewable-cache", ".")
    assert flake8_as(ci, clone, "--select=RVW", ".") == uncached == ["./" + FINDING]
    # Even a runner that somehow held the author's secret does not read a folder git tracks ...
    assert run(author, clone, "a.py") == [FINDING]
    # ... nor writes in it.
    assert git(clone, "status", "--porcelain", "--ignored") == ""


def test_tracked_cache_folder_is_neither_read_nor_written(tmp_path, project, run) -> None:
    home = tmp_path / "home"
    run(home, project, "a.py")
    poison(project, home)  # signed with this very user's secret: only the tracking can refuse it
    assert run(home, project, "a.py") == []
    assert (project / ".reviewable_cache" / ".untracked").exists()  # git said "nothing" for this index
    git(project, "add", "-f", ".reviewable_cache/.gitignore")
    before = {path: path.stat().st_mtime_ns for path in (project / ".reviewable_cache").rglob("*")}
    (project / "b.py").write_text(SOURCE.replace("load", "save"))
    assert run(home, project, "a.py", "b.py") == [FINDING, FINDING.replace("a.py", "b.py").replace("load", "save")]
    assert run(home, project, "--no-reviewable-cache", "a.py") == run(home, project, "a.py") == [FINDING]
    assert {path: path.stat().st_mtime_ns for path in (project / ".reviewable_cache").rglob("*")} == before


def test_git_is_asked_again_only_when_its_index_changed(tmp_path, project, run, monkeypatch) -> None:
    home = tmp_path / "home"
    run(home, project, "a.py")
    asked = []
    monkeypatch.setattr(trust, "tracks_anything_in", lambda folder: asked.append(folder) or False)
    for _ in range(2):
        assert run(home, project, "a.py") == [FINDING]
    assert len(asked) == 1  # the first run sealed git's answer; the second read the seal
    (project / "b.py").write_text("x = 1\n")
    git(project, "add", "b.py")
    assert run(home, project, "a.py") == [FINDING] and len(asked) == 2


def test_entry_copied_from_another_users_cache_is_measured_again(tmp_path, run) -> None:
    me, other = tmp_path / "my-home", tmp_path / "other-home"
    theirs, mine = tmp_path / "theirs", tmp_path / "mine"
    for folder in (theirs, mine):
        folder.mkdir()
        (folder / "a.py").write_text(SOURCE)
    run(other, theirs, "a.py")
    poison(theirs, other)
    assert run(other, theirs, "a.py") == []  # their cache believes it
    shutil.copytree(theirs / ".reviewable_cache", mine / ".reviewable_cache")
    assert run(me, mine, "a.py") == run(me, mine, "--no-reviewable-cache", "a.py") == [FINDING]
    body = entry_of(mine).read_bytes().partition(b"\n")[2]
    assert entry_of(mine).read_bytes() == entry_mac(secret_of(me), cache_key(SOURCE), body) + b"\n" + body


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="only root can give a folder to another user (chown)")
def test_cache_folder_another_user_owns_is_not_read(tmp_path, run) -> None:
    home, folder = tmp_path / "home", tmp_path / "shared"
    folder.mkdir()
    (folder / "a.py").write_text(SOURCE)
    run(home, folder, "a.py")
    poison(folder, home)  # signed with our own secret: only the owner can refuse it
    assert run(home, folder, "a.py") == []
    cache = folder / ".reviewable_cache"
    for path in (cache, *cache.rglob("*")):
        os.chown(path, 65534, 65534)  # nobody
    assert run(home, folder, "a.py") == run(home, folder, "--no-reviewable-cache", "a.py") == [FINDING]


def test_secret_is_created_private_on_first_use(tmp_path, run) -> None:
    home = tmp_path / "fresh" / "cache"
    (tmp_path / "a.py").write_text(SOURCE)
    assert run(home, tmp_path, "a.py") == [FINDING]
    secret = home / "flake8-reviewable" / "secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(secret.parent.stat().st_mode) == 0o700
    assert len(bytes.fromhex(secret.read_text())) == 32
    assert [path.name for path in secret.parent.iterdir()] == ["secret"]


def test_processes_creating_the_secret_at_once_agree_on_one(tmp_path, run) -> None:
    home = tmp_path / "home"
    for number in range(4):
        (tmp_path / f"m{number}.py").write_text(SOURCE.replace("load", f"load_{number}"))
    command = [sys.executable, "-m", "flake8", "--select=RVW101", "."]
    environment = {**os.environ, "XDG_CACHE_HOME": str(home)}
    runs = [subprocess.Popen(command, cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(3)]
    outputs = {process.communicate(timeout=120)[0] for process in runs}
    assert len(outputs) == 1 and outputs.pop().count(b" RVW101 ") == 4
    written = {path: path.stat().st_mtime_ns for path in (tmp_path / ".reviewable_cache").rglob("*.json")}
    assert len(run(home, tmp_path, ".")) == 4
    # Every entry verifies under the one secret in place: none is measured and written again.
    assert {path: path.stat().st_mtime_ns for path in (tmp_path / ".reviewable_cache").rglob("*.json")} == written
    assert [path.name for path in (home / "flake8-reviewable").iterdir()] == ["secret"]


@pytest.mark.parametrize("damage", ["", "0123\n", "zz" * 32 + "\n", "readable by others", "a link"])
def test_corrupt_or_exposed_secret_is_replaced_and_its_entries_measured_again(tmp_path, run, damage) -> None:
    home = tmp_path / "home"
    (tmp_path / "a.py").write_text(SOURCE)
    run(home, tmp_path, "a.py")
    poison(tmp_path, home)
    assert run(home, tmp_path, "a.py") == []
    secret = home / "flake8-reviewable" / "secret"
    old = secret.read_text()
    if damage == "readable by others":
        secret.chmod(0o644)
    elif damage == "a link":
        (tmp_path / "known").write_text(old)
        secret.unlink()
        secret.symlink_to(tmp_path / "known")
    else:
        secret.write_text(damage)
    assert run(home, tmp_path, "a.py") == [FINDING]
    assert not secret.is_symlink() and stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(bytes.fromhex(secret.read_text())) == 32 and secret.read_text() != old


@pytest.mark.parametrize("where", ["unwritable", "writable by others"])
def test_without_a_private_secret_the_run_goes_without_a_cache(tmp_path, run, where) -> None:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "a.py").write_text(SOURCE)
    home = Path("/proc/self/no-such-folder")  # mkdir fails there even for root
    if where == "writable by others":
        home = tmp_path / "home"
        (home / "flake8-reviewable").mkdir(parents=True)
        (home / "flake8-reviewable").chmod(0o777)
    assert run(home, tmp_path / "project", "a.py") == [FINDING]
    assert not (tmp_path / "project" / ".reviewable_cache").exists()


def test_secret_that_came_with_a_checkout_turns_the_cache_off(tmp_path, project, run) -> None:
    """``XDG_CACHE_HOME`` inside the project (GitLab caches only paths there): a committed secret is known."""
    folder = project / ".cache" / "flake8-reviewable"
    folder.mkdir(parents=True, mode=0o700)
    (folder / "secret").write_text("ab" * 32 + "\n")
    (folder / "secret").chmod(0o600)
    commit_all(project)
    assert run(project / ".cache", project, "a.py") == [FINDING]
    assert not (project / ".reviewable_cache").exists()
    assert (folder / "secret").read_text() == "ab" * 32 + "\n"


def test_shared_ci_cache_restored_with_its_secret_is_read(tmp_path, project, run) -> None:
    """What docs/ci.md advises: the CI system restores the cache folder and the secret's folder together."""
    first, second = tmp_path / "runner-1", tmp_path / "runner-2"
    git(tmp_path, "clone", "-q", str(project), "clone-1")
    run(first, tmp_path / "clone-1", "a.py")
    git(tmp_path, "clone", "-q", str(project), "clone-2")
    shutil.copytree(tmp_path / "clone-1" / ".reviewable_cache", tmp_path / "clone-2" / ".reviewable_cache")
    shutil.copytree(first / "flake8-reviewable", second / "flake8-reviewable")
    poison(tmp_path / "clone-2", second, 47)  # a length only the restored entry can give: proves it is read
    assert run(second, tmp_path / "clone-2", "a.py") == [FINDING.replace("46", "47")]


def test_editor_store_written_under_another_secret_is_never_opened(tmp_path) -> None:
    me, other = tmp_path / "my-home", tmp_path / "other-home"
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "a.py").write_text(BLOCK)
    check = ("--select=RVW3", "-", "--stdin-display-name=pkg/b.py")
    expected = flake8_as(other, project, *check, stdin=BLOCK.replace("total", "sum_of"))
    assert len(expected) == 1 and "RVW302" in expected[0]
    [store] = (project / ".reviewable_cache").glob("project-6-*.sqlite3")
    with sqlite3.connect(store) as connection:
        connection.execute("DELETE FROM windows")  # a store that hides every copy
    connection.close()
    assert flake8_as(other, project, *check, stdin=BLOCK.replace("total", "sum_of")) == []  # theirs believes it
    assert flake8_as(me, project, *check, stdin=BLOCK.replace("total", "sum_of")) == expected
    assert {path.name for path in (project / ".reviewable_cache").glob("project-6-*.sqlite3")} != {store.name}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="only root can give a file to another user (chown)")
def test_editor_store_another_user_owns_is_never_opened(tmp_path) -> None:
    home, project = tmp_path / "home", tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "a.py").write_text(BLOCK)
    check = ("--select=RVW3", "-", "--stdin-display-name=pkg/b.py")
    expected = flake8_as(home, project, *check, stdin=BLOCK.replace("total", "sum_of"))
    [store] = (project / ".reviewable_cache").glob("project-6-*.sqlite3")
    with sqlite3.connect(store) as connection:
        connection.execute("DELETE FROM windows")  # under our own name: only the owner can refuse it
    connection.close()
    assert flake8_as(home, project, *check, stdin=BLOCK.replace("total", "sum_of")) == []
    os.chown(store, 65534, 65534)
    assert flake8_as(home, project, *check, stdin=BLOCK.replace("total", "sum_of")) == expected
    assert len(expected) == 1 and store.stat().st_uid == 65534
