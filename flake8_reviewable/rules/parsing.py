"""RVW001: the file is valid Python but could not be analysed."""
from __future__ import annotations

from collections.abc import Iterator

from flake8_reviewable.context import NO_CONTEXT, FileContext
from flake8_reviewable.facts import FileFacts
from flake8_reviewable.rules.base import Example, Finding, Rule


class Unanalysable(Rule):
    """## What it does
    Reports a file that Python parses but this plugin could not measure, for a reason of its own: today,
    syntax nested so deeply (several hundred nested `lambda`s in a function, say) that radon's cyclomatic
    complexity visitor, which recurses once per level, exhausts Python's recursion limit. The message says
    why; the finding sits on line 1. The plugin measures the `ast` flake8 has already parsed, so a file
    Python parses is never refused because of another parser.

    A file Python itself cannot parse gets flake8's own `E999` and nothing from this plugin.

    ## Why is this bad?
    No other `RVW` rule can check the file, so a gate that stayed silent would pass code it never read.

    ## Example
    Six hundred nested lambdas are valid Python, but no reviewer and no recursive visitor can follow them:
    ```python
    def deep():
        return lambda: lambda: lambda: ...  # 600 levels
    ```

    ## Options
    None. To silence it for one generated file, use flake8's `per-file-ignores = generated.py:RVW001`.
    """

    code = "RVW001"
    summary = "file could not be analysed (says why: e.g. syntax nested deeper than the analysis can follow)"
    message = "file could not be analysed: {reason}; no other RVW rule checked it"
    valid = (
        Example("x = 'a' 'b'\n"),
        # libcst, the first release's second parser, gave up on this valid file.
        Example("TEXT = (" + " ".join(['"a"'] * 6000) + ")\n", shown='TEXT = ("a" "a" ...)  # 6,000 parts\n'),
    )
    invalid = (
        Example(
            "def deep():\n    return " + "lambda: " * 600 + "0\n",
            expected=(
                "1:1: RVW001 file could not be analysed: its syntax nests too deeply for radon's cyclomatic "
                "complexity visitor; no other RVW rule checked it",
            ),
            shown="def deep():\n    return lambda: lambda: ... lambda: 0  # 600 levels\n",
        ),
    )

    def check(self, facts: FileFacts, context: FileContext = NO_CONTEXT) -> Iterator[Finding]:
        if facts.failure:
            yield self.finding(facts.failure.position, reason=facts.failure.reason)
