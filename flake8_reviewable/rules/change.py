"""RVW400-RVW404: how large and how scattered the change under review is, per file and as a whole."""
from __future__ import annotations

import argparse
from collections.abc import Iterator

from flake8_reviewable.change import ChangeSummary
from flake8_reviewable.context import NO_CONTEXT, FileContext
from flake8_reviewable.facts import FileFacts, Position
from flake8_reviewable.rules.base import Example, Finding, Option, Rule, counted

_FIRST_LINE = Position(1, 0)
_SHOWN_NAMES = 5


def base_ref(text: str) -> str:
    """argparse type for ``--reviewable-base``: ``auto``, ``none`` or a ref (checked against git later)."""
    value = str(text).strip()
    if not value:
        raise argparse.ArgumentTypeError("expected auto, none or a git ref, got an empty value")
    return value


def _described(whole: ChangeSummary) -> dict[str, object]:
    """What the whole-change messages say of the change; each message uses the values it names."""
    return {
        "lines": counted(whole.lines, "changed line"),
        "files": counted(whole.files, "file"),
        "folders": counted(whole.directories, "folder"),
        "entropy": whole.entropy,
        "hint": _split_hint(whole),
    }


def _split_hint(whole: ChangeSummary) -> str:
    rows = whole.by_top_level()
    if len(rows) < 2:
        hint = "split it into changes that can each be reviewed in one sitting"
    else:
        parts = ", ".join(
            f"{top} ({counted(files, 'file')}, {counted(lines, 'line')})" for top, files, lines in rows[:4]
        )
        hint = f"split it, e.g. by top-level folder: {parts}"
    if whole.set_aside:
        listed = ", ".join(f"{path} ({reason})" for path, reason in whole.set_aside[:_SHOWN_NAMES])
        more = f" and {len(whole.set_aside) - _SHOWN_NAMES} more" if len(whole.set_aside) > _SHOWN_NAMES else ""
        hint += f"; not counted: {listed}{more}"
    return hint


class ChangeUnmeasurable(Rule):
    """## What it does
    Reports, once per run, that the change cannot be measured, and why: a base named with
    `--reviewable-base` that git cannot resolve (or that is not a valid ref, such as one starting with
    `-`), or a shallow clone in which the base or the merge base is missing. It sits on line 1 of the first
    file the run checks. The other change rules (`RVW401`-`RVW404`) stay silent then, and
    `--reviewable-scope=changed` reports nothing it cannot attribute to the change.

    Outside a git work tree, without git, or when `auto` finds no base in a complete clone, the change
    rules are silent and this rule says nothing: there is no change to review.

    ## Why is this bad?
    A gate that silently measured nothing would pass a change nobody measured. Hosted CI clones shallowly
    by default, so this is the usual first finding in a new CI setup.

    ## Example
    In GitHub Actions, fetch the history the merge base needs:
    ```yaml
    - uses: actions/checkout@v4
      with:
        fetch-depth: 0
    ```
    or run `git fetch --unshallow` before flake8.

    ## Options
    - `--reviewable-base` (default auto): `auto`, `none` (turn change awareness off) or a ref such as
      `origin/main`. `auto` tries, in order: `$PRE_COMMIT_FROM_REF`, `origin/$GITHUB_BASE_REF`,
      `$CI_MERGE_REQUEST_TARGET_BRANCH_NAME` (as `origin/NAME`, then `NAME`), `origin/HEAD`, `origin/main`,
      `origin/master`, `main`, `master`. The change is measured from the merge base of that ref and `HEAD`
      to the files as they are now (the editor's buffer, for code on stdin).
    """

    code = "RVW400"
    summary = "change locality cannot be measured (base not found, shallow clone, ...)"
    message = "change locality cannot be measured: {reason}"
    option = Option("--reviewable-base", "auto", "ref the change is measured against: auto, none or a ref", base_ref,
                    "REF")
    valid = (Example("x = 1\n", base="x = 0\n"),)
    invalid = (
        Example(
            "x = 1\n",
            base="x = 0\n",
            options={"--reviewable-base": "release"},
            expected=(
                "1:1: RVW400 change locality cannot be measured: the base 'release' is not a commit in this "
                "repository; name an existing ref with --reviewable-base (e.g. origin/main)",
            ),
        ),
    )

    def check(self, facts: FileFacts, context: FileContext = NO_CONTEXT) -> Iterator[Finding]:
        change = context.change
        if change and change.problem:
            yield self.finding(_FIRST_LINE, reason=change.problem)


