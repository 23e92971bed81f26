"""Change awareness: measure the change once per run, then tell each checked file its part of it.

``measure_run`` asks git (through ``git``) once, in flake8's main process, before any worker starts, so
``-j`` workers share its result; ``file_context`` adds what only the file being checked knows (its text,
possibly an editor buffer, and its facts).
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from flake8_reviewable import git
from flake8_reviewable.change import (
    ChangeContext,
    FileChange,
    Moves,
    diff_of_patch,
    diff_texts,
    edits,
    signature_lines,
    touched_definitions,
)
from flake8_reviewable.composition import ChangeSummary, Composition, Kind, kind_of, summarize
from flake8_reviewable.facts import Definition, FileFacts
from flake8_reviewable.git import ChangedFile, FilePatch
from flake8_reviewable.measurement import read_source
from flake8_reviewable.loosening import Loosening, quiet_line

# A text's definitions (through the facts cache), or None when Python cannot parse it.
Definitions = Callable[[str], Optional[tuple[Definition, ...]]]
_FETCH_HINT = "fetch the history first (actions/checkout with fetch-depth: 0, or git fetch --unshallow)"


@dataclass(frozen=True)
class RunChange:
    """The change as measured once for the whole run."""

    top: Path
    merge_base: str | None
    files: Mapping[str, ChangedFile]
    summary: ChangeSummary | None
    patches: Mapping[str, FilePatch]
    # Where (a path relative to ``top``) the whole-change findings, or the RVW400 reason, are reported.
    anchor: str | None
    problem: str | None = None
    # RVW406 (filled in by guard.guard from the plugin's parse_options): the files flake8 checks, as it
    # names them; what the change loosens; where (the checked file, as flake8 names it) that is reported.
    checked: tuple[str, ...] = ()
    loosenings: tuple[Loosening, ...] = ()
    loosening_anchor: str | None = None
    # Said once on standard error, not reported: auto measured an empty change against HEAD itself.
    note: str | None = None
    # The text at the merge base of every changed Python file, by its path there.
    base_texts: Mapping[str, str] = dataclasses.field(default_factory=dict)


def measure_run(
    base: str, checked: Iterable[str], cwd: Path, environment: Mapping[str, str], scope_changed: bool = False,
    definitions_of: Definitions = lambda text: None,
) -> RunChange | None:
    """The run's change against ``base`` (``auto``, ``none`` or a ref); None when there is nothing to measure.
    A base named explicitly, or the changed scope, that cannot be measured gives the reason (RVW400)."""
    if base == "none":
        return None
    checked = tuple(checked)  # RVW406: kept on the RunChange
    must_measure = base != "auto" or scope_changed
    try:
        top = git.work_tree_top(cwd)
    except git.GitUnavailable as error:
        return _unmeasurable(cwd, checked, _outside_git(base, error)) if must_measure else None
    except git.GitFailed as error:
        return _unmeasurable(cwd, checked, f"git cannot read this repository ({error})")
    try:
        found = _merge_base(base, top, environment, must_measure)
        if found.merge_base is None:
            return _unmeasurable(top, checked, found.problem) if found.problem else None
        run = _read_change(found.merge_base, top, definitions_of)
    except git.GitUnavailable:
        return None
    except git.GitFailed as error:
        return _unmeasurable(top, checked, f"git failed while reading the change ({error})")
    note = _empty_change_note(base, found) if not run.files else None
    if note and scope_changed:
        return _unmeasurable(top, checked, note)
    anchor = _anchor(run.summary, {relative_to_top(path, top) for path in checked})
    return dataclasses.replace(run, anchor=anchor, checked=checked, note=note)


def _read_change(merge_base: str, top: Path, definitions_of: Definitions) -> RunChange:
    """Everything git says of the change, asked once: counts, patch, base texts; then what it is made of."""
    files = git.changed_files(merge_base, top)
    patches = _with_untracked(git.change_patch(merge_base, top), files, top)
    # Every changed Python file's text at the base, read at once (forked workers inherit them).
    base_texts = git.texts_at(merge_base, sorted({item.old_path for item in files if _is_python(item)}), top)
    summary = summarize(files, _composition(files, patches, base_texts, top, definitions_of))
    return RunChange(top, merge_base, {item.path: item for item in files}, summary, patches, None,
                     base_texts=base_texts)


def _empty_change_note(base: str, found: _Base) -> str | None:
    """What to say when ``auto`` landed on the commit being checked in a shallow clone: the change is empty,
    perhaps because a single-branch clone's ``origin/HEAD`` names this very branch. In a complete clone
    this is a checkout of the base branch itself, and an empty change is the truth: nothing to say. A
    note, not a finding, so that a push to main never fails; with the changed scope it is RVW400."""
    if base != "auto" or not found.is_head or not found.shallow:
        return None
    return (f"the base auto found, {found.name}, is the commit being checked, so there is no change to measure; "
            "if this branch is a change to review, name the branch it goes into with --reviewable-base "
            "(e.g. origin/main)")


def _outside_git(base: str, error: Exception) -> str:
    named = f"the base {base!r} was named" if base != "auto" else "--reviewable-scope=changed was asked for"
    return f"{named}, but this is not a git work tree ({error}); run flake8 inside the repository"


def _is_python(item: ChangedFile) -> bool:
    return item.old_path.endswith((".py", ".pyi")) and not item.binary


def _with_untracked(patches: dict[str, FilePatch], files: list[ChangedFile], top: Path) -> dict[str, FilePatch]:
    """The change's patches and its untracked files read whole (moved code may have gone into one)."""
    for item in files:
        if item.path not in patches and item.deleted == 0 and not item.binary:
            patch = git.untracked_patch(item.path, top)
            if patch is not None:
                patches[item.path] = patch
    return patches


