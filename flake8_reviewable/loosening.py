"""What a change does to the gate itself (RVW406). Pure: configuration texts and added lines in, a tuple of
``Loosening`` out; no flake8, no git here.

flake8 reads one configuration file: the first of ``setup.cfg``, ``tox.ini`` and ``.flake8`` (folder by
folder, from where it runs upwards) that parses and holds a ``[flake8]`` section. ``effective_config`` makes
the same choice among texts given to it, so the base's gate and the change's gate are compared as flake8
saw each of them.
"""
from __future__ import annotations

import configparser
import io
import re
import tokenize
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

CODE = "RVW406"
SCOPE_KEY = "reviewable-scope"
IGNORE_KEYS = ("ignore", "extend-ignore")
PER_FILE_KEY = "per-file-ignores"
# flake8.defaults.NOQA_INLINE_REGEXP and NOQA_FILE, copied so that this module stays free of flake8; a test
# checks that they still equal flake8's own.
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa", re.I)
_CODE = re.compile(r"[A-Z]+[0-9]*")
_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]")
_KEY = re.compile(r"^(?P<key>[^\s=:][^=:]*?)\s*[=:]")


@dataclass(frozen=True)
class Loosening:
    """One way the change loosens the gate: in ``file`` (as git names it) at ``line``, ``what`` went from
    ``before`` to ``after``. ``kind`` is ``limit``, ``ignore``, ``select``, ``scope``, ``noqa`` or
    ``file-noqa``; ``codes`` are the codes an ignore list gained, or those no longer selected (RVW406 is
    kept out of their reach, see ``guard``)."""

    file: str
    line: int
    what: str
    before: str
    after: str
    kind: str = "limit"
    codes: tuple[str, ...] = ()

    def describe(self) -> str:
        """The loosening in a few words, for the finding's message."""
        where = f"{self.file}:{self.line}"
        if self.kind == "limit":
            return f"{where} raises {self.what} from {self.before} to {self.after}"
        if self.kind == "ignore":
            return f"{where} adds {','.join(self.codes)} to {self.what} (from {self.before!r} to {self.after!r})"
        if self.kind == "select":
            shown = ",".join(self.codes[:4]) + (f" and {len(self.codes) - 4} more" if len(self.codes) > 4 else "")
            return f"{where} stops selecting {shown} (from {self.before} to {self.after})"
        if self.kind == "scope":
            return f"{where} switches {self.what} from {self.before} to {self.after}"
        if self.kind == "unchecked":
            return f"the gate could not be compared with the base ({self.after})"
        if self.kind == "file-noqa":
            return f"{where} adds {self.after!r} (flake8 skips the whole file)"
        return f"{where} adds {self.after!r}" + ("" if "noqa:" in self.after.lower() else " (silences every code)")


@dataclass(frozen=True)
class Config:
    """The ``[flake8]`` section of one configuration file: each key (dashes, not underscores) with its
    value and the line it starts on."""

    name: str
    values: Mapping[str, tuple[str, int]]


def effective_config(candidates: Sequence[tuple[str, str | None]]) -> Config | None:
    """The configuration flake8 reads among ``(name, text)`` candidates in flake8's order: the first that
    parses and has a ``[flake8]`` (or ``[flake8:local-plugins]``) section; a file that does not parse is
    skipped, as flake8 skips it."""
    for name, text in candidates:
        if text is None:
            continue
        parser = configparser.RawConfigParser()
        try:
            parser.read_string(text, source=name)
        except configparser.Error:
            continue
        if "flake8" in parser or "flake8:local-plugins" in parser:
            return Config(name, _values(parser, text))
    return None


def _values(parser: configparser.RawConfigParser, text: str) -> dict[str, tuple[str, int]]:
    if "flake8" not in parser:
        return {}
    lines = _key_lines(text)
    values = {}
    for key, value in parser["flake8"].items():
        normal = key.replace("_", "-")
        values[normal] = (value, lines.get(normal, 1))
    return values


def _key_lines(text: str) -> dict[str, int]:
    """Where each key of the ``[flake8]`` section starts (its first line; configparser does not say)."""
    found: dict[str, int] = {}
    section = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _SECTION.match(line)
        if header:
            section = header["name"].strip()
            continue
        key = _KEY.match(line)
        if section == "flake8" and key and not line.lstrip().startswith(("#", ";")):
            found.setdefault(key["key"].strip().lower().replace("_", "-"), number)
    return found