class FileChangeSize(Rule):
    """## What it does
    Reports a file whose own change is larger than `--max-file-change` changed lines: lines added plus
    lines deleted, as `git diff --numstat` counts them (blank and comment lines included), between the file
    at the merge base and the file now. A renamed file is compared with its old name. The finding sits on
    line 1.

    ## Why is this bad?
    Reviewers find fewer defects per line past 200 to 400 lines in one sitting (SmartBear and Cisco), and
    one file is the unit a reviewer reads top to bottom.

    ## Example
    A 350-line rewrite of `billing/invoice.py`: land the new helper functions first, then switch callers
    over in a second change.

    ## Options
    - `--max-file-change` (default 200): the most changed lines one file's change may hold.
    """

    code = "RVW401"
    summary = "this file's change is larger than N changed lines"
    message = "this file's change is {lines} (> {limit}): split it into smaller changes"
    option = Option("--max-file-change", 200, "most changed lines in one file's change (default: 200)")
    valid = (Example("a = 1\nb = 2\n", base="a = 1\n", options={option.flag: 1}),)
    invalid = (
        Example(
            "a = 1\nb = 2\nc = 3\n",
            base="a = 0\n",
            options={option.flag: 2},
            expected=("1:1: RVW401 this file's change is 4 changed lines (> 2): split it into smaller changes",),
        ),
    )

    def check(self, facts: FileFacts, context: FileContext = NO_CONTEXT) -> Iterator[Finding]:
        change = context.change
        if change and change.file and change.file.diff.changed_lines > self.limit:
            lines = change.file.diff.changed_lines
            yield self.finding(_FIRST_LINE, value=lines, lines=counted(lines, "changed line"))


class ScatteredFileChange(Rule):
    """## What it does
    Reports a file whose change edits more than `--max-touched-definitions` functions, methods and
    classes that existed at the merge base. Each added, changed or deleted line belongs to the innermost
    definition holding it (from its first decorator to its last line), so editing one method is one place,
    not the method and its class. New definitions count toward the change's size (`RVW401`), not its
    spread, so a new file never gets this finding. It sits on line 1 and names the first few.

    ## Why is this bad?
    A change spread over many definitions asks the reviewer to rebuild many contexts; the spread of a change
    predicts its defects (Kamei et al., 2013; Hassan, 2009).

    ## Example
    A rename of a parameter through twelve functions, mixed with a bug fix in one of them: land the rename
    alone, mechanically, then the fix.

    ## Options
    - `--max-touched-definitions` (default 8): the most functions and classes one file's change may touch.
    """

    code = "RVW402"
    summary = "this file's change is scattered over more than N functions/classes"
    message = "this file's change edits {value} functions and classes (> {limit}): {names}; split it by concern"
    option = Option("--max-touched-definitions", 8, "most definitions one file's change may touch (default: 8)")
    valid = (Example("def f():\n    return 2\n\n\ndef g():\n    return 1\n", base="def f():\n    return 1\n\n\n"
                     "def g():\n    return 1\n", options={option.flag: 1}),)
    invalid = (
        Example(
            "def f():\n    return 2\n\n\ndef g():\n    return 2\n",
            base="def f():\n    return 1\n\n\ndef g():\n    return 1\n",
            options={option.flag: 1},
            expected=("1:1: RVW402 this file's change edits 2 functions and classes (> 1): f, g; split it by concern",),
        ),
    )

    def check(self, facts: FileFacts, context: FileContext = NO_CONTEXT) -> Iterator[Finding]:
        change = context.change
        edited = change.file.edited if change and change.file else ()
        if len(edited) > self.limit:
            names = ", ".join(edited[:_SHOWN_NAMES])
            if len(edited) > _SHOWN_NAMES:
                names += f" and {len(edited) - _SHOWN_NAMES} more"
            yield self.finding(_FIRST_LINE, value=len(edited), names=names)


