"""RVW203 and RVW204: functions with too many paths or too many chunks of nested logic."""
from __future__ import annotations

from collections.abc import Iterator

from flake8_reviewable.facts import FileFacts
from flake8_reviewable.rules.base import Example, Finding, Option, Rule


class CyclomaticComplexity(Rule):
    """## What it does
    Reports a function whose cyclomatic complexity, as [radon](https://radon.readthedocs.io/) computes it
    on the `ast` flake8 already parsed, is above `--max-cyclomatic-complexity`.

    radon starts at 1 and adds one for each `if`, `elif` and conditional expression; each `for`, `async for`
    and `while`, plus one for its `else`; each `except` clause, plus one for a `try`'s `else`; each extra
    operand of a boolean sequence (`a and b and c` adds 2); each `for` and `if` of a comprehension; each
    `case` of a `match` except a bare `case _`; and each `assert`.

    Methods are measured like functions. A nested function is measured on its own and adds nothing to the
    function around it: these are the numbers `radon cc --show-closures` prints. The finding sits on the
    `def` line.

    ## Why is this bad?
    Cyclomatic complexity counts the independent paths through a function: the number of tests needed to
    run each branch at least once, and the number of cases a reviewer has to imagine.

    ## Example
    ```python
    def price(order):                  # 1
        if order.vip and order.total:  # +1 (if) +1 (and)
            return order.total * 0.9
        for item in order.items:       # +1
            if item.free:              # +1
                continue
        return order.total             # cyclomatic complexity 5
    ```

    ## Options
    - `--max-cyclomatic-complexity` (default 10): the highest cyclomatic complexity a function may have.
    """

    code = "RVW203"
    summary = "cyclomatic complexity (computed by radon) above N"
    message = (
        "function '{name}' has cyclomatic complexity {value} (> {limit}): it takes {value} tests to cover its "
        "paths; split it"
    )
    option = Option("--max-cyclomatic-complexity", 10, "highest cyclomatic complexity of a function (default: 10)")
    valid = (Example("def pick(a, b):\n    if a:\n        return a\n    return b\n", options={option.flag: 2}),)
    invalid = (
        Example(
            "def price(order):\n    if order.vip and order.total:\n        return order.total * 0.9\n"
            "    for item in order.items:\n        if item.free:\n            continue\n    return order.total\n",
            options={option.flag: 4},
            expected=(
                "1:1: RVW203 function 'price' has cyclomatic complexity 5 (> 4): it takes 5 tests to cover its "
                "paths; split it",
            ),
        ),
    )

    def check(self, facts: FileFacts) -> Iterator[Finding]:
        for unit in facts.functions:
            if unit.cyclomatic > self.limit:
                yield self.finding(unit.position, name=unit.name, value=unit.cyclomatic)


class BumpyRoad(Rule):
    """## What it does
    Reports a function with more than `--max-bumps` bumps: separate chunks of logic nested two or more
    levels deep, CodeScene's "Bumpy Road" smell.

    A bump is a maximal run of consecutive top-level statements of the function's body whose blocks reach
    depth 2 (an `if` inside a `for`, a `for` inside a `with`, a `lambda` inside an `if`; levels count as
    for `RVW201`). Bumps are separated by at least one top-level statement that stays shallower. The finding
    sits on the `def` line and lists where each bump starts.

    ## Why is this bad?
    Each bump is a piece of logic with its own purpose that was never given a name. A reader has to work
    out where one ends and the next begins; extracted into functions, each gets a name and can be reviewed
    and tested alone.

    ## Example
    ```python
    def process(rows):
        for row in rows:          # bump 1
            if row.bad:
                skip(row)
        total = 0                 # shallow: separates bumps
        for row in rows:          # bump 2
            if row.ok:
                total += 1
        log(total)
        with lock:                # bump 3
            for row in rows:
                save(row)
        return total
    ```
    Three bumps: extract `skip_bad_rows`, `count_ok` and `save_all`.

    ## Options
    - `--max-bumps` (default 2): the most bumps a function may have.
    """

    code = "RVW204"
    summary = 'more than N separate chunks of logic nested 2+ levels deep in one function ("bumpy road")'
    message = "function '{name}' has {value} bumps (> {limit}), nested chunks at lines {lines}: extract each one"
    option = Option("--max-bumps", 2, "most chunks of logic nested 2+ levels deep in a function (default: 2)")
    valid = (
        Example(
            "def process(rows):\n    for row in rows:\n        if row.bad:\n            skip(row)\n"
            "    for row in rows:\n        if row.ok:\n            count(row)\n    return rows\n",
            options={option.flag: 1},
        ),
    )
    invalid = (
        Example(
            "def process(rows):\n    for row in rows:\n        if row.bad:\n            skip(row)\n"
            "    total = 0\n    for row in rows:\n        if row.ok:\n            total += 1\n    log(total)\n"
            "    with lock:\n        for row in rows:\n            save(row)\n    return total\n",
            expected=(
                "1:1: RVW204 function 'process' has 3 bumps (> 2), nested chunks at lines 2, 6, 10: extract each "
                "one",
            ),
        ),
    )

    def check(self, facts: FileFacts) -> Iterator[Finding]:
        for unit in facts.functions:
            if len(unit.bumps) > self.limit:
                lines = ", ".join(str(start.line) for start in unit.bumps)
                yield self.finding(unit.position, name=unit.name, value=len(unit.bumps), lines=lines)
