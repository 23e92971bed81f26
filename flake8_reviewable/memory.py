"""Allocation-heavy passes run with Python's cycle collector paused.

Parsing builds one object per node: hundreds of thousands for a large file. Every automatic collection
traverses the young tracked objects, and the tree being built keeps surviving into older generations that
are traversed again, so the collector's share grows faster than the file (``docs/scaling.md``). The trees
are acyclic and freed by reference counting when the pass returns, so pausing the collector for the whole
pass, trees included, leaves no garbage behind.
"""
from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")


def cycle_collection_paused(function: Callable[..., Result]) -> Callable[..., Result]:
    """Run ``function`` with automatic cycle collection off (restored after; nested calls are fine).
    Its trees must not outlive it, or the collector meets them later anyway."""

    @functools.wraps(function)
    def paused(*arguments, **keywords) -> Result:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*arguments, **keywords)
        finally:
            if was_enabled:
                gc.enable()

    return paused
