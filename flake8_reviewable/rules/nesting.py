"""RVW201: control flow nested too deeply."""
from __future__ import annotations

from collections.abc import Iterable

from flake8_reviewable.facts import MODULE_NAME, FileFacts, Position, UnitFacts
from flake8_reviewable.rules.base import Example, Option, UnitRule


class NestingDepth(UnitRule):
    """## What it does
    Reports a function whose blocks nest deeper than `--max-nesting-depth`.

    Each of `if`, `for`, `while`, `try`, `with`, `match` (and their `async` forms) opens a block one level
    deeper than the statement; so do a nested `def`, `class` or `lambda`. `elif`, `else`, `except`,
    `finally` and `case` open no level beyond their statement's. A function's body is depth 0; code outside
    any function (module-level code and class bodies) is measured as one unit named `<module>`.

    The finding is reported once per function, on the first block (in source order) that goes past the
    limit, and gives the function's deepest level. A nested function is measured on its own, and its blocks
    also count in the enclosing function, one level deeper.

    ## Why is this bad?
    Every level is a condition the reader has to keep in mind to know when a line runs. Past four levels
    (CodeScene's guidance; about 0.4% of Django's functions go deeper) the reader loses track.

    ## Example
    ```python
    def sync(items):
        for item in items:                 # opens depth 1
            if item.ready:                 # 2
                with lock:                 # 3
                    try:                   # 4
                        if item.stale:     # 5: reported here
                            item.refresh()
                    except Timeout:
                        pass
    ```
    Return early (`if not item.ready: continue`) or extract the inner block into a function.

    ## Options
    - `--max-nesting-depth` (default 4): the deepest level a function's blocks may open.
    """

    code = "RVW201"
    summary = "control-flow nesting deeper than N (reported on the first block past the limit)"
    message = "{subject} is nested {value} levels deep (> {limit}): return early or extract the inner block"
    option = Option("--max-nesting-depth", 4, "deepest nesting of blocks in a function (default: 4)")
    valid = (
        Example(
            "def sync(items):\n    for item in items:\n        if not item.ready:\n            continue\n"
            "        with lock:\n            try:\n                if item.stale:\n                    item.refresh()\n"
            "            except Timeout:\n                pass\n",
        ),
    )
    invalid = (
        Example(
            "def sync(items):\n    for item in items:\n        if item.ready:\n            with lock:\n"
            "                try:\n                    if item.stale:\n                        item.refresh()\n"
            "                except Timeout:\n                    pass\n",
            expected=(
                "6:21: RVW201 function 'sync' is nested 5 levels deep (> 4): return early or extract the inner "
                "block",
            ),
        ),
        Example(
            "def handlers(events):\n    for event in events:\n        register(lambda: event.fire())\n",
            options={"--max-nesting-depth": 1},
            expected=(
                "3:18: RVW201 function 'handlers' is nested 2 levels deep (> 1): return early or extract the "
                "inner block",
            ),
        ),
        Example(
            "if DEBUG:\n    for name in NAMES:\n        print(name)\n",
            options={"--max-nesting-depth": 1},
            expected=(
                "2:5: RVW201 module-level code is nested 2 levels deep (> 1): return early or extract the inner "
                "block",
            ),
        ),
    )

    noun = "levels"

    def units(self, facts: FileFacts) -> Iterable[UnitFacts]:
        return (facts.module, *facts.functions) if facts.module else facts.functions

    def measure(self, unit: UnitFacts) -> int:
        return unit.max_depth

    def where(self, unit: UnitFacts) -> Position:
        return unit.first_block_deeper_than(self.limit) or unit.position

    def details(self, unit: UnitFacts) -> dict[str, object]:
        return {"subject": "module-level code" if unit.name == MODULE_NAME else f"function '{unit.name}'"}
