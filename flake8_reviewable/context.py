"""What a rule may know about the file beyond its own facts: the change, and the project's duplicates."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flake8_reviewable.duplication import Duplicate

if TYPE_CHECKING:  # a run without a change never imports change awareness (an editor's start-up time)
    from flake8_reviewable.change import ChangeContext


@dataclass(frozen=True)
class FileContext:
    """Run-level knowledge about one checked file; empty when the run measured nothing beyond the file."""

    change: ChangeContext | None = None
    duplicates: tuple[Duplicate, ...] = ()
    path: str = ""


NO_CONTEXT = FileContext()
