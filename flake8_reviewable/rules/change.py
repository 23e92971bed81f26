"""RVW400-RVW404: how large and how scattered the change under review is, per file and as a whole."""
from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING

from flake8_reviewable.context import NO_CONTEXT, FileContext
from flake8_reviewable.facts import FileFacts, Position
from flake8_reviewable.rules.base import Example, Finding, Option, Rule, counted

# What a change is made of is imported where a change is measured: a run without one (an editor buffer
# outside git) does not import it for the rules' sake.
if TYPE_CHECKING:
    from flake8_reviewable.change import Edits
    from flake8_reviewable.composition import ChangeSummary, FileCount

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
        "lines": counted(whole.lines, "changed line") + " of code",
        "files": counted(len(whole.code), "file"),
        "folders": counted(whole.directories, "folder"),
        "entropy": whole.entropy,
        "beside": _beside(whole),
        "hint": _split_hint(whole),
    }


def _beside(whole: ChangeSummary) -> str:
    """The lines shown beside the code's, and the moved lines among the code's: never silently dropped."""
    from flake8_reviewable.composition import Kind

    parts = [f"{whole.lines_of(kind)} of {kind.value}" for kind in (Kind.TESTS, Kind.DOCS, Kind.OTHER)
             if whole.lines_of(kind)]
    text = f", besides {', '.join(parts)}" if parts else ""
    if whole.signature_lines:
        text += f"; {counted(whole.signature_lines, 'line')} of signature edits set apart"
    return text + (f"; {whole.moved} of its lines moved, counted once" if whole.moved else "")


def _split_hint(whole: ChangeSummary) -> str:
    rows = whole.by_top_level()
    if len(rows) < 2:
        hint = "split it into changes that can each be reviewed in one sitting"
    else:
        parts = ", ".join(
            f"{top} ({counted(files, 'file')}, {counted(lines, 'line')})" for top, files, lines in rows[:4]
        )
        hint = f"split it, e.g. by top-level folder: {parts}"
    if whole.data:
        listed = ", ".join(f"{path} ({reason})" for path, reason in whole.data[:_SHOWN_NAMES])
        more = f" and {len(whole.data) - _SHOWN_NAMES} more" if len(whole.data) > _SHOWN_NAMES else ""
        hint += f"; not counted: {listed}{more}"
    return hint