def _composition(
    files: list[ChangedFile], patches: Mapping[str, FilePatch], base_texts: Mapping[str, str], top: Path,
    definitions_of: Definitions,
) -> Composition:
    """What sorting the change by kind needs from git besides its counts: attributes, deleted files' texts,
    and the signature edits of each edited code file (both sides parsed, through the facts cache)."""
    attributes = git.attributes([item.path for item in files], top)
    edited = [patch for patch in patches.values() if patch.deleted and patch.added and
              kind_of(patch.path, attributes.get(patch.path, frozenset())) is Kind.CODE]
    deleted = [patch for patch in patches.values() if patch.deleted_file]
    deleted_texts = {patch.path: base_texts.get(patch.old_path, "") for patch in deleted}
    swept = {patch.path: _swept_lines(patch, base_texts.get(patch.old_path), top, definitions_of) for patch in edited}
    return Composition(attributes, patches, deleted_texts, {path: lines for path, lines in swept.items() if lines})


def _swept_lines(patch: FilePatch, base_text: str | None, top: Path, definitions_of: Definitions) -> int:
    current = read_source(str(top / patch.path))
    if base_text is None or current is None:
        return 0
    now, base = definitions_of(current), definitions_of(base_text)
    if now is None or base is None:
        return 0
    return signature_lines(now, base, diff_of_patch(patch))


def _unmeasurable(top: Path, checked: Iterable[str], problem: str) -> RunChange:
    """A run whose change cannot be measured: the reason goes, once, to the first checked file."""
    paths = sorted(filter(None, (relative_to_top(path, top) for path in checked)))
    return RunChange(top, None, {}, None, {}, paths[0] if paths else None, problem)


@dataclass(frozen=True)
class _Base:
    """The base the change is measured against: the ref's name, its merge base with HEAD, or why not."""

    name: str
    merge_base: str | None = None
    problem: str | None = None
    is_head: bool = False
    shallow: bool = False


def _merge_base(base: str, top: Path, environment: Mapping[str, str], must_measure: bool) -> _Base:
    """The merge base, or why it cannot be measured, or neither (stay silent)."""
    shallow = git.is_shallow(top)
    if base == "auto":
        name, commit, problem = _auto_base(top, environment, shallow, must_measure)
    else:
        name, commit, problem = _named_base(base, top, shallow)
    if commit is None:
        return _Base(name, problem=problem)
    merge_base = git.merge_base(commit, top)
    if merge_base is None:
        if shallow:
            return _Base(name, problem=f"this shallow clone lacks the merge base of HEAD and {name!r}; {_FETCH_HINT}")
        return _Base(name, problem=f"HEAD and the base {name!r} share no history")
    is_head = commit == git.resolve_commit("HEAD", top) and _is_this_branch(name, top)
    return _Base(name, merge_base, is_head=is_head, shallow=shallow)


def _is_this_branch(name: str, top: Path) -> bool:
    """Whether ``name`` is the checked-out branch or its upstream: what ``origin/HEAD`` names in a clone made
    with ``--branch X --depth 1``. A fresh branch that merely starts at its base is not."""
    full = git.full_ref_name(name, top)
    return full is not None and full in {git.full_ref_name("HEAD", top), git.full_ref_name("@{upstream}", top)}


def _auto_base(
    top: Path, environment: Mapping[str, str], shallow: bool, must_measure: bool
) -> tuple[str, str | None, str | None]:
    candidates = git.auto_base_candidates(environment)
    for name in candidates:
        commit = git.resolve_commit(name, top)
        if commit:
            return name, commit, None
    if shallow:
        return "auto", None, f"this is a shallow clone and no base branch was found; {_FETCH_HINT}"
    if must_measure:  # the changed scope would report nothing at all
        tried = ", ".join(candidates)
        return "auto", None, f"no base branch was found (tried {tried}); name one with --reviewable-base"
    # No base in a complete clone: there is no change to review, so stay silent.
    return "auto", None, None


