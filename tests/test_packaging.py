"""A team installs what `python -m build` makes, names this repository in pre-commit, and formats for CI.

Each test starts fresh virtual environments and installs from the package registry, as a user would; they
build what HEAD holds (a clone of it), so commit before running them. They are `slow` (about a minute each).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from conftest import DEEP

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SHALLOW = """\
def shallow(rows):
    return [row for row in rows if row]
"""
# The formatter packages and flags docs/ci.md tells CI to use.
FORMATTERS = ("flake8-github-annotations", "flake8-sarif", "flake8-gl-codeclimate")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}


def _run(
    args: list[str | Path], cwd: Path, check: bool = True, **env_vars: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **env_vars}
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run([str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=600, check=False)
    assert not check or result.returncode == 0, result.stdout + result.stderr
    return result


def _venv(path: Path, *packages: str | Path) -> Path:
    """A new virtual environment at ``path`` with ``packages`` installed; returns its bin folder."""
    _run([sys.executable, "-m", "venv", path], cwd=path.parent)
    _run([path / "bin" / "python", "-m", "pip", "install", "--quiet", *packages], cwd=path.parent)
    return path / "bin"


def _project(path: Path, text: str = DEEP) -> Path:
    """A folder outside any git repository holding one Python file, ``sample.py``."""
    path.mkdir()
    (path / "sample.py").write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def head_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    clone = tmp_path_factory.mktemp("head") / "flake8-reviewable"
    _run(["git", "clone", "--quiet", ROOT, clone], cwd=clone.parent)
    return clone


@pytest.fixture(scope="module")
def dist(head_clone: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel `python -m build` makes from HEAD."""
    out = tmp_path_factory.mktemp("dist")
    builder = _venv(out / "builder", "build")
    _run([builder / "python", "-m", "build", "--outdir", out / "dist", head_clone], cwd=out)
    (sdist,), (wheel,) = (out / "dist").glob("*.tar.gz"), (out / "dist").glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_built_package_installs_and_reports(dist: dict[str, Path], tmp_path: Path, kind: str) -> None:
    bin_dir = _venv(tmp_path / "venv", dist[kind])
    project = _project(tmp_path / "project")
    assert "flake8-reviewable" in _run([bin_dir / "flake8", "--version"], cwd=project).stdout
    result = _run([bin_dir / "flake8", "sample.py"], cwd=project, check=False)
    assert result.returncode == 1 and " RVW201 function 'deep' is nested 5 levels deep" in result.stdout, result


def test_sdist_ships_the_license(dist: dict[str, Path]) -> None:
    with tarfile.open(dist["sdist"]) as sdist:
        names = {Path(name).name for name in sdist.getnames()}
    assert {"LICENSE", "README.md", "setup.cfg"} <= names


def test_pre_commit_try_repo_runs_the_hook(head_clone: Path, tmp_path: Path) -> None:
    """`repo:` can name this repository: pre-commit installs it and runs the hook on the staged files."""
    bin_dir = _venv(tmp_path / "venv", "pre-commit")
    repo = _project(tmp_path / "user-repo")
    (repo / "clean.py").write_text(SHALLOW, encoding="utf-8")
    # The issue's case: a function too long to review blocks the commit.
    long = "def load(path):\n" + "".join(f"    step_{n} = path.get({n})\n" for n in range(45)) + "    return path\n"
    (repo / "long.py").write_text(long, encoding="utf-8")
    _run(["git", "init", "--quiet"], cwd=repo)
    _run(["git", "add", "sample.py", "clean.py", "long.py"], cwd=repo)
    try_repo = [bin_dir / "pre-commit", "try-repo", head_clone, "flake8-reviewable", "--files"]
    cache = {"PRE_COMMIT_HOME": str(tmp_path / "cache")}
    failing = _run([*try_repo, "sample.py"], cwd=repo, check=False, **cache)
    assert failing.returncode == 1 and "sample.py:6:21: RVW201" in failing.stdout, failing
    too_long = _run([*try_repo, "long.py"], cwd=repo, check=False, **cache)
    assert too_long.returncode == 1 and "long.py:1:1: RVW101 function 'load' is 46 lines long" in too_long.stdout
    passing = _run([*try_repo, "clean.py"], cwd=repo, check=False, **cache)
    assert passing.returncode == 0 and "Passed" in passing.stdout, passing


def test_documented_ci_formatters_carry_rvw_findings(dist: dict[str, Path], tmp_path: Path) -> None:
    ci_page = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert all(package in ci_page for package in FORMATTERS)
    bin_dir = _venv(tmp_path / "venv", dist["wheel"], *FORMATTERS)
    project = _project(tmp_path / "project")
    flake8 = [bin_dir / "flake8", "--exit-zero"]

    github = _run([*flake8, "--format=github"], cwd=project).stdout
    assert "::error file=sample.py,line=6,col=21,title=RVW201::function 'deep' is nested 5" in github

    sarif = _run([*flake8, "--format=sarif"], cwd=project).stdout  # --output-file leaves an empty file
    (result,) = json.loads(sarif)["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert result["ruleId"] == "RVW201" and location["artifactLocation"]["uri"] == "sample.py"
    assert location["region"]["startLine"] == 6

    _run([*flake8, "--format=gl-codeclimate", "--output-file=code-quality.json"], cwd=project)
    (issue,) = json.loads((project / "code-quality.json").read_text(encoding="utf-8"))
    assert issue["description"].endswith("[RVW201]") and issue["location"] == {
        "path": "sample.py", "lines": {"begin": 6, "end": 6}}
    for command in ("--format=github", "--format=sarif --exit-zero", "> flake8.sarif",
                    "--format=gl-codeclimate --output-file=code-quality.json"):
        assert command in ci_page, command