def _is_code(count: FileCount | None) -> bool:
    """Whether a changed file is code, the kind the per-file limits apply to (a file the change does not
    know, as in an editor outside the change, counts as its name says)."""
    from flake8_reviewable.composition import Kind

    return count is not None and count.kind is Kind.CODE


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
    Reports a code file whose own change is larger than `--max-file-change` changed lines: lines added
    plus lines deleted, as `git diff --numstat` counts them (blank and comment lines included), between the
    file at the merge base and the file now. A renamed file is compared with its old name. Only code
    counts: test files, docs and data never get it (see `RVW403` for what a change is made of). Lines moved
    from another file of the change count once, here, where they arrived (the message says how many),
    and not in the file they left; a deleted file counts one line per definition it held.

    The finding sits on line 1. When several files of one run are over the limit, one finding lists them
    all, where `RVW403` sits, instead of one finding per file.

    ## Why is this bad?
    Reviewers find fewer defects per line past 200 to 400 lines in one sitting (SmartBear and Cisco), and
    one file is the unit a reviewer reads top to bottom.

    ## Example
    A 350-line rewrite of `billing/invoice.py`: land the new helper functions first, then switch callers
    over in a second change.

    ## Options
    - `--max-file-change` (default 200): the most changed lines one code file's change may hold.
    """

    code = "RVW401"
    summary = "this file's change is larger than N changed lines"
    message = "{what} (> {limit}){moved}: split {them} into smaller changes"
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
        if change is None:
            return
        over = change.whole.code_larger_than(self.limit) if change.whole else ()
        if len(over) > 1:  # several files of the run: one finding, where the whole-change findings sit
            listed = ", ".join(f"{item.path} ({item.lines})" for item in over[:_SHOWN_NAMES])
            more = f" and {len(over) - _SHOWN_NAMES} more" if len(over) > _SHOWN_NAMES else ""
            what = f"{len(over)} files' changes are larger than their limit: {listed}{more}"
            yield self.finding(_FIRST_LINE, value=len(over), what=what, moved="", them="them")
            return
        count = change.file.count if change.file else None
        grouped = change.summary is not None and change.summary.several_larger_than(self.limit)
        if _is_code(count) and count.lines > self.limit and not grouped:
            moved = f", {count.moved_in} of them moved here" if count.moved_in else ""
            what = f"this file's change is {counted(count.lines, 'changed line')}"
            yield self.finding(_FIRST_LINE, value=count.lines, what=what, moved=moved, them="it")


class ScatteredFileChange(Rule):
    """## What it does
    Reports a file whose change edits more than `--max-touched-definitions` functions, methods and
    classes that existed at the merge base. The lines come from git's own diff hunks (for an editor buffer,
    from the buffer against its base text), mapped onto both sides: an added line belongs to the
    innermost definition holding it now, a deleted line to the innermost one holding it at the merge base,
    so editing one method is one place, not the method and its class, and a deleted definition counts
    (marked `deleted`; a deleted class is one place, not one per method). New definitions count toward the
    change's size (`RVW401`), not its spread, so a new file never gets this finding. Like `RVW401`, it
    applies to code files only: a test module whose tests were all touched is one change to the tests.

    An edit confined to a definition's decorators and signature is a *signature edit*: shown apart, not
    counted, so a sweep (a type-hint pass, a renamed parameter, `from __future__ import annotations`) is not
    flagged. A *moved* definition is shown apart and not counted either, since a move is one idea however
    many definitions it carries: one deleted here whose every line arrived elsewhere in the change (moved
    lines, as `RVW401` counts them), or one whose text is the same as at the merge base but that changed
    places in a reordered module. It sits on line 1 and names the first few.

    ## Why is this bad?
    A change spread over many definitions asks the reviewer to rebuild many contexts; the spread of a change
    predicts its defects (Kamei et al., 2013; Hassan, 2009).

    ## Example
    A rename of a parameter through twelve functions, mixed with a bug fix in one of them: land the rename
    alone, mechanically, then the fix.

    ## Options
    - `--max-touched-definitions` (default 8): the most functions and classes one file's change may edit.
    """

    code = "RVW402"
    summary = "this file's change is scattered over more than N functions/classes"
    message = "this file's change edits {value} functions and classes (> {limit}): {names}{apart}; split it by concern"
    option = Option("--max-touched-definitions", 8, "most definitions one file's change may touch (default: 8)")
    valid = (
        Example("def f():\n    return 2\n\n\ndef g():\n    return 1\n", base="def f():\n    return 1\n\n\n"
                "def g():\n    return 1\n", options={option.flag: 1}),
        Example("def f(x: int):\n    return x\n\n\ndef g(y: int):\n    return y\n",
                base="def f(x):\n    return x\n\n\ndef g(y):\n    return y\n", options={option.flag: 1}),
        Example("def largest(names):\n    found = max(names)\n    return found.title()\n\n\n"
                "def smallest(items):\n    least = min(items)\n    return least\n",
                base="def smallest(items):\n    least = min(items)\n    return least\n\n\n"
                     "def largest(names):\n    found = max(names)\n    return found.title()\n",
                options={option.flag: 0}),
    )
    invalid = (
        Example(
            "def f():\n    return 2\n\n\ndef g():\n    return 2\n",
            base="def f():\n    return 1\n\n\ndef g():\n    return 1\n",
            options={option.flag: 1},
            expected=("1:1: RVW402 this file's change edits 2 functions and classes (> 1): f, g; split it by concern",),
        ),
        Example(
            "def f(x: int):\n    return 2\n\n\ndef h(y: int):\n    return y\n",
            base="def f(x):\n    return 1\n\n\ndef g():\n    return 1\n\n\ndef h(y):\n    return y\n",
            options={option.flag: 1},
            expected=("1:1: RVW402 this file's change edits 2 functions and classes (> 1): f, g (deleted); "
                      "besides, 1 signature edit; split it by concern",),
        ),
    )

    def check(self, facts: FileFacts, context: FileContext = NO_CONTEXT) -> Iterator[Finding]:
        change = context.change
        if not change or not change.file or not _is_code(change.file.count):
            return
        found = change.file.edits
        if len(found.scattered) > self.limit:
            deleted = set(found.deleted)
            shown = [f"{name} (deleted)" if name in deleted else name for name in found.scattered[:_SHOWN_NAMES]]
            names = ", ".join(shown)
            if len(found.scattered) > _SHOWN_NAMES:
                names += f" and {len(found.scattered) - _SHOWN_NAMES} more"
            yield self.finding(_FIRST_LINE, value=len(found.scattered), names=names, apart=_apart(found))


def _apart(found: Edits) -> str:
    """What the change also did to definitions without scattering itself: signature edits and moves."""
    parts = [counted(len(found.signatures), "signature edit")] if found.signatures else []
    if found.moved:
        parts.append(f"{counted(len(found.moved), 'definition')} moved")
    return f"; besides, {' and '.join(parts)}" if parts else ""


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
    Reports, once per run, a change whose code is larger than `--max-change-size` changed lines: every
    file that differs between the merge base and the work tree, untracked files that git does not ignore
    counted as added. What a change is made of:

    | kind | which files | counted |
    |---|---|---|
    | code | Python files that are not tests | yes |
    | tests | Python under a `test`/`tests` folder, `test_*.py`, `*_test.py`, `conftest.py` | shown beside |
    | docs | under `doc`/`docs`, `*.md`, `*.rst`, `*.txt` (not requirements), changelogs | shown beside |
    | data | binary, lock, `linguist-generated` or `-vendored` files, non-Python files under test folders | listed |
    | other | configuration, non-Python code | shown beside |

    `.gitattributes` can say it too: `linguist-documentation` makes a file docs.

    A line deleted in one place and added unchanged (indentation aside) in another place of the change, in
    a run of at least 3 lines holding some 20 letters or digits, is *moved*: it counts once, where it
    arrived, and the message says how many. A deleted file counts one line per definition it held (a
    deleted non-Python file, one line). In an editor, the buffer replaces the file on disk in the totals.

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
    message = "the whole change is {lines} in {files} (> {limit}){beside}: {hint}"
    option = Option("--max-change-size", 400, "most changed lines in the whole change (default: 400)")
    valid = (Example("a = 1\nb = 2\n", base="a = 1\n", options={option.flag: 1}),)
    invalid = (
        Example(
            "a = 1\nb = 2\nc = 3\n",
            base="a = 0\n",
            options={option.flag: 3},
            expected=(
                "1:1: RVW403 the whole change is 4 changed lines of code in 1 file (> 3): split it into changes "
                "that can each be reviewed in one sitting",
            ),
        ),
    )

    def measure(self, whole: ChangeSummary) -> int:
        return whole.lines


class ChangeSpread(_WholeChangeRule):
    """## What it does
    Reports, once per run, a change whose code is spread over more than `--max-change-files` files,
    counted as for `RVW403` (code files only). Spread needs size: a change under 100 changed lines of code
    is never too spread, whatever its file count, since a sweep (a dropped Python version, a type-hint
    pass, one pragma comment in thirteen files) is one idea, reviewed at once. The message also gives the
    number of folders and the change's entropy: 0 when one file holds all changed lines, 1 when every file
    holds an equal share (Hassan, 2009), and suggests a split by top-level folder. It sits where `RVW403`
    does.

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
        "the whole change's code spreads over {files} in {folders} (> {limit} files, entropy "
        "{entropy:.2f}){beside}: {hint}"
    )
    option = Option("--max-change-files", 10, "most files the whole change may touch (default: 10)")
    valid = (
        Example("a = 1\n", base="a = 0\n", options={option.flag: 1}),
        Example("a = 1\n", base="a = 0\n", options={option.flag: 0}),  # 2 changed lines: under 100
    )
    invalid = (
        Example(
            "".join(f"a{n} = {n}\n" for n in range(100)),
            base="a = 0\n",
            options={option.flag: 0},
            expected=(
                "1:1: RVW404 the whole change's code spreads over 1 file in 1 folder (> 0 files, entropy 0.00): "
                "split it into changes that can each be reviewed in one sitting",
            ),
            shown="a0 = 0\na1 = 1\n...\na99 = 99  # 101 changed lines against 'a = 0'\n",
        ),
    )

    def measure(self, whole: ChangeSummary) -> int:
        from flake8_reviewable.composition import MIN_SPREAD_LINES

        return len(whole.code) if whole.lines >= MIN_SPREAD_LINES else 0
