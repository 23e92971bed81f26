"""Helpers shared by the tests: run the real flake8 executable in a subprocess."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


class Flake8Run:
    """Runs ``python -m flake8`` (the installed executable's code) in a folder and checks it never crashed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(
        self, *args: str, stdin: str | None = None, expect_rc: int | None = None, cwd: str = "."
    ) -> list[str]:
        result = self.raw(*args, stdin=stdin, cwd=cwd)
        assert "Traceback" not in result.stderr, result.stderr
        if expect_rc is not None:
            assert result.returncode == expect_rc, result.stdout + result.stderr
        return result.stdout.splitlines()

    def raw(self, *args: str, stdin: str | None = None, cwd: str = ".") -> subprocess.CompletedProcess[str]:
        """The whole result, for tests about exit codes and error output; ``cwd`` is relative to the folder."""
        return subprocess.run(
            [sys.executable, "-m", "flake8", *args],
            cwd=self.folder / cwd,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def write(self, name: str, text: str) -> Path:
        """Create a file (and its folders) in the run's folder."""
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path


def git(folder: Path, *args: str) -> str:
    """Run git in ``folder`` (with an identity, so commits work on a bare machine); its output."""
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"]
    result = subprocess.run([*command, *args], cwd=folder, capture_output=True, text=True, check=True)
    return result.stdout


def commit_all(folder: Path, message: str = "commit") -> None:
    """Stage everything in ``folder`` and commit it (creating the repository if needed)."""
    if not (folder / ".git").exists():
        git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "--allow-empty", "-m", message)


@pytest.fixture
def flake8(tmp_path: Path) -> Flake8Run:
    """The real flake8, run in an empty temporary folder (so no config of this project leaks in)."""
    return Flake8Run(tmp_path)


@pytest.fixture(autouse=True, scope="session")
def private_secret_folder(tmp_path_factory: pytest.TempPathFactory):
    """Keep the cache's secret (see ``flake8_reviewable.trust``) in a folder of the test session, never in
    the real ``~/.cache``; every flake8 of the session, in process or not, shares it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        yield
