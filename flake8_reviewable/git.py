"""Everything that concerns the repository. (The only module allowed to start a subprocess.)"""
from __future__ import annotations

from pathlib import Path


def project_root(start: Path) -> Path:
    """The top of the git work tree holding ``start`` (a ``.git`` folder or file marks it), else ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start
