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

    A block belongs to the innermost function that holds it, and its depth counts from the outermost
    function's body, every enclosing `def`, `class` and `lambda` included, since the reader holds them all:
    the body of a function nested at the top of another is at depth 1. Each function is reported once, on
    the first of its own blocks (in source order) that goes past the limit, with its deepest level; an
    enclosing function is not reported again for a block of the function nested in it, so one deep spot
    gives one finding. Code at module level is told to move into a function: it cannot return early.

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
    message = "{subject} is nested {value} levels deep (> {limit}): {advice}"
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
                "2:5: RVW201 module-level code is nested 2 levels deep (> 1): move it into a function and "
                "return early there, or extract the inner block",
            ),
        ),
        Example(
            "def auto(cls):\n    def do_replace(obj):\n        def auto_repr(self):\n            for name in self:\n"
            "                if name:\n                    yield name\n        return auto_repr\n"
            "    return do_replace\n",
            options={"--max-nesting-depth": 3},
            expected=(
                "5:17: RVW201 function 'auto.do_replace.auto_repr' is nested 4 levels deep (> 3): return early "
                "or extract the inner block",
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
        if unit.name == MODULE_NAME:
            return {"subject": "module-level code",
                    "advice": "move it into a function and return early there, or extract the inner block"}
        return {"subject": f"function '{unit.name}'", "advice": "return early or extract the inner block"}
