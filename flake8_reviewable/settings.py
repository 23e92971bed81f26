"""The run's settings: flake8's parsed options turned, once, into one typed, immutable object.

Nothing past this module reads flake8's options: the session, the rules and the project index take a
``Settings``. The plugin's own options are declared here like the rules' limits, as ``Option`` values.
"""
from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from flake8_reviewable.cache import CACHE_DIR_NAME
from flake8_reviewable.rules import OPTIONS, Option


class Scope(enum.Enum):
    """Which functions the unit and duplicate rules report."""

    ALL = "all"
    CHANGED = "changed"


SCOPE = Option("--reviewable-scope", Scope.ALL.value,
               "report every function (all), or only those the change created or made worse (changed)",
               kind=str, metavar="all|changed", choices=tuple(scope.value for scope in Scope))
CACHE_DIR = Option("--reviewable-cache-dir", None,
                   f"where flake8-reviewable caches per-file facts (default: {CACHE_DIR_NAME} at the project root)",
                   kind=str, metavar="PATH", is_path=True)
NO_CACHE = Option("--no-reviewable-cache", False, "measure every file again instead of reading and writing the cache",
                  is_switch=True)
PLUGIN_OPTIONS: tuple[Option, ...] = (SCOPE, CACHE_DIR, NO_CACHE)


@dataclass(frozen=True)
class FileSelection:
    """Which files flake8 checks under a folder: its ``exclude``/``extend-exclude`` and ``filename``
    patterns, and the name a buffer on stdin stands for."""

    exclude: tuple[str, ...] = ()
    filename_patterns: tuple[str, ...] = ("*.py",)
    stdin_display_name: str = "stdin"


@dataclass(frozen=True)
class Settings:
    """Everything the run was told: limits by option name, scope, base, cache, and the paths named."""

    limits: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType(
        {option.dest: option.default for option in OPTIONS}))
    scope: Scope = Scope.ALL
    use_cache: bool = True
    # None: the default folder at the project root.
    cache_dir: str | None = None
    paths: tuple[str, ...] = ()
    selection: FileSelection = FileSelection()

    @classmethod
    def from_options(cls, options: Any) -> Settings:
        """Read flake8's parsed options (the only place that does)."""
        limits = MappingProxyType({option.dest: getattr(options, option.dest) for option in OPTIONS})
        selection = FileSelection((*options.exclude, *options.extend_exclude), tuple(options.filename),
                                  options.stdin_display_name)
        return cls(limits, Scope(options.reviewable_scope), not options.no_reviewable_cache,
                   options.reviewable_cache_dir, tuple(options.filenames), selection)

    @property
    def from_stdin(self) -> bool:
        """Whether the run checks a buffer passed on stdin (an editor)."""
        return "-" in self.paths

    @property
    def base(self) -> str:
        """The ref the change is measured against: ``auto``, ``none`` or a ref."""
        return self.limits["reviewable_base"]

    @property
    def min_duplicate_size(self) -> int:
        return self.limits["min_duplicate_size"]

    def cache_folder(self, project_root: Path) -> Path | None:
        """The cache folder to use, or None when the cache is off."""
        if not self.use_cache:
            return None
        return Path(self.cache_dir) if self.cache_dir else project_root / CACHE_DIR_NAME
