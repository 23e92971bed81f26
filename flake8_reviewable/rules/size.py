"""RVW101 and RVW102: functions and modules too long to review in one sitting."""
from __future__ import annotations

from collections.abc import Iterable

from flake8_reviewable.facts import FileFacts, Position, UnitFacts
from flake8_reviewable.rules.base import Example, Option, UnitRule


class FunctionLength(UnitRule):
    """## What it does
    Reports a function whose body holds more reviewable lines than `--max-function-length`.

    Reviewable lines are physical lines that hold code. Not counted: blank lines, comment-only lines,
    docstrings, and the signature and decorators (only the body counts). A literal made only of constants
    (a data table, a long string) counts as one line however many lines it spans, plus its last line when
    more code follows it there (`"..." % args`); a literal holding any name, call or f-string counts every
    line. A closing bracket on a line of its own holds code.

    Every `def` and `async def` is measured, methods and nested functions included. A line belongs to its
    innermost function: a function or class nested in another counts there as one line (its decorators
    and signature included), and the nested function is measured on its own, so a decorator factory with a
    90-line `wrapper` gets one finding, on `wrapper`. The finding sits on the `def` line, not on a
    decorator, and names the qualified name (`Class.method`, `outer.inner`).

    ## Why is this bad?
    A reviewer has to hold a whole function in mind to judge it. The Google Python style guide asks to
    think about splitting functions past about 40 lines; reviews that go past a few hundred lines an hour
    miss defects.

    ## Example
    ```python
    def load(path):
        '''Read the settings.'''   # docstring: not counted
        # open the file             # comment: not counted
        with open(path) as handle:  # 1
            text = handle.read()    # 2

        DEFAULTS = {                # 3: a constant table is one line
            "debug": False,
            "level": 3,
        }
        return parse(text, DEFAULTS)  # 4
    ```
    `load` is 4 lines long.
    ```python
    def retry(times):
        def decorator(function):    # 1 line of retry; decorator is measured on its own
            ...
        return decorator            # 2
    ```
    `retry` is 2 lines long.

    ## Options
    - `--max-function-length` (default 40): the most reviewable lines a function body may hold.
    """

    code = "RVW101"
    summary = "function body longer than N reviewable lines"
    message = "function '{name}' is {value} lines long (> {limit}): split it so it can be reviewed in one sitting"
    option = Option("--max-function-length", 40, "most reviewable lines in a function body (default: 40)")
    valid = (
        Example(
            'def load(path):\n    """Read it."""\n    # comment\n\n    text = read(path)\n'
            '    table = [\n        1,\n        2,\n    ]\n    return text, table\n',
            options={"--max-function-length": 3},
        ),
    )
    invalid = (
        Example(
            "class Store:\n    @cached\n    def load(self, path):\n        text = read(path)\n"
            "        rows = [\n            parse(text),\n        ]\n        return rows\n",
            options={"--max-function-length": 3},
            expected=(
                "3:5: RVW101 function 'Store.load' is 5 lines long (> 3): split it so it can be reviewed in one "
                "sitting",
            ),
        ),
        Example(
            "def retry(times):\n    def decorator(function):\n        def wrapper(*args):\n"
            "            for attempt in range(times):\n                try:\n"
            "                    return function(*args)\n                except OSError:\n"
            "                    log(attempt)\n            raise Failed(times)\n"
            "        return wrapper\n    return decorator\n",
            options={"--max-function-length": 5},
            expected=(
                "3:9: RVW101 function 'retry.decorator.wrapper' is 6 lines long (> 5): split it so it can be "
                "reviewed in one sitting",
            ),
        ),
    )

    noun = "lines"

    def measure(self, unit: UnitFacts) -> int:
        return unit.length


class ModuleLength(UnitRule):
    """## What it does
    Reports a module that holds more reviewable lines than `--max-module-length`, counted as for
    `RVW101` (no blank lines, comment-only lines or docstrings; a constant table is one line) over the whole
    file. The finding sits on line 1.

    ## Why is this bad?
    A module is the unit a reviewer navigates; past a thousand lines it holds several concerns that are
    easier to review, test and own apart.

    ## Example
    A 1,200-line `utils.py` mixing string helpers, date helpers and HTTP helpers: split it into
    `text.py`, `dates.py` and `http.py`.

    ## Options
    - `--max-module-length` (default 1000): the most reviewable lines a module may hold.
    """

    code = "RVW102"
    summary = "module longer than N reviewable lines"
    message = (
        "module is {value} reviewable lines long (> {limit}): split it into modules that can each be reviewed alone"
    )
    option = Option("--max-module-length", 1000, "most reviewable lines in a module (default: 1000)")
    valid = (Example('"""Docs."""\n\n# comment\nimport os\n\nprint(os.sep)\n', options={"--max-module-length": 2}),)
    invalid = (
        Example(
            "import os\n\n\ndef main():\n    print(os.sep)\n",
            options={"--max-module-length": 2},
            expected=(
                "1:1: RVW102 module is 3 reviewable lines long (> 2): split it into modules that can each be "
                "reviewed alone",
            ),
        ),
    )

    noun = "lines"

    def units(self, facts: FileFacts) -> Iterable[UnitFacts]:
        return (facts.module,) if facts.module else ()

    def measure(self, unit: UnitFacts) -> int:
        return unit.length

    def where(self, unit: UnitFacts) -> Position:
        return Position(1, 0)
