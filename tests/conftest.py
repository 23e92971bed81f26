"""Helpers shared by the tests: run flake8 in this process through its API, or the real executable in a
subprocess for what only a real process shows (stdin, ``-j`` workers, exit status, the environment)."""
from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from flake8.main import cli

# What ``--reviewable-base=auto`` reads from the environment: a test run inside CI or a pre-commit hook
# must not measure against its own pull request's target.
BASE_VARIABLES = ("PRE_COMMIT_FROM_REF", "GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME")


class Runner:
    """A temporary folder to run flake8 in, and the checks every run gets."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def write(self, name: str, text: str) -> Path:
        """Create a file (and its folders) in the run's folder."""
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    @staticmethod
    def checked(result: subprocess.CompletedProcess[str], expect_rc: int | None) -> list[str]:
        """The output lines of a run that never crashed (and ended with ``expect_rc`` when one is given)."""
        assert "Traceback" not in result.stderr, result.stderr
        if expect_rc is not None:
            assert result.returncode == expect_rc, result.stdout + result.stderr
        return result.stdout.splitlines()


# A function nested six levels deep (RVW201 at the defaults), for the tests that need one finding.
DEEP = """\
def deep(rows):
    for row in rows:
        if row:
            while row:
                with open(row) as handle:
                    if handle:
                        return handle
"""


class Flake8Run(Runner):
    """Runs ``python -m flake8`` (the installed executable's code) in a folder and checks it never crashed."""

    def __call__(
        self, *args: str, stdin: str | None = None, expect_rc: int | None = None, cwd: str = "."
    ) -> list[str]:
        return self.checked(self.raw(*args, stdin=stdin, cwd=cwd), expect_rc)

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


class Flake8Api(Runner):
    """Runs ``flake8.main.cli.main`` in this process, in the folder, with ``-j1`` (a pool would fork pytest).

    The call shape of :class:`Flake8Run` without ``stdin``: flake8 keeps the first buffer it reads for the
    life of the process (``flake8.utils.stdin_get_value``), so editor runs go through the subprocess runner."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        super().__init__(folder)
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        for name in BASE_VARIABLES:
            monkeypatch.delenv(name, raising=False)

    def __call__(self, *args: str, expect_rc: int | None = None, cwd: str = ".") -> list[str]:
        return self.checked(self.raw(*args, cwd=cwd), expect_rc)

    def raw(self, *args: str, cwd: str = ".") -> subprocess.CompletedProcess[str]:
        """The whole result as the subprocess runner gives it: return code, output and error output; ``cwd`` is
        relative to the folder, or absolute."""
        assert "-" not in args, "stdin is read once per process: use the flake8 fixture"
        jobs = [arg for arg in args if arg.startswith(("-j", "--jobs"))]
        assert jobs in ([], ["-j1"]), "-j workers need a real process: use the flake8 fixture"
        self.monkeypatch.chdir(self.folder / cwd)  # undone when the test ends
        self.capsys.readouterr()
        try:
            code = cli.main([*args] if jobs else ["-j1", *args])
        except SystemExit as stop:  # argparse's errors, --version: what the process would exit with
            code = 0 if stop.code is None else stop.code if isinstance(stop.code, int) else 1
        finally:
            # The plugin freezes the collector's view of the run, right for a process that ends with it; let
            # this long-lived process collect each run's leftovers.
            gc.unfreeze()
        out, err = self.capsys.readouterr()
        return subprocess.CompletedProcess(["flake8", *args], code, out, err)


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


@pytest.fixture
def flake8_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Flake8Api:
    """flake8 through its API, in this process, in an empty temporary folder: the same findings as the
    ``flake8`` fixture without starting Python and flake8 again for every run."""
    return Flake8Api(tmp_path, monkeypatch, capsys)


@pytest.fixture(autouse=True, scope="session")
def private_secret_folder(tmp_path_factory: pytest.TempPathFactory):
    """Keep the cache's secret (see ``flake8_reviewable.trust``) in a folder of the test session, never in
    the real ``~/.cache``; every flake8 of the session, in process or not, shares it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        yield
