"""The review summary of the change, as ``flake8 --format=reviewable`` prints it (``formatter``).

The summary is what ``review.review_of`` gathers from the run's session (in flake8's main process, which
``-j`` workers were forked from), or the plain reason there is none; with ``$GITHUB_STEP_SUMMARY`` set, the
formatter also appends it there as Markdown. Rendering is pure: a ``Review`` in, lines out.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from flake8_reviewable.composition import Kind
from flake8_reviewable.parts import Part
from flake8_reviewable.review import EFFORT_BASIS, Review, effort, review_of, why_no_change

TITLE = "Review summary of the change"
_KINDS = (Kind.CODE, Kind.TESTS, Kind.DOCS, Kind.OTHER)
_LISTED = 8  # files named per part, and places of the blast radius


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _listed(names: list[str], quote: str = "") -> str:
    shown = ", ".join(f"{quote}{name}{quote}" for name in names[:_LISTED])
    return shown + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")


def kind_sentence(review: Review, kind: Kind) -> str:
    files = review.summary.of_kind(kind)
    return f"{_plural(review.summary.lines_of(kind), 'line')} in {_plural(len(files), 'file')}"


def facts(review: Review) -> list[tuple[str, str]]:
    """The summary's sentences after the line counts, each with its label."""
    summary = review.summary
    found = [("moved lines", f"{sum(item.moved_in for item in summary.files):,}, counted once, where they arrived")]
    if summary.signature_lines:
        found.append(("signature sweeps", f"{_plural(summary.signature_lines, 'line')} of code, not counted"))
    if summary.data:
        found.append(("data, listed, not counted", _listed([f"{path} ({why})" for path, why in summary.data])))
    counts = review.definitions
    found.append(("definitions", f"{counts.edited} edited in their body, {counts.signatures} only in their "
                                 f"signature, {counts.deleted} deleted, {counts.moved} moved, {counts.new} new"))
    found.append(("blast radius", blast_sentence(review)))
    rules = sorted((code, count) for code, count in review.findings.items() if code.startswith("RVW"))
    found.append(("findings", ", ".join(f"{code} {count}" for code, count in rules) or "none"))
    found.append(("review effort", effort_sentence(review.reviewed_lines)))
    return found


def blast_sentence(review: Review) -> str:
    reached = sorted((radius for radius in review.blast if radius.places),
                     key=lambda radius: (-len(radius.places), radius.altered.name))
    if not reached:
        return f"{_plural(len(review.blast), 'altered definition')}, none used outside the change"
    places = {place for radius in reached for place in radius.places}
    files = {path for path, _ in places}
    widest = [f"{radius.altered.name} ({_plural(len(radius.places), 'place')})" for radius in reached]
    return (f"{_plural(len(reached), 'altered definition')} used in {_plural(len(places), 'place')} in "
            f"{_plural(len(files), 'file')} outside the change; most: {_listed(widest)}")


def effort_sentence(lines: int) -> str:
    if lines <= 0:
        return "no code or test lines to review"
    sittings, hours = effort(lines)
    return (f"{lines:,} lines of code and tests: about {_plural(sittings, 'sitting')}, "
            f"{hours:g} hour{'' if hours == 1 else 's'} ({EFFORT_BASIS})")


def part_sentence(number: int, part: Part, quote: str = "") -> str:
    sizes = ", ".join(f"{kind.value} {part.lines_of(kind):,}" for kind in (Kind.CODE, Kind.TESTS)
                      if any(item.kind is kind for item in part.files))
    lines = sum(item.lines for item in part.files)
    needs = f"; needs part {', '.join(str(index + 1) for index in part.needs)}" if part.needs else ""
    files = _listed([item.path for item in part.files], quote)
    return f"{number}. {_plural(lines, 'line')} ({sizes}), {_plural(len(part.files), 'file')}: {files}{needs}"


def parts_heading(review: Review) -> str:
    if len(review.parts) < 2:
        return f"independent parts: {len(review.parts)} (the changed Python files import each other)"
    return f"independent parts: {len(review.parts)}, in an order where each needs only the parts before it"


def outside_sentence(review: Review, quote: str = "") -> str:
    return _listed([f"{quote}{path}{quote} ({why})" for path, why in review.outside])


def text_lines(review: Review) -> list[str]:
    """The summary as flake8 prints it, after its usual lines."""
    lines = [f"{TITLE} (merge base {review.merge_base[:10]}):"]
    lines += [f"  {kind.value}: {kind_sentence(review, kind)}" for kind in _KINDS]
    lines += [f"  {label}: {sentence}" for label, sentence in facts(review)]
    lines.append(f"  {parts_heading(review)}")
    lines += [f"    {part_sentence(number, part)}" for number, part in enumerate(review.parts, 1)]
    if review.outside:
        lines.append(f"  outside the parts (no imports to follow): {outside_sentence(review)}")
    return lines


def markdown(review: Review) -> str:
    """The summary for a GitHub job summary: a table of the kinds, the other facts, the parts."""
    rows = [f"| {kind.value} | {review.summary.lines_of(kind):,} | {len(review.summary.of_kind(kind)):,} |"
            for kind in _KINDS]
    lines = [f"## {TITLE}", "", f"Merge base `{review.merge_base[:10]}`.", "", "| kind | lines | files |",
             "|---|---:|---:|", *rows, ""]
    lines += [f"- **{label}**: {sentence}" for label, sentence in facts(review)]
    lines += ["", f"### {parts_heading(review).capitalize()}", ""]
    lines += [part_sentence(number, part, "`") for number, part in enumerate(review.parts, 1)]
    if review.outside:
        lines += ["", f"Outside the parts (no imports to follow): {outside_sentence(review, '`')}"]
    return "\n".join(lines) + "\n"


def no_summary(reason: str) -> list[str]:
    return [f"{TITLE}: none, {reason}."]


def of_run(codes: Mapping[str, int]) -> tuple[list[str], str | None]:
    """The run's summary as flake8 prints it, and as Markdown (or the plain reason there is none), from
    the session of flake8's main process and the codes the formatter printed."""
    from flake8_reviewable.plugin import ReviewablePlugin  # the plugin's module builds the session

    session = ReviewablePlugin.session
    run = session.run_change
    if run is None or run.merge_base is None or run.summary is None or (run.note and not run.files):
        reason = why_no_change(run, session.settings.base, Path.cwd(), os.environ)
        return no_summary(reason), f"## {TITLE}\n\nNone: {reason}.\n"
    review = review_of(run, session.blast, codes, session.definitions_of)
    return text_lines(review), markdown(review)