def config_loosenings(
    base: Config | None, now: Config | None, limits: Mapping[str, int], codes: Sequence[str] = ()
) -> tuple[Loosening, ...]:
    """How the configuration ``now`` is looser than ``base`` (None: no configuration, every default).

    ``limits`` maps each RVW limit option (``max-function-length``, ...) to its default; for every one of
    them a higher number reports less. A limit the base wrote as something other than a whole number counts
    as the default (flake8 stopped on it, so the base gate was the default one at best). ``codes`` are the
    RVW codes, for ``select`` and ``extend-select`` that stop selecting some of them.
    """
    if now is None and base is None:
        return ()
    now = now or Config(base.name, {})  # the configuration is gone: every setting is back to its default
    found = [*_raised_limits(base, now, limits), *_scope(base, now), *_deselected(base, now, codes)]
    for key in IGNORE_KEYS:
        found.extend(_ignored(base, now, key))
    found.extend(_per_file_ignored(base, now))
    return tuple(sorted(found, key=lambda item: item.line))


def _raised_limits(base: Config | None, now: Config, limits: Mapping[str, int]) -> Iterable[Loosening]:
    for key, default in limits.items():
        text, line = now.values.get(key, (str(default), 1))
        after = _number(text)
        before, shown = _base_limit(base, key, default)
        if after is not None and after > before:
            gone = "" if key in now.values else " (the default: the setting is gone)"
            yield Loosening(now.name, line, key, shown, f"{after}{gone}")


def _base_limit(base: Config | None, key: str, default: int) -> tuple[int, str]:
    if base is None or key not in base.values:
        return default, str(default)
    text = base.values[key][0]
    number = _number(text)
    if number is None:
        return default, f"{default} (the base's {text.strip()!r} is not a number)"
    return number, str(number)


