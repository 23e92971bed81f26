"""RVW406: the change loosens the gate itself."""
from __future__ import annotations

from collections.abc import Iterator

from flake8_reviewable.context import NO_CONTEXT, FileContext
from flake8_reviewable.facts import FileFacts, Position
from flake8_reviewable.rules.base import Example, Finding, Rule

_SHOWN = 6


class GateLoosened(Rule):
    """## What it does
    Reports, once per run, a change that loosens this gate, compared with the merge base (see
    `--reviewable-base`):
    - an RVW limit raised in the `[flake8]` section of the configuration flake8 reads (the first of
      `setup.cfg`, `tox.ini`, `.flake8` that holds one, from the folder flake8 runs in up to the top of the
      work tree, or the file `--config` names): `--max-function-length` and every other limit, including
      `--min-duplicate-size` (a larger minimum reports fewer blocks). A limit missing on either side is its
      default (so removing `max-function-length = 30` raises it to 40); a base value that is not a number
      counts as the default, and the message says so;
    - an entry added to `ignore`, `extend-ignore` or `per-file-ignores` that silences RVW codes the base
      did not already silence there (`RVW`, `RVW1`, `RVW101`, and `R` or `RV` too);
    - a `select` (with its `extend-select`) that no longer selects some RVW codes the base selected;
    - `reviewable-scope` switched from `all` to `changed`;
    - a `# noqa` comment added in a Python file of the change that silences RVW codes: a bare `# noqa`
      (it silences every code, and so does `# noqa:RVW`, which flake8 reads as bare), `# noqa: RVW101`,
      `# noqa: RVW4`, and `# flake8: noqa` (flake8 skips the whole file). A comment that a deleted line of
      the same file already held is carried over, not added.

    The message lists each loosening as `FILE:LINE` and what went from what to what. flake8 prints findings
    only for the Python files it checks, so the finding sits in the changed checked file where `RVW403`
    sits (else the first checked file by path), on line 1, or on the first line of that file that no
    `# noqa` silences RVW406 on; the message names the configuration file and line.

    It cannot be silenced by the loosening itself: an ignore entry the change adds that covers RVW406
    (`RVW`, `RVW4`, `RVW40`, `RVW406`) keeps ignoring everything else it names, but not RVW406, and the
    finding avoids files that a `# flake8: noqa` or a `per-file-ignores` entry silences; a `select` in the
    configuration that drops RVW406 gets it back. What the base already ignored, and `--select` or
    `--ignore` on the command line, are obeyed.

    flake8 does not tell plugins about `--config`, `--append-config` or `--isolated`: the configuration
    compared is always the one flake8 finds on its own.

    ## Why is this bad?
    A gate that a change can quietly open is no gate: raising a limit, or adding a `# noqa`, is sometimes
    the right call, but it is a decision about the whole project, and a reviewer has to see it, in the
    diff's annotations, not find it in the third file of a long change.

    ## Example
    A change that adds to `setup.cfg`:
    ```ini
    [flake8]
    max-function-length = 1000
    per-file-ignores = src/legacy.py:RVW
    ```
    gets, on line 1 of its largest changed Python file, `RVW406 this change loosens the gate: setup.cfg:2
    raises max-function-length from 40 to 1000; setup.cfg:3 adds RVW to per-file-ignores for src/legacy.py
    (from '' to 'RVW'): ...`. Split the function instead, or send the loosening as its own change.

    ## Options
    None: the base comes from `--reviewable-base`, and with `--reviewable-base=none`, outside git, or when
    the change cannot be measured (`RVW400`), nothing is compared.
    """

    code = "RVW406"
    summary = "the change loosens the gate: raised RVW limits, RVW codes ignored, scope narrowed, `# noqa` added"
    message = "this change loosens the gate: {loosened}: review that decision on its own, or revert it"
    valid = (Example("x = 1\ny = 2  # noqa: E501\n", base="x = 1\ny = 2\n"),)
    invalid = (
        Example(
            "x = 1\ny = 2  # noqa\n",
            base="x = 1\ny = 2\n",
            expected=(
                "1:1: RVW406 this change loosens the gate: example.py:2 adds '# noqa' (silences every code): "
                "review that decision on its own, or revert it",
            ),
        ),
        Example(
            "x = 1  # noqa\ny = 2  # noqa: RVW101\n",
            base="x = 1\ny = 2\n",
            expected=(
                "2:1: RVW406 this change loosens the gate: example.py:1 adds '# noqa' (silences every code); "
                "example.py:2 adds '# noqa: RVW101': review that decision on its own, or revert it",
            ),
        ),
    )

    def check(self, facts: FileFacts, context: FileContext = NO_CONTEXT) -> Iterator[Finding]:
        change = context.change
        if change and change.loosened:
            described = [item.describe() for item in change.loosened]
            loosened = "; ".join(described[:_SHOWN])
            if len(described) > _SHOWN:
                loosened += f"; and {len(described) - _SHOWN} more"
            yield self.finding(Position(change.loosened_line, 0), loosened=loosened)