class _WholeChangeRule(Rule):
    """A rule on the whole change, reported once per run (at the anchor file: see ``locality``)."""

    def measure(self, whole: ChangeSummary) -> int:
        """The whole change's value for this rule."""
        raise NotImplementedError

    def check(self, facts: FileFacts, context: FileContext = NO_CONTEXT) -> Iterator[Finding]:
        whole = context.change.whole if context.change else None
        if whole and self.measure(whole) > self.limit:
            yield self.finding(_FIRST_LINE, value=self.measure(whole), **_described(whole))


class ChangeSize(_WholeChangeRule):
    """## What it does
    Reports, once per run, a change larger than `--max-change-size` changed lines in all: every text file
    that differs between the merge base and the work tree, Python or not, deleted files included, and
    untracked files that git does not ignore counted as added. Lock files, binary files and files that
    `.gitattributes` marks `linguist-generated` are set aside and not counted. In an editor, the buffer
    replaces the file on disk in the totals.

    It sits on line 1 of the changed file with the most changed lines among the files this run checks
    (ties broken by path), whatever `-j` and the order of paths, and suggests a split by top-level folder.

    ## Why is this bad?
    Defect discovery falls past 400 lines per review (SmartBear and Cisco); at Google the median change is
    24 lines (Sadowski et al., 2018). A large change is approved, not reviewed.

    ## Example
    A 1,200-line change over `api/` and `models/`: land the model change with its migration first, then the
    API on top of it.

    ## Options
    - `--max-change-size` (default 400): the most changed lines the whole change may hold.
    """

    code = "RVW403"
    summary = "the whole change is larger than N changed lines (reported once)"
    message = "the whole change is {lines} in {files} (> {limit}): {hint}"
    option = Option("--max-change-size", 400, "most changed lines in the whole change (default: 400)")
    valid = (Example("a = 1\nb = 2\n", base="a = 1\n", options={option.flag: 1}),)
    invalid = (
        Example(
            "a = 1\nb = 2\nc = 3\n",
            base="a = 0\n",
            options={option.flag: 3},
            expected=(
                "1:1: RVW403 the whole change is 4 changed lines in 1 file (> 3): split it into changes that can "
                "each be reviewed in one sitting",
            ),
        ),
    )

    def measure(self, whole: ChangeSummary) -> int:
        return whole.lines


class ChangeSpread(_WholeChangeRule):
    """## What it does
    Reports, once per run, a change spread over more than `--max-change-files` files, counted as for
    `RVW403` (lock, binary and generated files set aside). The message also gives the number of folders
    and the change's entropy: 0 when one file holds all changed lines, 1 when every file holds an equal
    share (Hassan, 2009), and suggests a split by top-level folder. It sits where `RVW403` does.

    ## Why is this bad?
    The more files a change touches, the fewer useful comments its review gets (Bosu, Greiler and Bird,
    2015); about 90% of changes at Google touch fewer than 10 files.

    ## Example
    A dependency upgrade that also reformats twenty modules: land the formatting alone, where nobody has to
    read it line by line, then the upgrade.

    ## Options
    - `--max-change-files` (default 10): the most files the whole change may touch.
    """

    code = "RVW404"
    summary = "the whole change is spread over more than N files (reported once)"
    message = (
        "the whole change spreads over {files} in {folders} (> {limit} files, entropy "
        "{entropy:.2f}): {hint}"
    )
    option = Option("--max-change-files", 10, "most files the whole change may touch (default: 10)")
    valid = (Example("a = 1\n", base="a = 0\n", options={option.flag: 1}),)
    invalid = (
        Example(
            "a = 1\n",
            base="a = 0\n",
            options={option.flag: 0},
            expected=(
                "1:1: RVW404 the whole change spreads over 1 file in 1 folder (> 0 files, entropy 0.00): split "
                "it into changes that can each be reviewed in one sitting",
            ),
        ),
    )

    def measure(self, whole: ChangeSummary) -> int:
        return whole.files