def _named_base(base: str, top: Path, shallow: bool) -> tuple[str, str | None, str | None]:
    if base.startswith("-"):
        return base, None, f"the base {base!r} is not a valid ref; name a branch or commit with --reviewable-base"
    commit = git.resolve_commit(base, top)
    if commit:
        return base, commit, None
    if shallow:
        return base, None, f"this is a shallow clone and the base {base!r} is missing; {_FETCH_HINT}"
    reason = f"the base {base!r} is not a commit in this repository; name an existing ref with --reviewable-base"
    return base, None, reason + " (e.g. origin/main)"


def _anchor(summary: ChangeSummary, checked: set[str]) -> str | None:
    """The checked file the whole-change findings sit on: the one with the most changed lines."""
    candidates = [item for item in summary.files if item.path in checked and item.lines]
    if not candidates:
        return None
    return min(candidates, key=lambda item: (-item.lines, item.path)).path


def relative_to_top(filename: str, top: Path) -> str | None:
    """``filename`` as git names it (relative to the work tree's top, with /), or None outside it."""
    try:
        return Path(os.path.realpath(filename)).relative_to(top.resolve()).as_posix()
    except ValueError:
        return None


def file_context(
    run: RunChange,
    filename: str,
    lines: Sequence[str],
    facts: FileFacts,
    from_stdin: bool,
    facts_of: Callable[[str], FileFacts | None],
) -> ChangeContext:
    """What the rules should know of the change while checking ``filename`` (whose text is ``lines``)."""
    context = _file_context(run, filename, lines, facts, from_stdin, facts_of)
    if run.loosenings and filename == run.loosening_anchor:  # RVW406
        return dataclasses.replace(context, loosened=run.loosenings, loosened_line=quiet_line(lines))
    return context


def _file_context(run, filename, lines, facts, from_stdin, facts_of) -> ChangeContext:
    path = relative_to_top(filename, run.top)
    is_anchor = path is not None and path == run.anchor
    if run.problem or path is None or run.merge_base is None:
        return ChangeContext(problem=run.problem if is_anchor else None)
    item = run.files.get(path)
    if item is None and not from_stdin:
        return ChangeContext()
    file = _file_change(run, path, item, lines, facts, from_stdin, facts_of)
    if file is None:
        return ChangeContext()
    whole = run.summary
    if from_stdin and whole is not None:
        # In an editor the buffer replaces the file on disk in the totals, and it is the only file checked.
        whole = whole.replace(path, file.diff.added, file.diff.deleted)
        file = dataclasses.replace(file, count=whole.count_of(path))
        is_anchor = file.diff.changed_lines > 0
    return ChangeContext(file=file if file.diff.changed_lines else None, whole=whole if is_anchor else None,
                         summary=whole)


def _file_change(run, path, item, lines, facts, from_stdin, facts_of) -> FileChange | None:
    if item is not None:
        base_text = run.base_texts.get(item.old_path)
    else:  # an editor buffer of a file the change does not touch (yet)
        base_text = git.text_at(run.merge_base, path, run.top)
    if base_text is None and item is None and not git.would_be_untracked(path, run.top):
        return None  # an editor buffer of an ignored file, or of one in a submodule: not part of this change
    diff = _diff(run, path, item, base_text, lines, from_stdin)
    touched = tuple(touched_definitions(facts.definitions, diff.touched_lines))
    base_facts = facts_of(base_text) if base_text is not None else None
    base_definitions = base_facts.definitions if base_facts else ()
    count = run.summary.count_of(path) if run.summary else None
    moves = Moves.of(count, base_text, lines)
    return FileChange(path, diff, touched, base_facts, edits(facts.definitions, base_definitions, diff, moves), count)


def _diff(run, path, item, base_text, lines, from_stdin):
    """The file's line diff: git's own hunks for a file on disk, counted as git counts; the buffer against
    its base text in an editor (git has not seen the buffer)."""
    patch = run.patches.get(path)
    if patch is not None and not from_stdin:
        return dataclasses.replace(diff_of_patch(patch), added=item.added, deleted=item.deleted)
    base_lines = base_text.splitlines(keepends=True) if base_text is not None else []
    diff = diff_texts([line.rstrip("\r\n") for line in base_lines], [line.rstrip("\r\n") for line in lines])
    if item is not None and not from_stdin:
        # An untracked file (no patch): every line added, as git counts it.
        diff = dataclasses.replace(diff, added=item.added, deleted=item.deleted)
    return diff
