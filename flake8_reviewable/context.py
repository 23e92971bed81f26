"""What a rule may know about the file beyond its own facts: the change, and the project's duplicates."""
from __future__ import annotations

from dataclasses import dataclass

from flake8_reviewable.change import ChangeContext
from flake8_reviewable.duplication import Duplicate


@dataclass(frozen=True)
class FileContext:
    """Run-level knowledge about one checked file; empty when the run measured nothing beyond the file."""

    change: ChangeContext | None = None
    duplicates: tuple[Duplicate, ...] = ()
    path: str = ""


NO_CONTEXT = FileContext()