def _number(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _scope(base: Config | None, now: Config) -> Iterable[Loosening]:
    before = _value(base, SCOPE_KEY) or "all"
    after = _value(now, SCOPE_KEY) or "all"
    if before == "all" and after == "changed":
        yield Loosening(now.name, now.values[SCOPE_KEY][1], SCOPE_KEY, before, after, "scope")


def selected(config: Config | None, codes: Sequence[str]) -> list[str]:
    """The ``codes`` that the configuration selects: all of them without ``select`` (flake8 selects every
    plugin's codes by default), else those a ``select`` or ``extend-select`` entry starts."""
    if config is None or "select" not in config.values:
        return list(codes)
    chosen = tuple(codes_of(_value(config, "select")) + codes_of(_value(config, "extend-select")))
    return [code for code in codes if code.startswith(chosen)]


def _deselected(base: Config | None, now: Config, codes: Sequence[str]) -> Iterable[Loosening]:
    dropped = [code for code in selected(base, codes) if code not in selected(now, codes)]
    if dropped:
        line = now.values.get("select", now.values.get("extend-select", ("", 1)))[1]
        before, after = _selection(base), _selection(now)
        yield Loosening(now.name, line, "select", before, after, "select", tuple(dropped))


def _selection(config: Config | None) -> str:
    if config is None or "select" not in config.values:
        return "every code"
    return ",".join(codes_of(_value(config, "select")) + codes_of(_value(config, "extend-select")))


def _value(config: Config | None, key: str) -> str | None:
    if config is None or key not in config.values:
        return None
    return config.values[key][0].strip()


def codes_of(text: str | None) -> list[str]:
    """A comma- or space-separated list of codes, as flake8 splits it."""
    return [part.strip() for part in re.split(r"[,\s]", text or "") if part.strip()]


def covers_rvw(code: str) -> bool:
    """Whether an ignore entry or noqa code silences some RVW code (``R``, ``RVW``, ``RVW4``, ``RVW101``)."""
    return bool(code) and ("RVW".startswith(code) or code.startswith("RVW"))


def _added_rvw(before: Sequence[str], after: Sequence[str]) -> tuple[str, ...]:
    """Entries of ``after`` that silence RVW codes the entries of ``before`` did not already silence."""
    return tuple(code for code in after if covers_rvw(code) and not code.startswith(tuple(before)))


def _ignored(base: Config | None, now: Config, key: str) -> Iterable[Loosening]:
    before, after = _value(base, key) or "", _value(now, key) or ""
    added = _added_rvw(codes_of(before), codes_of(after))
    if added:
        yield Loosening(now.name, now.values[key][1], key, _flat(before), _flat(after), "ignore", added)


def _flat(text: str) -> str:
    return ",".join(codes_of(text))


def per_file_codes(text: str | None) -> list[tuple[str, list[str]]]:
    """``per-file-ignores`` as (pattern, codes) pairs, read as flake8 reads it: names up to a colon, then
    codes up to the next name."""
    pairs: list[tuple[str, list[str]]] = []
    names: list[str] = []
    codes: list[str] = []
    after_colon = False
    for token in re.findall(r"[^\s,:]+|:", text or ""):
        if token == ":":
            after_colon = True
        elif after_colon and _CODE.fullmatch(token):
            codes.append(token)
        elif after_colon:
            pairs.extend((name, codes) for name in names)
            names, codes, after_colon = [token], [], False
        else:
            names.append(token)
    pairs.extend((name, codes) for name in names if codes)
    return pairs


def _per_file_ignored(base: Config | None, now: Config) -> Iterable[Loosening]:
    before = _grouped(per_file_codes(_value(base, PER_FILE_KEY)))
    after = _grouped(per_file_codes(_value(now, PER_FILE_KEY)))
    line = now.values.get(PER_FILE_KEY, ("", 1))[1]
    for pattern, codes in after.items():
        added = _added_rvw(before.get(pattern, []), codes)
        if added:
            shown = f"{PER_FILE_KEY} for {pattern}"
            was = ",".join(before.get(pattern, []))
            yield Loosening(now.name, line, shown, was, ",".join(codes), "ignore", added)


def _grouped(pairs: Iterable[tuple[str, list[str]]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for pattern, codes in pairs:
        grouped.setdefault(pattern, []).extend(codes)
    return grouped


def noqa_codes(text: str) -> list[str] | None:
    """The codes a line's ``# noqa`` names; ``[]`` for a bare one (every code); None without a noqa."""
    found = NOQA_INLINE.search(text)
    if found is None:
        return None
    return codes_of(found["codes"]) if found["codes"] else []


def silences(text: str, code: str) -> bool:
    """Whether a ``# noqa`` in ``text`` silences ``code`` (flake8's rule: a bare one, or a prefix of it)."""
    codes = noqa_codes(text)
    return codes is not None and (not codes or code.startswith(tuple(codes)))


def noqa_loosenings(files: Iterable[tuple[str, Sequence[tuple[int, str]], Sequence[str], str | None]]) -> tuple[
    Loosening, ...
]:
    """The ``# noqa`` comments over RVW codes that a change adds, from each changed Python file's
    ``(path, added lines as (number, text), deleted lines, text now)``. A comment that a deleted line of the
    same file held is carried over, not added (a line edited around an existing ``# noqa``). Only comments
    count: ``# noqa`` quoted in a string or a docstring is not reported (when the text now tokenizes)."""
    found = []
    for path, added, deleted, text in files:
        carried = Counter(filter(None, map(_rvw_noqa, deleted)))
        comments = _comments(text)
        for number, line in added:
            comment = _rvw_noqa(line, comments.get(number, "") if comments is not None else line)
            if comment is None:
                continue
            if carried[comment]:
                carried[comment] -= 1
                continue
            kind = "file-noqa" if comment.startswith("# flake8") else "noqa"
            found.append(Loosening(path, number, "# noqa", "", comment, kind))
    return tuple(found)


def _comments(text: str | None) -> dict[int, str] | None:
    """Each line's comment, or None when that cannot be told (no text, or it does not tokenize)."""
    if text is None:
        return None
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    return {token.start[0]: token.string for token in tokens if token.type == tokenize.COMMENT}


def _rvw_noqa(line: str, comment: str | None = None) -> str | None:
    """The line's noqa comment when it silences RVW codes (normalised), else None; ``comment`` is the
    line's comment when known (a quoted ``# noqa`` then does not count). flake8 skips a whole file for
    any line, comment or not, that starts with ``# flake8: noqa``."""
    if NOQA_FILE.match(line):
        return "# flake8: noqa"
    codes = noqa_codes(line if comment is None else comment)
    if codes is None or (codes and not any(covers_rvw(code) for code in codes)):
        return None
    return f"# noqa: {','.join(codes)}" if codes else "# noqa"


def quiet_line(lines: Sequence[str], code: str = CODE) -> int:
    """The first line where flake8 would print a finding of ``code``: flake8 looks for ``# noqa`` in the
    whole logical line holding the reported line (a bare one silences every code), so a finding placed
    on a line the change covered with ``# noqa`` would vanish. Past the last line when every line has one."""
    for number, text in enumerate(_noqa_texts(lines), start=1):
        if not silences(text, code):
            return number
    return len(lines) + 1


def _noqa_texts(lines: Sequence[str]) -> list[str]:
    """For each physical line, the text flake8 searches for ``# noqa``: its whole logical line (its own
    line when the file does not tokenize, as flake8 falls back to)."""
    texts = list(lines)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("".join(lines)).readline))
    except (tokenize.TokenError, SyntaxError):
        return texts
    first = None
    for token in tokens:
        if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        first = token.start[0] if first is None else first
        if token.type in (tokenize.NL, tokenize.NEWLINE):
            joined = "".join(lines[first - 1:token.end[0]])
            texts[first - 1:token.end[0]] = [joined] * (token.end[0] - first + 1)
            first = None
    return texts
