"""RVW202, RVW203 and RVW204: functions too hard to follow, with too many paths, or too many nested chunks."""
from __future__ import annotations

from flake8_reviewable.facts import UnitFacts
from flake8_reviewable.rules.base import Example, Option, UnitRule


class CognitiveComplexity(UnitRule):
    """## What it does
    Reports a function whose cognitive complexity is above `--max-cognitive-complexity`, and names the
    lines that add most to it.

    The score follows G. Ann Campbell's SonarSource white paper, "Cognitive Complexity", and, where the paper
    says nothing about Python, SonarSource's own Python analyser:

    | construct | adds |
    |---|---|
    | `if`, ternary, `for`, `async for`, `while`, each `except` clause, `match` (once) | 1 + nesting level |
    | `elif`; `else` of `if`, of a loop and of `try` | 1 |
    | each sequence of like boolean operators (`a and b and c`: 1; `a and b or c`: 2; `a and not (b and c)`: 2) | 1 |
    | a call of the function to itself (`f()`, or `self.f()` in a method), once per function | 1 |
    | `try`, `finally`, `with`, `break`, `continue`, `return`, comprehensions, `not` | 0 |

    The nesting level starts at 0 in the function body and grows by one inside the body of each construct
    in the first two rows, inside the three parts of a conditional expression, inside a `lambda`, and
    inside a nested `def`. Nested functions and lambdas add nothing themselves, but their contents are
    folded into the enclosing function one level deeper; they are not reported on their own, and the
    message names those whose code adds to the score (`'traverse' (its nested '_walk' included)`). A decorator's
    wrapper is exempt: in a function made only of a docstring, one nested `def` and `return name`, the
    nested function's body stays at the decorator's level (the paper's Appendix A). A class inside a
    function starts its methods at level 0 again, as sonar-python does.

    Where this differs from others: sonar-python gives `match` 0 (the paper counts a `switch` once; so do
    we), does not nest lambdas (the paper does; so do we) and does not count recursion (the paper does; we
    count direct recursion, not cycles through other functions). We also let the decorator wrapper keep a
    docstring. complexipy scores comprehensions and gives no point to a loop's or a `try`'s `else`.

    ## Why is this bad?
    Cognitive complexity measures how hard code is to follow, not how many paths it has: nesting costs more
    than sequence, and a `match` costs less than a chain of `if`s. Past 15 (Sonar's default) a function needs
    a second careful read to be reviewed.

    ## Example
    ```python
    def price(order, codes):
        if order.vip:                        # +1
            return order.total * 0.9
        for item in order.items:             # +1
            if item.code in codes:           # +2 (nesting 1)
                if item.free or item.gift:   # +3 (nesting 2), +1 (or)
                    continue
        return order.total                   # 8, most from line 6 (+4)
    ```

    ## Options
    - `--max-cognitive-complexity` (default 15): the highest cognitive complexity a function may have.
    """

    code = "RVW202"
    summary = "cognitive complexity (SonarSource definition) above N"
    message = (
        "function '{name}'{folded} has cognitive complexity {value} (> {limit}), most from lines {hotspots}: "
        "flatten or extract those parts"
    )
    option = Option("--max-cognitive-complexity", 15, "highest cognitive complexity of a function (default: 15)")
    valid = (
        Example(
            "def notify(users):\n    for user in users:\n        if user.active:\n            send(user)\n",
            options={option.flag: 3},
        ),
    )
    invalid = (
        Example(
            "def price(order, codes):\n    if order.vip:\n        return order.total * 0.9\n"
            "    for item in order.items:\n        if item.code in codes:\n"
            "            if item.free or item.gift:\n                continue\n    return order.total\n",
            options={option.flag: 5},
            expected=(
                "1:1: RVW202 function 'price' has cognitive complexity 8 (> 5), most from lines 6 (+4), 5 (+2), "
                "2 (+1): flatten or extract those parts",
            ),
        ),
        Example(
            "def traverse(tree):\n    def _walk(node):\n        for child in node:\n            if child:\n"
            "                _walk(child)\n    _walk(tree)\n",
            options={option.flag: 3},
            expected=(
                "1:1: RVW202 function 'traverse' (its nested '_walk' included) has cognitive complexity 6 (> 3), "
                "most from lines 4 (+3), 3 (+2), 5 (+1): flatten or extract those parts",
            ),
        ),
    )

    def measure(self, unit: UnitFacts) -> int | None:
        return unit.cognitive

    def details(self, unit: UnitFacts) -> dict[str, object]:
        nested = ", ".join(f"'{name}'" for name in unit.cognitive_nested)
        return {"hotspots": ", ".join(f"{line} (+{amount})" for line, amount in unit.cognitive_hotspots),
                "folded": f" (its nested {nested} included)" if nested else ""}


class CyclomaticComplexity(UnitRule):
    """## What it does
    Reports a function whose cyclomatic complexity, as [radon](https://radon.readthedocs.io/) computes it
    on the `ast` flake8 already parsed, is above `--max-cyclomatic-complexity`.

    radon starts at 1 and adds one for each `if`, `elif` and conditional expression; each `for`, `async for`
    and `while`, plus one for its `else`; each `except` clause, plus one for a `try`'s `else`; each extra
    operand of a boolean sequence (`a and b and c` adds 2); each `for` and `if` of a comprehension; each
    `case` of a `match` except a bare `case _`. An `assert` adds nothing (radon's `no_assert`): it checks a
    path, it does not open one, and a flat test of forty asserts does not take forty-one tests to cover.

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
    - `--max-cyclomatic-complexity` (default 15): the highest cyclomatic complexity a function may have. McCabe
      proposed 10 and NIST SP 500-235 allows up to 15 for experienced teams; at 10 this rule alone flagged
      1.3% of Django's functions and pushed all function rules together past 3% (docs/calibration.md).
    """

    code = "RVW203"
    summary = "cyclomatic complexity (computed by radon) above N"
    message = (
        "function '{name}' has cyclomatic complexity {value} (> {limit}): it takes {value} tests to cover its "
        "paths; split it"
    )
    option = Option("--max-cyclomatic-complexity", 15, "highest cyclomatic complexity of a function (default: 15)")
    valid = (
        Example("def pick(a, b):\n    if a:\n        return a\n    return b\n", options={option.flag: 2}),
        Example("def test_parse():\n" + "".join(f"    assert parse({n}) == {n}\n" for n in range(30)),
                options={option.flag: 1}, shown="def test_parse():\n    assert parse(0) == 0\n    ...  # 30 asserts\n"),
    )
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

    def measure(self, unit: UnitFacts) -> int:
        return unit.cyclomatic


class BumpyRoad(UnitRule):
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

    noun = "bumps"

    def measure(self, unit: UnitFacts) -> int:
        return len(unit.bumps)

    def details(self, unit: UnitFacts) -> dict[str, object]:
        return {"lines": ", ".join(str(start.line) for start in unit.bumps)}
