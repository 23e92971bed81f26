"""RVW001: the file is valid Python but could not be analysed."""
from __future__ import annotations

from collections.abc import Iterator

from flake8_reviewable.context import NO_CONTEXT, FileContext
from flake8_reviewable.facts import FileFacts
from flake8_reviewable.rules.base import Example, Finding, Rule


class Unanalysable(Rule):
    """## What it does
    Reports a file that Python parses but libcst, the parser this plugin measures with, cannot: a syntax
    newer than the installed libcst, or syntax nested so deeply (more than 1,000 levels) that parsing it
    would overflow libcst's native parser. The message says why; it sits on the line libcst stopped at, or
    on line 1.

    A file Python itself cannot parse gets flake8's own `E999` and nothing from this plugin.

    ## Why is this bad?
    No other `RVW` rule can check the file, so a gate that stayed silent would pass code it never read.

    ## Example
    Five thousand implicitly concatenated strings are valid Python, but libcst's parser gives up:
    ```python
    TEXT = ("a" "a" "a" ...)  # 5,000 parts
    ```

    ## Options
    None. Upgrading libcst (`pip install -U libcst`) fixes the cases caused by new syntax; to silence it for
    one file, use flake8's `per-file-ignores = generated.py:RVW001`.
    """

    code = "RVW001"
    summary = "file could not be analysed (libcst cannot parse what Python can)"
    message = "file could not be analysed: {reason}; no other RVW rule checked it"
    valid = (Example("x = 'a' 'b'\n"),)
    invalid = (
        Example(
            "ready = " + " and ".join(["True"] * 1100) + "\n",
            expected=(
                "1:1: RVW001 file could not be analysed: its syntax nests more than 1000 levels deep, which would "
                "crash libcst's parser; no other RVW rule checked it",
            ),
            shown="ready = True and True and ... and True  # 1,100 operands, which libcst nests pairwise\n",
        ),
    )

    def check(self, facts: FileFacts, context: FileContext = NO_CONTEXT) -> Iterator[Finding]:
        if facts.failure:
            yield self.finding(facts.failure.position, reason=facts.failure.reason)
