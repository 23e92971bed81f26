"""RVW301 and RVW302: blocks duplicated in the same file or elsewhere in the project."""
from __future__ import annotations

from collections.abc import Iterator

from flake8_reviewable.context import NO_CONTEXT, FileContext
from flake8_reviewable.duplication import Duplicate
from flake8_reviewable.facts import FileFacts, Position
from flake8_reviewable.rules.base import Example, Finding, Option, Rule, counted

MIN_DUPLICATE_SIZE = Option(
    "--min-duplicate-size", 6, "fewest statements a duplicated block must hold to be reported (default: 6)"
)

_COPY = (
    "def total(items):\n    result = 0\n    for item in items:\n        if item.paid:\n"
    "            result += item.price\n    log(result)\n    audit(result)\n    return result\n"
)
_RENAMED_COPY = (
    "def subtotal(lines):\n    amount = 0\n    for line in lines:  # same shape, other names\n"
    "        if (line.paid):\n            amount += line.price\n    log(amount)\n    audit(amount)\n"
    "    return amount\n"
)
_DOCS = """
    A block is a run of consecutive sibling statements (a function body, a loop body, module-level code)
    holding at least `--min-duplicate-size` statements, nested statements included. Copies match when they
    are identical but for layout, comments and redundant parentheses (type-1 clones), and also when names
    and literals were changed (type-2 clones), as long as the renaming is consistent: `x = x + x` does
    not match `a = b + c`, while `total = total + 1` matches `count = count + 2`. Overlapping matches merge
    into one finding per maximal block, on the block's first statement and its column, while the copy
    they match continues, so a block and the copy it names have the same size and name each other. The
    advice says "both" for two copies and "every copy" past two.

    Never counted: imports, `__all__`, docstrings, function and class signatures and decorators (bodies
    are compared, not the `def` lines), `if TYPE_CHECKING:` blocks, `try`/`except ImportError` shims, and
    runs that only bind names to constants (data tables) or to bare names (`self.host = host`, ...), runs
    of assignments directly in a class body (model fields, declarative attributes), and a repetition
    inside one block (`step_1 = x`, `step_2 = x`, ...), which is not a copy of that block.
"""


def _others_text(duplicate: Duplicate, path: str, same_file: bool) -> str:
    """The copy to name (the first in (path, line) order, in this file for RVW301) and how many more."""
    candidates = [copy for copy in duplicate.others if (copy.path == path) == same_file] or list(duplicate.others)
    first = candidates[0]
    more = duplicate.total_others - 1
    where = f"line {first.line}" if first.path == path else f"{first.path}:{first.line}"
    return where + (f" and {counted(more, 'more copy', 'more copies')}" if more else "")


class _DuplicateRule(Rule):
    same_file: bool

    def check(self, facts: FileFacts, context: FileContext = NO_CONTEXT) -> Iterator[Finding]:
        for duplicate in context.duplicates:
            has_local_copy = any(copy.path == context.path for copy in duplicate.others)
            if has_local_copy == self.same_file:
                yield self.finding(
                    Position(duplicate.first, duplicate.col),
                    size=duplicate.size,
                    value=duplicate.size,
                    copies=_others_text(duplicate, context.path, self.same_file),
                    every="both" if duplicate.total_others == 1 else "every copy",
                    span=(duplicate.first, duplicate.last),
                )


class DuplicateInFile(_DuplicateRule):
    __doc__ = """## What it does
    Reports a block of code that appears again in the same file. The finding names the other copy's line
    and how many more copies exist, in this file or others.
    """ + _DOCS + """
    ## Why is this bad?
    A copy doubles what a reviewer must read and what a fix must reach; a fix applied to one copy and not
    the other is a classic defect. Copy-pasted lines rose from 8.3% to 12.3% of changed lines between 2021
    and 2024 as code assistants spread (GitClear, 2025).

    ## Example
    Two methods that both total the paid items of a list, one with `items`, the other with `lines`:
    extract `paid_total(entries)` and call it from both.

    ## Options
    - `--min-duplicate-size` (default 6): the fewest statements a duplicated block must hold to be reported.
    """

    code = "RVW301"
    summary = "block duplicated elsewhere in the same file"
    message = (
        "block of {size} statements (>= {limit}) is duplicated at {copies}: extract it into a function {every} "
        "can call"
    )
    option = MIN_DUPLICATE_SIZE
    same_file = True
    valid = (Example(_COPY),)
    invalid = (
        Example(
            _COPY + "\n\n" + _RENAMED_COPY,
            expected=(
                "2:5: RVW301 block of 7 statements (>= 6) is duplicated at line 12: extract it into a function both "
                "can call",
                "12:5: RVW301 block of 7 statements (>= 6) is duplicated at line 2: extract it into a function both "
                "can call",
            ),
        ),
    )


class DuplicateInProject(_DuplicateRule):
    __doc__ = """## What it does
    Reports a block of code that appears in another file of the project: the files this flake8 run checks
    (its paths, `exclude`, `extend-exclude` and `filename` settings). For code on stdin (an editor), the
    buffer is compared with the files under the project root (the git top level, else the current folder).
    The finding names the first other copy as `path:line`, in (path, line) order, and how many more exist.
    """ + _DOCS + """
    ## Why is this bad?
    A copy in another module is a copy nobody sees while reviewing either one: the next fix reaches one of
    them. No other flake8 plugin or ruff rule finds them; pylint's `duplicate-code` finds only line-exact
    copies and reports them on line 1 of an unrelated module.

    ## Example
    `billing/invoice.py` and `shop/cart.py` both total paid items: move the loop into one helper that both
    import.

    ## Options
    - `--min-duplicate-size` (default 6): the fewest statements a duplicated block must hold to be reported.
    """

    code = "RVW302"
    summary = "block duplicated in another file of the project"
    message = "block of {size} statements (>= {limit}) is duplicated in {copies}: move it where {every} can use it"
    option = MIN_DUPLICATE_SIZE
    same_file = False
    valid = (Example(_COPY, options={"--min-duplicate-size": 8}),)
    invalid = (
        Example(
            _RENAMED_COPY,
            others={"billing.py": _COPY},
            expected=(
                "2:5: RVW302 block of 7 statements (>= 6) is duplicated in billing.py:2: move it where both can use it",
            ),
        ),
    )
