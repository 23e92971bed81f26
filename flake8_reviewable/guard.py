"""RVW406 in the run: find what the change loosened, and keep the finding out of that loosening's reach.

Called from the plugin's ``parse_options``, in flake8's main process, after the change is measured and
before flake8 builds its style guide (flake8 calls ``parse_options`` first) and forks its workers, so:

- an ignore entry the change added that covers RVW406 (``RVW``, ``RVW4``, ``RVW40``, ``RVW406``, in
  ``ignore``, ``extend-ignore`` or ``per-file-ignores``) is replaced by the codes it covered but RVW406
  (``RVW`` becomes ``RVW0``...``RVW3``, ``RVW5``...``RVW9``, ``RVW40``..., ``RVW400``...``RVW405``,
  ``RVW407``...``RVW409``): the loosening still does what it says, and it is reported;
- the finding goes to the first file, among the run's anchor and then every checked file by path, that
  flake8 checks (no ``# flake8: noqa``) and whose style guide reports RVW406, as flake8's own decision
  engine says; what the base configuration already ignored stays ignored.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from flake8 import style_guide, utils

from flake8_reviewable import git
from flake8_reviewable.locality import RunChange, relative_to_top
from flake8_reviewable.loosening import (
    CODE,
    NOQA_FILE,
    PER_FILE_KEY,
    Config,
    Loosening,
    codes_of,
    config_loosenings,
    effective_config,
    noqa_loosenings,
)
from flake8_reviewable.rules import ALL_RULES, OPTIONS
from flake8_reviewable.rules.base import non_negative_int

_CONFIG_NAMES = ("setup.cfg", "tox.ini", ".flake8")
_CODES = tuple(rule.code for rule in ALL_RULES)
_LIMITS = {option.flag.lstrip("-"): option.default for option in OPTIONS if option.kind is non_negative_int}


def guard(options: Any, run: RunChange | None) -> RunChange | None:
    """``run`` told what the change loosens and where RVW406 goes; ``options`` rewritten so that the
    change's own ignore entries cannot silence RVW406."""
    if run is None or run.problem or run.merge_base is None:
        return run
    try:
        now, config_found = _config_loosenings(run)
        found = config_found + _noqa_loosenings(run)
    except git.GitUnavailable:
        return run
    except git.GitFailed as error:
        found = (Loosening("git", 1, "the check of the gate", "", str(error), "unchecked"),)
    if not found:
        return run
    _unsilence(options, found)
    _reselect(options, found, now)
    return dataclasses.replace(run, loosenings=found, loosening_anchor=_anchor(options, run))


def _config_loosenings(run: RunChange) -> tuple[Config | None, tuple[Loosening, ...]]:
    """The configuration flake8 reads now, and how it is looser than the one it read at the base."""
    names = _config_candidates(run.top)
    base = effective_config([(name, git.text_at(run.merge_base, name, run.top)) for name in names])
    now = effective_config([(name, _read(run.top / name)) for name in names])
    return now, config_loosenings(base, now, _LIMITS, _CODES)


def _config_candidates(top: Path) -> list[str]:
    """The configuration files flake8 looks at (as git names them), in its order, within the work tree.

    flake8 does not tell plugins about ``--config``, ``--append-config`` or ``--isolated`` (they are parsed
    before the options plugins see), so the files it finds on its own are the ones compared."""
    folder = relative_to_top(".", top)
    if folder is None:
        return []
    names = []
    parts = [] if folder == "." else folder.split("/")
    for depth in range(len(parts), -1, -1):
        prefix = "/".join(parts[:depth])
        names.extend(f"{prefix}/{name}" if prefix else name for name in _CONFIG_NAMES)
    return names


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):  # flake8 skips an undecodable file too
        return None


def _noqa_loosenings(run: RunChange) -> tuple[Loosening, ...]:
    # The run's patch (untracked files included) already holds every added line: no second git diff.
    changes = [patch for path, patch in sorted(run.patches.items()) if path.endswith(".py") and patch.added]
    # The text now tells comments from strings; read only where an added line mentions noqa at all.
    return noqa_loosenings(
        (item.path, item.added, tuple(text for _, text in item.deleted),
         _read(run.top / item.path) if _mentions_noqa(item) else None)
        for item in changes
    )


