"""What the benchmark needs before it times anything: the pinned corpus and three virtual environments.

- ``bare``: flake8 alone, at the version the ``plugin`` environment resolved, so the two differ only by this
  plugin and what it pulls in (radon).
- ``plugin``: flake8 and this repository, installed as a user would (not editable) from a copy of its sources,
  so the repository's own ``*.egg-info`` and ``build/`` are never touched.
- ``peers``: pylint, radon and complexipy. Kept apart because flake8 loads every ``flake8.extension`` entry
  point installed next to it: radon registers one (``R70``), so radon must stay out of ``bare``; in ``plugin``
  it comes with us anyway (we depend on it), and its checker returns at once unless ``--radon-max-cc`` is set.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = {"django": "5.2.19", "flask": "3.1.3", "requests": "2.34.2"}
# What ``pip install <repo>`` needs from the repository to build the plugin.
PLUGIN_SOURCES = ("pyproject.toml", "setup.cfg", "README.md", "LICENSE", "flake8_reviewable")
PEER_PACKAGES = ("pylint", "radon", "complexipy")
# Folders flake8 skips by default (its ``--exclude``), skipped here too so every tool sees the same files.
SKIPPED_FOLDERS = {".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox", ".eggs"}
STAMP = "bench-requirements.txt"
VERSIONS_SHOWN = (
    "flake8", "pycodestyle", "pyflakes", "mccabe", "flake8-reviewable", "radon",
    "pylint", "astroid", "complexipy",
)


@dataclass(frozen=True)
class Venvs:
    """The three environments, by role."""

    bare: Path
    plugin: Path
    peers: Path

    def tool(self, role: str, name: str) -> str:
        """The path of an executable installed in the environment ``role``."""
        return str(getattr(self, role) / "bin" / name)


# ---------------------------------------------------------------------------------------------- corpus


def _find_sdist(folder: Path, name: str, version: str) -> Path | None:
    wanted = f"{name}-{version}.tar.gz"
    return next((path for path in folder.glob("*.tar.gz") if path.name.lower() == wanted), None)


def _download(folder: Path, name: str, version: str, python: str) -> Path:
    sdist = _find_sdist(folder, name, version)
    if sdist is None:
        folder.mkdir(parents=True, exist_ok=True)
        command = [python, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", str(folder)]
        subprocess.run([*command, f"{name}=={version}"], check=True, stdout=sys.stderr)
        sdist = _find_sdist(folder, name, version)
    if sdist is None:
        raise SystemExit(f"pip did not download {name}=={version} into {folder}")
    return sdist


def _extract(sdist: Path) -> Path:
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        root = sdist.parent / top
        if not root.is_dir():
            options = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            archive.extractall(sdist.parent, **options)
    return root


def corpus_root(folder: Path, name: str, python: str) -> Path:
    """The extracted source tree of the pinned corpus ``name``, downloaded and extracted when missing."""
    return _extract(_download(folder, name, CORPORA[name], python))


def working_copy(root: Path, scratch: Path) -> Path:
    """A copy of the corpus outside any git work tree, so that change awareness (RVW4xx) stays silent as it
    does for an unpacked sdist, instead of measuring the change of whatever repository holds ``.corpora/``."""
    copy = shutil.copytree(root, scratch / root.name, symlinks=True)
    if any((folder / ".git").exists() for folder in copy.parents):
        raise SystemExit(f"{copy} is inside a git work tree: pass a scratch folder outside any repository")
    return copy


def python_files(root: Path) -> list[str]:
    """Every ``.py`` file under ``root`` that flake8 would check by default, relative and sorted."""
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_FOLDERS)
        base = Path(folder).relative_to(root)
        found.extend((base / name).as_posix() for name in names if name.endswith(".py"))
    return sorted(found)


# ---------------------------------------------------------------------------------------------- venvs


def _python(venv: Path) -> str:
    return str(venv / "bin" / "python")


def _pip_install(venv: Path, *arguments: str) -> None:
    command = [_python(venv), "-m", "pip", "install", "--quiet", *arguments]
    subprocess.run(command, check=True, stdout=sys.stderr)


def _ensure(venv: Path, requirements: list[str], python: str) -> bool:
    """Create ``venv`` with ``requirements`` unless it already has exactly them; True when (re)installed."""
    stamp = venv / STAMP
    wanted = "\n".join(requirements)
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == wanted:
        return False
    if not Path(_python(venv)).exists():
        print(f"creating {venv}", file=sys.stderr)
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
    _pip_install(venv, *(line.split(" #")[0] for line in requirements))
    stamp.write_text(wanted, encoding="utf-8")
    return True


def _stage_plugin(destination: Path) -> str:
    """Copy what building the plugin needs into ``destination``; return a hash of those sources."""
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    digest = hashlib.sha256()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in PLUGIN_SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, destination / name)
    for path in sorted(destination.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(destination).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def installed_versions(venv: Path) -> dict[str, str]:
    """Name (lower case) to version of every distribution installed in ``venv``."""
    code = (
        "import json, importlib.metadata as m;"
        "print(json.dumps({d.metadata['Name'].lower(): d.version for d in m.distributions()}))"
    )
    output = subprocess.run([_python(venv), "-c", code], check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def prepare_venvs(folder: Path, python: str) -> Venvs:
    """Create or reuse the three environments; the plugin is reinstalled whenever its sources changed."""
    venvs = Venvs(folder / "bare", folder / "plugin", folder / "peers")
    source = folder / "plugin-src"
    fingerprint = _stage_plugin(source)
    if _ensure(venvs.plugin, ["flake8", f"{source} # sources {fingerprint}"], python):
        _pip_install(venvs.plugin, "--no-deps", "--force-reinstall", str(source))
    flake8 = installed_versions(venvs.plugin)["flake8"]
    _ensure(venvs.bare, [f"flake8=={flake8}"], python)
    _ensure(venvs.peers, list(PEER_PACKAGES), python)
    return venvs


def _git(*arguments: str) -> str:
    command = ["git", "-c", "core.fsmonitor=false", *arguments]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()


def source_state(venvs: Venvs) -> str:
    """Which plugin code was measured: the commit, whether the plugin's files differed from it, their hash."""
    fingerprint = (venvs.plugin / STAMP).read_text(encoding="utf-8").rsplit(" ", 1)[-1]
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        changed = _git("status", "--porcelain", "--", *PLUGIN_SOURCES)
    except (OSError, subprocess.CalledProcessError):
        return f"sources {fingerprint} (not a git checkout)"
    state = "with uncommitted changes to the plugin" if changed else "clean"
    return f"commit {commit}, {state} (sources {fingerprint})"


def versions(venvs: Venvs) -> dict[str, str]:
    """The versions that matter to the numbers, from the environment each tool runs in."""
    found: dict[str, str] = {}
    for venv in (venvs.peers, venvs.plugin):
        found.update(installed_versions(venv))
    return {name: found[name] for name in VERSIONS_SHOWN if name in found}
