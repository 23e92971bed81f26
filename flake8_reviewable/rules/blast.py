"""RVW405: how far the change reaches into the code that depends on what it alters."""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from flake8_reviewable.context import NO_CONTEXT, FileContext
from flake8_reviewable.facts import FileFacts, Position
from flake8_reviewable.rules.base import Example, Finding, Option, Rule, counted

if TYPE_CHECKING:  # a run without a change never imports change awareness (an editor's start-up time)
    from flake8_reviewable.blast import Radius

_SHOWN_PLACES = 3
_BASE = "def load(key):\n    return key\n\n\ndef report():\n    return load(1), load(2)\n"


class BlastRadius(Rule):
    """## What it does
    Reports a definition the change alters that more than `--max-blast-radius` places outside the change
    depend on. A definition is a module-level function or class, or a method or class attribute of a
    module-level class (`default_config = {...}` in the class body: changing it alters the attribute, not
    the class); it is altered when its signature (arguments, return annotation, decorators, bases; an
    attribute's annotation) or its body (an attribute's value) differs from the merge base, compared on
    the syntax tree (formatting, comments and docstrings do not count), when it is deleted, or when it is
    renamed (gone, and exactly one new definition beside it has the same body).

    A place depends on it when its fully qualified name is the definition's, as libcst resolves it:
    imports, aliases, relative imports, `module.attr` chains, star imports and re-exports (`from .store
    import Store` in a package's `__init__.py`). For a method or class attribute, `self.m` and `cls.m` in
    its class and its subclasses count, and `x.m` anywhere when `m` is defined only once in the project (a
    method or attribute of that name in any class, or `x.m = ...` anywhere, is another definition) and is
    not the name of a method of Python's built-in types (`", ".join(parts)` is not `URL.join`). Places are
    looked for in the whole project, whatever paths the run names; a place on a line the change added does not
    count (the change updated it). Imports themselves are not places: the uses of the imported name are.

    The finding sits on the altered definition's `def` (or `class`) line, names up to three places as
    `path:line`, and says whether the signature changed (or only its annotations: the calls still fit, and
    a type checker can check the places), or the definition was removed or renamed (a removed one sits on
    line 1). `--reviewable-scope=changed` keeps it. libcst runs only on files that use
    the altered definitions' names, and what it finds is cached by content.

    Not yet covered: a definition in a file the change deletes (there is no file to report it in), and a
    class whose subclasses are found only through files that use none of the names involved.

    ## Why is this bad?
    A change is reviewed as a diff, but what it can break lies in the code that calls what it altered. A
    reviewer who does not see those places approves a change they cannot judge; a new signature beside the
    old one, or the callers updated in the same change, keeps the reach where the reviewer looks.

    ## Example
    Changing `load(key)` to `load(key, default)` while 137 callers outside the change still pass one
    argument: update them in this change, or keep `load(key)` working beside the new form.

    ## Options
    - `--max-blast-radius` (default 30): the most places outside the change that may depend on one
      altered definition. Calibrated on 600 merged pull requests of flask, click, requests and httpx: at
      30, 15 of them (2.5%) fire; see [Blast radius on real history](blast-radius.md).
    """

    code = "RVW405"
    summary = "the change alters a definition that more than N places outside the change depend on"
    message = "'{name}' {how} and {places} in {files} outside this change {depend} on it (> {limit}): {shown}: {advice}"
    option = Option("--max-blast-radius", 30,
                    "most places outside the change that may depend on one altered definition (default: 30, "
                    "calibrated on real history)")
    valid = (
        Example("def load(key, default=None):\n    return key\n\n\ndef report():\n    return load(1), load(2)\n",
                base=_BASE, options={option.flag: 2}),
        Example("def load(key, default=None):\n    return key\n\n\ndef report():\n    return load(1, 0), load(2, 0)\n",
                base=_BASE, options={option.flag: 0}),
    )
    invalid = (
        Example(
            "def load(key, default=None):\n    return key\n\n\ndef report():\n    return load(1), load(2)\n",
            base=_BASE,
            options={option.flag: 0},
            expected=("1:1: RVW405 'load' changed its signature and 1 place in 1 file outside this change depends "
                      "on it (> 0): example.py:6: review them with this change, or keep the old signature beside "
                      "the new one",),
        ),
        Example(
            "def load(key: int) -> int:\n    return key\n\n\ndef report():\n    return load(1), load(2)\n",
            base=_BASE,
            options={option.flag: 0},
            expected=("1:1: RVW405 'load' changed only its annotations and 1 place in 1 file outside this change "
                      "depends on it (> 0): example.py:6: check them with a type checker in this change, or review "
                      "them",),
        ),
    )

    def check(self, facts: FileFacts, context: FileContext = NO_CONTEXT) -> Iterator[Finding]:
        change = context.change
        for radius in change.blast if change else ():
            if len(radius.places) > self.limit:
                yield self._finding(radius)

    def _finding(self, radius: Radius) -> Finding:
        item = radius.altered
        shown = ", ".join(f"{path}:{line}" for path, line in radius.places[:_SHOWN_PLACES])
        if len(radius.places) > _SHOWN_PLACES:
            shown += ", ..."
        how, advice = _told(item.how, item.new_name)
        return self.finding(Position(item.line, item.col), item.name, name=item.name, how=how,
                            value=len(radius.places), places=counted(len(radius.places), "place"),
                            files=counted(radius.files, "file"), shown=shown, advice=advice,
                            depend="depends" if len(radius.places) == 1 else "depend")


def _told(how: str, new_name: str) -> tuple[str, str]:
    """What happened to the definition, and what to do about the places that depend on it."""
    from flake8_reviewable.blast import ANNOTATIONS, CHANGED, DELETED, RENAMED, SIGNATURE  # only with a change

    if how == SIGNATURE:
        return "changed its signature", "review them with this change, or keep the old signature beside the new one"
    if how == ANNOTATIONS:
        return "changed only its annotations", "check them with a type checker in this change, or review them"
    if how == DELETED:
        return "was removed", "update them in this change, or keep it until nothing depends on it"
    if how == RENAMED:
        return f"was renamed to '{new_name}'", "update them in this change, or keep the old name as an alias"
    return CHANGED, "review them with this change"
