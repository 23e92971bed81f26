"""The run's blast radius (RVW405): the checked files' altered definitions, against their text at the merge
base, and the places in the project outside the change that depend on them.

Computed once per run in flake8's main process for files on disk (forked workers inherit it), and for the
buffer when an editor checks one. Nothing here runs without a change: no base, no blast radius.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from flake8_reviewable import git
from flake8_reviewable.blast import DELETED, RENAMED, Altered, Radius, Target, altered
from flake8_reviewable.cache import FactsCache
from flake8_reviewable.locality import RunChange, relative_to_top
from flake8_reviewable.measurement import read_source
from flake8_reviewable.metrics import parsed
from flake8_reviewable.references import find_places, module_of


@dataclass(frozen=True)
class Source:
    """A checked file's current text (an editor's buffer, or the file on disk), as the project names it,
    and the lines the change added to it (its references there are updated by the change)."""

    path: str
    text: str
    added: frozenset[int] | None = None


def altered_in(run: RunChange, source: Source) -> list[Altered]:
    """The definitions of a checked file that the change alters; none when it is not part of the change."""
    path = relative_to_top(source.path, run.top)
    if run.merge_base is None or path is None or not source.path.endswith((".py", ".pyi")):
        return []
    item = run.files.get(path)
    if item is None and source.added is None:  # a file on disk the change leaves alone
        return []
    old_path = item.old_path if item else path
    known = old_path in run.base_texts  # read for the whole change at once; else ask git
    base_text = run.base_texts[old_path] if known else git.text_at(run.merge_base, old_path, run.top)
    if base_text == source.text:  # an editor's buffer as at the base: nothing to parse twice
        return []
    base, now = parsed(base_text) if base_text is not None else None, parsed(source.text)
    return altered(base, now) if base is not None and now is not None else []


def blast_radius(
    run: RunChange, sources: Iterable[Source], project: Iterable[str], cache: FactsCache | None
) -> dict[str, tuple[Radius, ...]]:
    """Each checked file's altered definitions with the places outside the change that depend on them."""
    sources = {source.path: source for source in sources}
    found = {path: altered_in(run, source) for path, source in sources.items()}
    targets = {_target(path, item): (path, item) for path, items in found.items() for item in items}
    if not targets:
        return {}
    read = _reader(sources)
    places = find_places(list(targets), sorted({*project, *sources}), read, cache)
    outside = _outside(run, sources)
    radius: dict[str, list[Radius]] = {}
    for target, (path, item) in targets.items():
        kept = tuple(sorted(place for place in places.get(target, ()) if outside(place)))
        radius.setdefault(path, []).append(Radius(item, kept))
    return {path: tuple(items) for path, items in radius.items()}


def _target(path: str, item: Altered) -> Target:
    module = module_of(path)[0]
    owner = f"{module}.{item.owner}" if item.owner else ""
    return Target(f"{module}.{item.name}", owner, item.how in (DELETED, RENAMED))


def _reader(sources: Mapping[str, Source]) -> Callable[[str], str | None]:
    """A file's text: a checked file's as the run sees it (an editor's buffer), any other's on disk."""
    def read(path: str) -> str | None:
        source = sources.get(path)
        return source.text if source is not None else read_source(path)

    return read


def _outside(run: RunChange, sources: Mapping[str, Source]) -> Callable[[tuple[str, int]], bool]:
    """Whether a place is outside the change: not on a line the change added (the change updated it)."""
    added: dict[str, frozenset[int]] = {}

    def lines_added(path: str) -> frozenset[int]:
        source = sources.get(path)
        if source is not None and source.added is not None:
            return source.added
        patch = run.patches.get(relative_to_top(path, run.top) or "")
        return frozenset(number for number, _ in patch.added) if patch else frozenset()

    def outside(place: tuple[str, int]) -> bool:
        path, line = place
        if path not in added:
            added[path] = lines_added(path)
        return line not in added[path]

    return outside
