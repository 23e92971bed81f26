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

from flake8_reviewable import git
from flake8_reviewable.change import (
    ChangeContext,
    ChangeSummary,
    FileChange,
    diff_texts,
    innermost_definitions,
    summarize,
    touched_definitions,
)
from flake8_reviewable.facts import FileFacts
from flake8_reviewable.git import ChangedFile
from flake8_reviewable.loosening import Loosening, quiet_line

_FETCH_HINT = "fetch the history first (actions/checkout with fetch-depth: 0, or git fetch --unshallow)"


@dataclass(frozen=True)
class RunChange:
    """The change as measured once for the whole run."""

    top: Path
    merge_base: str | None
    files: Mapping[str, ChangedFile]
    summary: ChangeSummary | None
    # Where (a path relative to ``top``) the whole-change findings, or the RVW400 reason, are reported.
    anchor: str | None
    problem: str | None = None
    # RVW406 (filled in by guard.guard from the plugin's parse_options): the files flake8 checks, as it
    # names them; what the change loosens; where (the checked file, as flake8 names it) that is reported.
    checked: tuple[str, ...] = ()
    loosenings: tuple[Loosening, ...] = ()
    loosening_anchor: str | None = None


def measure_run(base: str, checked: Iterable[str], cwd: Path, environment: Mapping[str, str]) -> RunChange | None:
    """The run's change against ``base`` (``auto``, ``none`` or a ref); None when there is nothing to measure."""
    if base == "none":
        return None
    checked = tuple(checked)  # RVW406: kept on the RunChange
    try:
        top = git.work_tree_top(cwd)
    except git.GitUnavailable:
        return None
    except git.GitFailed as error:
        return _unmeasurable(cwd, checked, f"git cannot read this repository ({error})")
    try:
        merge_base, problem = _merge_base(base, top, environment)
        if problem or merge_base is None:
            return _unmeasurable(top, checked, problem) if problem else None
        files = git.changed_files(merge_base, top)
        summary = summarize(files, git.generated_paths([item.path for item in files], top))
    except git.GitUnavailable:
        return None
    except git.GitFailed as error:
        return _unmeasurable(top, checked, f"git failed while reading the change ({error})")
    anchor = _anchor(summary, {relative_to_top(path, top) for path in checked})
    return RunChange(top, merge_base, {item.path: item for item in files}, summary, anchor, checked=checked)


def _unmeasurable(top: Path, checked: Iterable[str], problem: str) -> RunChange:
    """A run whose change cannot be measured: the reason goes, once, to the first checked file."""
    paths = sorted(filter(None, (relative_to_top(path, top) for path in checked)))
    return RunChange(top, None, {}, None, paths[0] if paths else None, problem)


def _merge_base(base: str, top: Path, environment: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(merge base, None), or (None, why it cannot be measured), or (None, None) to stay silent."""
    shallow = git.is_shallow(top)
    if base == "auto":
        name, commit, problem = _auto_base(top, environment, shallow)
    else:
        name, commit, problem = _named_base(base, top, shallow)
    if commit is None:
        return None, problem
    merge_base = git.merge_base(commit, top)
    if merge_base is None:
        if shallow:
            return None, f"this shallow clone lacks the merge base of HEAD and {name!r}; {_FETCH_HINT}"
        return None, f"HEAD and the base {name!r} share no history"
    return merge_base, None


def _auto_base(top: Path, environment: Mapping[str, str], shallow: bool) -> tuple[str, str | None, str | None]:
    for name in git.auto_base_candidates(environment):
        commit = git.resolve_commit(name, top)
        if commit:
            return name, commit, None
    # No base in a complete clone: there is no change to review, so stay silent.
    return "auto", None, (f"this is a shallow clone and no base branch was found; {_FETCH_HINT}" if shallow else None)


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
    candidates = [item for item in summary.counted if item.path in checked]
    if not candidates:
        return None
    return min(candidates, key=lambda item: (-(item.added + item.deleted), item.path)).path


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
        counts = ChangedFile(path, item.old_path if item else path, file.diff.added, file.diff.deleted)
        whole = whole.replace(counts)
        is_anchor = file.diff.changed_lines > 0
    return ChangeContext(file=file if file.diff.changed_lines else None, whole=whole if is_anchor else None)


def _file_change(run, path, item, lines, facts, from_stdin, facts_of) -> FileChange | None:
    old_path = item.old_path if item else path
    base_text = git.text_at(run.merge_base, old_path, run.top)
    if base_text is None and item is None and not git.would_be_untracked(path, run.top):
        return None  # an editor buffer of an ignored file, or of one in a submodule: not part of this change
    base_lines = base_text.splitlines(keepends=True) if base_text is not None else []
    diff = diff_texts([line.rstrip("\r\n") for line in base_lines], [line.rstrip("\r\n") for line in lines])
    if item is not None and not from_stdin:
        # On disk, count exactly as git does; the line-level mapping still comes from the diff above.
        diff = dataclasses.replace(diff, added=item.added, deleted=item.deleted)
    touched = tuple(touched_definitions(facts.definitions, diff.touched_lines))
    base_facts = facts_of(base_text) if base_text is not None else None
    existed = {item.name for item in base_facts.definitions} if base_facts else set()
    edited = tuple(name for name in innermost_definitions(facts.definitions, diff.touched_lines) if name in existed)
    return FileChange(path, diff, touched, base_facts, edited)