def _mentions_noqa(item: git.FilePatch) -> bool:
    return any("noqa" in text.lower() for _number, text in item.added)


def _unsilence(options: Any, found: tuple[Loosening, ...]) -> None:
    """Replace each ignore entry the change added that covers RVW406 by what it covered but RVW406."""
    for key, dest in (("ignore", "ignore"), ("extend-ignore", "extend_ignore")):
        added = {code for item in found if item.what == key for code in item.codes}
        codes = getattr(options, dest, None)
        if codes:
            setattr(options, dest, _without_rvw406(codes, added))
    _unsilence_per_file(options, found)


def _reselect(options: Any, found: tuple[Loosening, ...], now: Config | None) -> None:
    """Select RVW406 again when the change's ``select`` dropped it and the command line did not choose."""
    dropped = any(item.kind == "select" and CODE in item.codes for item in found)
    if not dropped or now is None:
        return
    from_config = (options.select or None) == (codes_of(now.values.get("select", ("",))[0]) or None)
    extended = codes_of(now.values.get("extend-select", ("",))[0])
    if from_config and [code for code in options.extend_select or [] if code in extended] == extended:
        options.extend_select = [*(options.extend_select or []), CODE]


def _unsilence_per_file(options: Any, found: tuple[Loosening, ...]) -> None:
    added = {(item.what.removeprefix(f"{PER_FILE_KEY} for "), code)
             for item in found if item.what.startswith(PER_FILE_KEY) for code in item.codes}
    if added and options.per_file_ignores:
        pairs = utils.parse_files_to_codes_mapping(options.per_file_ignores)
        rewritten = [(name, _without_rvw406(codes, {code for pattern, code in added if pattern == name}))
                     for name, codes in pairs]
        options.per_file_ignores = "\n".join(f"{name}:{','.join(codes)}" for name, codes in rewritten if codes)


def _without_rvw406(codes: list[str], added: set[str]) -> list[str]:
    result = []
    for code in codes:
        result.extend(all_but_rvw406(code) if code in added and CODE.startswith(code) else [code])
    return result


def all_but_rvw406(prefix: str) -> list[str]:
    """The prefixes that cover what ``prefix`` covers, RVW406 excepted (``RVW40`` gives ``RVW400``...)."""
    found = []
    if len(prefix) < 3:  # "R", "RV": the letters that are not on RVW's path
        found.extend(prefix + letter for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if letter != CODE[len(prefix)])
        return found + all_but_rvw406(CODE[:len(prefix) + 1])
    for length in range(len(prefix), len(CODE)):
        found.extend(CODE[:length] + digit for digit in "0123456789" if digit != CODE[length])
    return found


def _anchor(options: Any, run: RunChange) -> str | None:
    """Where RVW406 is reported (as flake8 names the file, so a file named twice gets it once): a checked
    file that flake8 checks and whose style guide reports it."""
    guides = style_guide.StyleGuideManager(options, formatter=None)  # only asked for decisions
    names: dict[str | None, str] = {}
    for name in run.checked:
        names.setdefault(relative_to_top(name, run.top), name)  # a file named twice: its first name
    order = [run.anchor] if run.anchor in names else []
    order.extend(sorted(filter(None, names)))
    from_stdin = "-" in options.filenames
    for path in order:
        name = names[path]
        if not from_stdin and _skipped_by_flake8(name):
            continue
        if guides.style_guide_for(name).should_report_error(CODE) is style_guide.Decision.Selected:
            return name
    return None


def _skipped_by_flake8(name: str) -> bool:
    """Whether flake8 skips the whole file (a ``# flake8: noqa`` line), so no finding in it is printed."""
    text = _read(Path(name))
    return text is not None and any(NOQA_FILE.match(line) for line in text.splitlines())
