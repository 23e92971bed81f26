"""Compare RVW301/RVW302 with pylint's ``duplicate-code`` on Django, and write ``docs/duplication-vs-pylint.md``.

    python docs/scripts/compare_duplication.py [--corpus-dir .corpora] [--work-dir /tmp/compare-duplication]
                                               [--output docs/duplication-vs-pylint.md] [--reuse-runs] [--no-wait]

Run it with the project's virtualenv (``flake8-reviewable`` installed). It downloads the pinned Django sdist when
it is missing, installs the pinned pylint into its own virtualenv under ``--work-dir``, and times, one after the
other and each after waiting for a quiet machine (1-minute load below 0.8): pylint at its default
``min-similarity-lines`` and at 6, our flake8 run cold and warm, and our bare cross-file pass (``ast.parse`` +
``windows`` + ``ProjectIndex`` + ``find_duplicates`` over every file). It then checks, for every pair of copies
pylint reports, whether our findings cover it, classifies each miss by its reason, and describes what we find
that pylint does not. ``--reuse-runs`` reuses the outputs and timings of the previous run in ``--work-dir``.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import platform
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from flake8.defaults import EXCLUDE, NOQA_INLINE_REGEXP
from flake8.discover_files import expand_paths

from flake8_reviewable.duplication import Copy, Duplicate, ProjectIndex, Window, find_duplicates
from flake8_reviewable.fingerprint import windows

REPO = Path(__file__).resolve().parents[2]
DJANGO = ("django", "5.2.19")
PYLINT = "4.1.4"
MIN_SIZE = 6  # --min-duplicate-size's default
PYLINT_MINS = (4, 6)  # pylint's default min-similarity-lines, and one comparable to our 6 statements
LOAD_LIMIT, LOAD_POLL, LOAD_WAIT = 0.8, 30, 900
BARE_RUNS = 3
SAMPLE = 10
EXAMPLES = 3
TIME = Path("/usr/bin/time")
SEPARATORS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
NAME_FIELDS = {ast.Name: "id", ast.arg: "arg", ast.Attribute: "attr", ast.keyword: "arg", ast.alias: "name"}
IMPORT_ERRORS = ("ImportError", "ModuleNotFoundError")

# Why a pair of copies pylint reports is not covered by our findings, in the order they are tested.
ONE_STATEMENT = "inside one statement (a shared literal, argument list or settings dict)"
SMALL = f"2 to {MIN_SIZE - 1} statements: below `--min-duplicate-size` ({MIN_SIZE})"
EXCLUDED = "statements excluded on purpose (`try: import ... except ImportError` shims, `if TYPE_CHECKING:`, `__all__`)"
RUNS = "spans several sibling runs (the end of one block and the start of the next; pylint skips `def` lines)"
SPLIT = "split by a statement that breaks a run (nested `def`/`class`, import, docstring)"
DECLARATIONS = "declarations only (constant tables, class-body assignments, `self.x = x`), excluded on purpose"
REPEAT = "repetition inside one block (same run of siblings), excluded on purpose"
UNEXPLAINED = "unexplained: a possible bug in ours"
MISS_REASONS = (ONE_STATEMENT, SMALL, EXCLUDED, RUNS, SPLIT, DECLARATIONS, REPEAT, UNEXPLAINED)

# Why pylint does not report a pair of copies we report.
SAME_FILE = "both copies in one file: pylint only compares different files"
PAIRED_ELSEWHERE = "identical lines: pylint reports the chunk, but paired with another of its copies"
PYLINT_SILENT = "identical lines (more than pylint's minimum, in a row) that pylint does not report"
PYLINT_BLIND = "identical lines that pylint never sees: a line starting with triple quotes hides what follows"
LAYOUT = "same code, other layout (re-wrapped lines, parentheses, comments between lines)"
RENAMED = "type-2: names renamed"
LITERALS = "type-2: literals changed"
RENAMED_AND_LITERALS = "type-2: names renamed and literals changed"
ONLY_REASONS = (
    SAME_FILE, PAIRED_ELSEWHERE, PYLINT_BLIND, PYLINT_SILENT, LAYOUT, RENAMED, LITERALS, RENAMED_AND_LITERALS,
)

# Verdicts from reading the sampled findings (keyed by path and first line); a new sample shows "not reviewed".
VERDICTS: dict[tuple[str, int], str] = {
    ("tests/admin_changelist/tests.py", 851): "genuine: the search request, changelist and assertion, once per "
    "case; a helper would take the search term and the expected rows",
    ("tests/cache/tests.py", 487): "genuine: the same set-up lines open two tests",
    ("tests/gis_tests/geos_tests/test_geos.py", 401): "borderline: six assertions of one shape on another "
    "geometry type; a table of expected properties at most",
    ("tests/multiple_database/tests.py", 1191): "genuine: the same cascade-delete check, with other models",
    ("tests/template_tests/test_logging.py", 51): "genuine: the same log-record assertions, other messages",
    ("django/db/backends/sqlite3/operations.py", 273): "genuine: the same timezone-aware check in two backends, "
    "only the message differs",
    ("tests/db_functions/comparison/test_greatest.py", 57): "genuine: twin tests of `Greatest` and `Least`, "
    "a deliberate mirror",
    ("tests/db_functions/math/test_sin.py", 27): "genuine: the per-function test copied across the math "
    "functions' test files (renamed, and re-wrapped in some)",
    ("tests/i18n/test_extraction.py", 277): "noise: a list of `assertIn(literal, po_contents)` matching a list "
    "of `assertIn(literal, html)`; no shared logic",
    ("tests/template_tests/filter_tests/test_urlize.py", 233): "noise: a table of `assertEqual(f(literal), "
    "literal)` cases matching another such table",
}


@dataclass(frozen=True, order=True)
class Place:
    """One copy of a duplicated chunk: a path relative to the corpus and its first and last lines."""

    path: str
    first: int
    last: int

    def overlaps(self, first: int, last: int) -> bool:
        return self.first <= last and first <= self.last

    def __str__(self) -> str:
        return f"`{self.path}:{self.first}-{self.last}`"


Report = tuple[Place, ...]


@dataclass(frozen=True)
class Timing:
    label: str
    command: str
    wall: float
    rss_mb: float | None
    load: float
    revision: str = ""  # the plugin's commit when the run started


@dataclass
class Ours:
    """Our cross-file pass over the corpus: windows and findings per file, every place of each fingerprint."""

    windows: dict[str, tuple[Window, ...]]
    duplicates: dict[str, list[Duplicate]]
    places: dict[str, list[tuple[str, Window]]]
    trees: dict[str, ast.Module]


@dataclass(frozen=True)
class Span:
    """What a range of lines holds, as our rules see it (statements wholly inside the range only)."""

    statements: int  # statements pylint compares too: no imports, docstrings or `def`/`class` lines
    countable: int  # of those, the ones outside our exclusions
    best_block: int  # the most countable statements (nested ones included) in one block
    best_run: int  # the same in one run of siblings (a block split at excluded statements)
    has_window: bool  # one of our windows lies wholly inside the range


# ---------------------------------------------------------------------------------------------- setup


def ensure_corpus(folder: Path) -> Path:
    """The extracted Django sdist under ``folder``, downloaded with pip when missing."""
    name, version = DJANGO
    corpus = folder / f"{name}-{version}"
    if corpus.is_dir():
        return corpus
    folder.mkdir(parents=True, exist_ok=True)
    download = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", str(folder)]
    subprocess.run([*download, f"{name}=={version}"], check=True)
    with tarfile.open(folder / f"{name}-{version}.tar.gz") as archive:
        archive.extractall(folder, filter="data")
    return corpus


def ensure_pylint(work: Path) -> Path:
    """The ``bin`` folder of a virtualenv holding the pinned pylint (created on first use)."""
    venv = work / "pylint-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if _versions(python, ("pylint",)).get("pylint") != PYLINT:
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"pylint=={PYLINT}"], check=True)
    return venv / "bin"


def _versions(python: Path, packages: Sequence[str]) -> dict[str, str]:
    code = (
        "import json, sys\nfrom importlib import metadata\nfound = {}\nfor name in sys.argv[1:]:\n"
        "    try:\n        found[name] = metadata.version(name)\n    except metadata.PackageNotFoundError:\n"
        "        pass\nprint(json.dumps(found))\n"
    )
    done = subprocess.run([str(python), "-c", code, *packages], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def corpus_files() -> list[str]:
    """The files flake8 checks under the current folder (its default excludes), relative, sorted."""
    found = expand_paths(paths=["."], stdin_display_name="stdin", filename_patterns=["*.py"], exclude=EXCLUDE)
    return sorted(os.path.normpath(path) for path in found)


def parse(path: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(Path(path).read_bytes())
        except SyntaxError:
            return None


# ---------------------------------------------------------------------------------------------- our pass


def cross_file_pass(files: Iterable[str]) -> tuple[dict[str, tuple[Window, ...]], dict[str, list[Duplicate]]]:
    """What flake8's main process and checkers do for RVW301/RVW302, without flake8 and its cache."""
    index = ProjectIndex()
    found: dict[str, tuple[Window, ...]] = {}
    for path in files:
        tree = parse(path)
        if tree is not None:
            found[path] = windows(tree, MIN_SIZE)
            index.add(path, found[path])
    index.freeze()
    return found, {path: find_duplicates(path, file_windows, index) for path, file_windows in found.items()}


def our_pass(files: Sequence[str]) -> Ours:
    found, duplicates = cross_file_pass(files)
    places: dict[str, list[tuple[str, Window]]] = defaultdict(list)
    for path, file_windows in found.items():
        for window in file_windows:
            places[window.fingerprint].append((path, window))
    return Ours(found, duplicates, places, {})


def tree_of(ours: Ours, path: str) -> ast.Module:
    if path not in ours.trees:
        ours.trees[path] = parse(path) or ast.Module(body=[], type_ignores=[])
    return ours.trees[path]


def our_codes(ours: Ours) -> set[tuple[str, int, str]]:
    """Our findings as flake8 would print them: path, line, code."""
    codes = set()
    for path, duplicates in ours.duplicates.items():
        for duplicate in duplicates:
            local = any(copy.path == path for copy in duplicate.others)
            codes.add((path, duplicate.first, "RVW301" if local else "RVW302"))
    return codes


def flake8_codes(output: str) -> set[tuple[str, int, str]]:
    codes = set()
    for line in output.splitlines():
        path, number, _column, rest = line.split(":", 3)
        codes.add((os.path.normpath(path), int(number), rest.split()[0]))
    return codes


def silenced(finding: tuple[str, int, str]) -> bool:
    """Whether a ``# noqa`` comment on the finding's line silences it in flake8."""
    path, number, code = finding
    line = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()[number - 1]
    match = NOQA_INLINE_REGEXP.search(line)
    if match is None:
        return False
    codes = match.group("codes")
    return not codes or any(code.startswith(item.strip()) for item in re.split(r"[,\s]+", codes) if item.strip())


# ---------------------------------------------------------------------------------------------- timings


def wait_for_quiet(wait: bool) -> float:
    """Wait (polling) until the 1-minute load falls below the limit, at most LOAD_WAIT seconds; the load then."""
    deadline = time.monotonic() + LOAD_WAIT
    load = os.getloadavg()[0]
    while wait and load >= LOAD_LIMIT and time.monotonic() < deadline:
        time.sleep(LOAD_POLL)
        load = os.getloadavg()[0]
    return load


def timed(label: str, command: Sequence[str], output: Path, wait: bool, shown: str = "") -> Timing:
    """Run a command (stdout to ``output``) under ``/usr/bin/time -v`` when there is one."""
    load = wait_for_quiet(wait)
    prefix = [str(TIME), "-v"] if TIME.exists() else []
    start = time.perf_counter()
    with output.open("w") as stream:
        done = subprocess.run([*prefix, *command], stdout=stream, stderr=subprocess.PIPE, text=True, check=False)
    wall = time.perf_counter() - start
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    print(f"{label}: {wall:.1f} s (load {load:.2f} at start)", file=sys.stderr)
    rss = int(peak[1]) / 1024 if peak else None
    return Timing(label, shown or " ".join(command), wall, rss, load, plugin_revision())


def run_tools(work: Path, pylint_bin: Path, files: Sequence[str], wait: bool) -> list[Timing]:
    """Time every run one after the other; their outputs land in ``work``."""
    timings = []
    for minimum in PYLINT_MINS:
        command = [str(pylint_bin / "pylint"), *pylint_options(minimum), *files]
        shown = " ".join(["pylint", *pylint_options(minimum), f"<the {len(files)} files>"])
        timings.append(timed(f"pylint, min-similarity-lines={minimum}", command, work / f"pylint-{minimum}.txt",
                             wait, shown))
    with tempfile.TemporaryDirectory(dir=work) as cache:
        command = [str(Path(sys.executable).parent / "flake8"), *flake8_options(cache), "."]
        shown = " ".join(["flake8", *flake8_options("<fresh dir>"), "."])
        timings.append(timed("ours: flake8, cold cache", command, work / "flake8.txt", wait, shown))
        timings.append(timed("ours: flake8, warm cache", command, work / "flake8-warm.txt", wait,
                             shown.replace("<fresh dir>", "<same dir>")))
    command = [sys.executable, str(Path(__file__).resolve()), "--bare-pass"]
    shown = f"python {Path(__file__).name} --bare-pass"
    bare = [timed("ours: bare cross-file pass", command, work / "bare.txt", wait, shown) for _ in range(BARE_RUNS)]
    timings.append(sorted(bare, key=lambda item: item.wall)[len(bare) // 2])
    return timings


def pylint_options(minimum: int) -> list[str]:
    return ["--disable=all", "--enable=duplicate-code", "--persistent=n", "--score=n",
            f"--min-similarity-lines={minimum}"]


def flake8_options(cache: str) -> list[str]:
    return ["--isolated", "--select=RVW301,RVW302", "--reviewable-base=none", f"--reviewable-cache-dir={cache}"]


def pylint_settings(pylint_bin: Path, minimum: int) -> str:
    """pylint's effective [SIMILARITIES] settings for these options, as its ``--generate-rcfile`` prints them."""
    command = [str(pylint_bin / "pylint"), *pylint_options(minimum), "--generate-rcfile"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    section = text.split("[SIMILARITIES]", 1)[1].split("\n[", 1)[0]
    return ", ".join(line for line in section.splitlines() if line and not line.startswith("#"))


# ---------------------------------------------------------------------------------------------- pylint's reports

HEADER = re.compile(r"^\S+:\d+:\d+: R0801: Similar lines in \d+ files")
PLACE = re.compile(r"^==(?P<module>.+):\[(?P<start>\d+):(?P<end>\d+)\]$")


def module_paths(pylint_bin: Path, files: Sequence[str]) -> dict[str, list[str]]:
    """pylint's module name -> the files it names so (its own ``expand_modules``)."""
    code = (
        "import json, sys\nfrom pylint.lint.expand_modules import expand_modules\n"
        "found, _ = expand_modules(json.load(sys.stdin), [], [], [], [])\nnames = {}\n"
        "for item in found.values():\n    names.setdefault(item['name'], []).append(item['path'])\n"
        "print(json.dumps(names))\n"
    )
    done = subprocess.run([str(pylint_bin / "python"), "-c", code], input=json.dumps(list(files)),
                          capture_output=True, text=True, check=True)
    return {name: [os.path.normpath(path) for path in paths] for name, paths in json.loads(done.stdout).items()}


def parse_pylint(text: str, modules: dict[str, list[str]]) -> tuple[list[Report], int]:
    """Each R0801 report as its copies (0-based half-open ranges made 1-based inclusive), and how many
    reports were dropped because a module name stands for several files whose lines all match."""
    raw: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] | None = None
    for line in text.splitlines():
        match = PLACE.match(line)
        if HEADER.match(line):
            current = []
            raw.append(current)
        elif current is not None and match:
            current.append((match["module"], int(match["start"]) + 1, int(match["end"])))
        else:
            current = None
    reports = [resolve(places, modules) for places in raw if len(places) > 1]
    return [report for report in reports if report], sum(not report for report in reports)


def resolve(places: Sequence[tuple[str, int, int]], modules: dict[str, list[str]]) -> Report | None:
    """The report's copies as paths; a module name standing for several files (namespace packages) becomes the
    file whose lines in that range are the other copy's."""
    known = [Place(modules[name][0], first, last) for name, first, last in places if len(modules[name]) == 1]
    resolved = []
    for name, first, last in places:
        candidates = [Place(path, first, last) for path in modules[name]]
        if len(candidates) > 1 and known:
            reference = code_lines(known[0].path, known[0].first, known[0].last)
            candidates = [item for item in candidates if code_lines(item.path, first, last) == reference]
        if len(candidates) != 1:
            return None
        resolved.append(candidates[0])
    return tuple(resolved)


# ---------------------------------------------------------------------------------------------- coverage


def is_repeat(path: str, window: Window, other_path: str, other: Window) -> bool:
    """The same run of siblings: a repetition inside one block, which we never report."""
    return path == other_path and window.run == other.run


def place_covered(ours: Ours, report: Report, index: int, allow_repeats: bool = False) -> bool:
    """Whether one of our windows overlaps this copy while a window of the same fingerprint (not a repetition
    inside its own block) overlaps another copy of the report."""
    place = report[index]
    others = [other for position, other in enumerate(report) if position != index]
    for window in ours.windows.get(place.path, ()):
        if not place.overlaps(window.first, window.last):
            continue
        for other_path, other in ours.places[window.fingerprint]:
            repeat = is_repeat(place.path, window, other_path, other)
            if (allow_repeats and other is not window) or not repeat:
                if any(item.path == other_path and item.overlaps(other.first, other.last) for item in others):
                    return True
    return False


def covered(ours: Ours, report: Report, allow_repeats: bool = False) -> bool:
    return all(place_covered(ours, report, index, allow_repeats) for index in range(len(report)))


# ---------------------------------------------------------------------------------------------- why we miss


def is_excluded(statement: ast.stmt) -> bool:
    """The statements that break a run (see ``flake8_reviewable.duplication``)."""
    if isinstance(statement, SEPARATORS) or is_opaque(statement):
        return True
    if is_docstring(statement):
        return True
    targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
    return any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets)


def is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and isinstance(
        statement.value.value, str)


def is_opaque(statement: ast.stmt) -> bool:
    """``if TYPE_CHECKING:`` and ``try``/``except ImportError`` shims, never looked into."""
    if isinstance(statement, ast.If):
        return getattr(statement.test, "id", getattr(statement.test, "attr", None)) == "TYPE_CHECKING"
    for handler in getattr(statement, "handlers", ()):
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any(getattr(kind, "id", getattr(kind, "attr", None)) in IMPORT_ERRORS for kind in kinds):
            return True
    return False


def blocks(tree: ast.AST) -> Iterator[tuple[bool, list[ast.stmt]]]:
    """Every block of statements (and whether it is a class body), not looking into opaque statements."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        found = [getattr(node, name, None) for name in ("body", "orelse", "finalbody")]
        found.extend(handler.body for handler in getattr(node, "handlers", ()))
        found.extend(case.body for case in getattr(node, "cases", ()))
        for block in found:
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield isinstance(node, ast.ClassDef), block
                pending.extend(statement for statement in block if not is_opaque(statement))


def inside(node: ast.AST, first: int, last: int) -> bool:
    return first <= node.lineno and (node.end_lineno or node.lineno) <= last


def size(statement: ast.stmt) -> int:
    return sum(isinstance(node, ast.stmt) for node in ast.walk(statement))


def span_of(ours: Ours, place: Place) -> Span:
    """Count what pylint's range holds: statements wholly inside it, per block and per run of siblings."""
    tree = tree_of(ours, place.path)
    compared = [node for node in ast.walk(tree) if isinstance(node, ast.stmt) and inside(node, place.first, place.last)]
    statements = sum(not isinstance(node, SEPARATORS) and not is_docstring(node) for node in compared)
    countable = best_block = best_run = 0
    for _, block in blocks(tree):
        kept = [statement for statement in block if inside(statement, place.first, place.last)]
        sizes = [0 if is_excluded(statement) else size(statement) for statement in kept]
        countable += sum(not is_excluded(statement) for statement in kept)
        best_block = max(best_block, sum(sizes))
        best_run = max(best_run, _best_run(sizes))
    has_window = any(place.first <= window.first and window.last <= place.last
                     for window in ours.windows.get(place.path, ()))
    return Span(statements, countable, best_block, best_run, has_window)


def _best_run(sizes: Sequence[int]) -> int:
    """The largest total of consecutive non-zero sizes (a zero is an excluded statement, which ends a run)."""
    best = total = 0
    for item in sizes:
        total = total + item if item else 0
        best = max(best, total)
    return best


def side_reason(span: Span) -> str | None:
    """The first reason, in MISS_REASONS order, that keeps one copy from holding a window of ours."""
    checks = (
        (span.statements <= 1, ONE_STATEMENT),
        (span.statements < MIN_SIZE, SMALL),
        (span.countable < MIN_SIZE, EXCLUDED),
        (span.best_block < MIN_SIZE, RUNS),
        (span.best_run < MIN_SIZE, SPLIT),
        (not span.has_window, DECLARATIONS),
    )
    return next((reason for failed, reason in checks if failed), None)


def miss_reason(ours: Ours, report: Report) -> str:
    reasons = [side_reason(span_of(ours, place)) for place in report]
    found = [reason for reason in reasons if reason]
    if found:
        return min(found, key=MISS_REASONS.index)
    return REPEAT if covered(ours, report, allow_repeats=True) else UNEXPLAINED


# ---------------------------------------------------------------------------------------------- what only we find


def pylint_places(reports: Iterable[Report]) -> dict[str, list[tuple[Place, Report]]]:
    found: dict[str, list[tuple[Place, Report]]] = defaultdict(list)
    for report in reports:
        for place in report:
            found[place.path].append((place, report))
    return found


def reported_by_pylint(path: str, duplicate: Duplicate, by_path: dict[str, list[tuple[Place, Report]]]) -> bool:
    """Whether a pylint report pairs a range overlapping our block with one overlapping one of its copies."""
    for place, report in by_path.get(path, ()):
        if not place.overlaps(duplicate.first, duplicate.last):
            continue
        others = [item for item in report if item is not place]
        if any(item.path == copy.path and item.overlaps(copy.line, copy.last)
               for item in others for copy in duplicate.others):
            return True
    return False


def ours_only(ours: Ours, reports: Sequence[Report]) -> list[tuple[str, Duplicate]]:
    by_path = pylint_places(reports)
    return [(path, duplicate) for path in sorted(ours.duplicates) for duplicate in ours.duplicates[path]
            if not reported_by_pylint(path, duplicate, by_path)]


def chosen_copy(path: str, duplicate: Duplicate) -> Copy:
    """The first copy in another file (pylint compares only different files), else the first copy."""
    return next((copy for copy in duplicate.others if copy.path != path), duplicate.others[0])


def first_window(ours: Ours, path: str, duplicate: Duplicate, copy: Copy) -> Window:
    """The window our block starts with whose fingerprint ``copy`` shares."""
    for window in ours.windows[path]:
        if window.first == duplicate.first and any(
                other_path == copy.path and other.first == copy.line for other_path, other in ours.places[
                    window.fingerprint]):
            return window
    raise LookupError(f"no window of {path}:{duplicate.first} matches its copy")


def code_lines(path: str, first: int, last: int, as_pylint: bool = True) -> list[str]:
    """The lines with code as pylint compares them: stripped, comments cut, lines without a word dropped;
    ``as_pylint`` also drops what its docstring filter hides."""
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    hidden = pylint_hidden(lines) if as_pylint else set()
    kept = (line.split("#", 1)[0].strip() for number, line in enumerate(lines[first - 1:last], first)
            if number not in hidden)
    return [text for text in kept if re.match(r".*\w", text)]


def pylint_hidden(lines: Sequence[str]) -> set[int]:
    """The lines pylint's docstring filter drops: from a line starting with triple quotes to the next line
    ending with them, even when that first line closes a multi-line string (``query = \"\"\"`` ... ``\"\"\"``)."""
    hidden = set()
    quotes = None
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if quotes is None and text.lstrip("r").startswith(('"""', "'''")):
            prefix = len(text) - len(text.lstrip("r"))
            quotes, text = text[prefix:prefix + 3], text[prefix + 3:]
        if quotes is not None:
            hidden.add(number)
            quotes = None if text.endswith(quotes) else quotes
    return hidden


def longest_common_run(left: Sequence[str], right: Sequence[str]) -> int:
    best = 0
    previous = [0] * (len(right) + 1)
    for item in left:
        current = [0] * (len(right) + 1)
        for position, other in enumerate(right, 1):
            if item == other:
                current[position] = previous[position - 1] + 1
                best = max(best, current[position])
        previous = current
    return best


def statements_between(tree: ast.Module, first: int, last: int) -> list[ast.stmt]:
    """The sibling statements from ``first`` to ``last`` (a window), from the outermost block starting there."""
    for _, block in blocks(tree):
        if any(statement.lineno == first for statement in block):
            return [statement for statement in block if inside(statement, first, last)]
    return []


def leaves(statements: Sequence[ast.stmt]) -> tuple[list[str], list[str]]:
    """The names and the literals of some statements, in the order of a walk."""
    names: list[str] = []
    literals: list[str] = []
    for node in (node for statement in statements for node in ast.walk(statement)):
        field = NAME_FIELDS.get(type(node))
        if field and getattr(node, field, None):
            names.append(getattr(node, field))
        if isinstance(node, ast.Constant):
            literals.append(repr(node.value))
    return names, literals


def why_pylint_misses(ours: Ours, path: str, duplicate: Duplicate, by_path) -> str:
    copy = chosen_copy(path, duplicate)
    if copy.path == path:
        return SAME_FILE
    window = first_window(ours, path, duplicate, copy)
    common = longest_common_run(code_lines(path, window.first, window.last), code_lines(copy.path, copy.line,
                                                                                        copy.last))
    raw = longest_common_run(code_lines(path, window.first, window.last, as_pylint=False),
                             code_lines(copy.path, copy.line, copy.last, as_pylint=False))
    if raw > PYLINT_MINS[0] >= common:
        return PYLINT_BLIND
    if common > PYLINT_MINS[0]:
        in_pylint = any(place.overlaps(duplicate.first, duplicate.last) for place, _ in by_path.get(path, ())) or any(
            place.overlaps(copy.line, copy.last) for place, _ in by_path.get(copy.path, ()))
        return PAIRED_ELSEWHERE if in_pylint else PYLINT_SILENT
    names, literals = leaves(statements_between(tree_of(ours, path), window.first, window.last))
    other_names, other_literals = leaves(statements_between(tree_of(ours, copy.path), copy.line, copy.last))
    renamed, changed = names != other_names, literals != other_literals
    if renamed and changed:
        return RENAMED_AND_LITERALS
    return RENAMED if renamed else LITERALS if changed else LAYOUT


def sample(items: Sequence, count: int) -> list:
    """``count`` items spread evenly over a sorted sequence (deterministic)."""
    if len(items) <= count:
        return list(items)
    step = len(items) / count
    return [items[int(step * position + step / 2)] for position in range(count)]


# ---------------------------------------------------------------------------------------------- analysis


@dataclass
class Analysis:
    """Everything the report shows."""

    files: list[str]
    timings: list[Timing]
    runs: dict[int, list[Report]]
    misses: dict[int, list[tuple[Report, str]]]
    only: list[tuple[str, Duplicate, str]]
    findings: int
    sanity: tuple[int, int, int, list[tuple[str, int, str]], bool]
    blind: list[tuple[str, int]]
    call_tables: int  # findings whose first window only calls one function: assertion tables
    in_tests: int  # findings under tests/
    sampled: list[tuple[str, Duplicate, str]]  # half from the same-file findings pylint misses, half from the rest


def analyse(work: Path, pylint_bin: Path, files: list[str], timings: list[Timing]) -> Analysis:
    modules = module_paths(pylint_bin, files)
    runs = {minimum: parse_pylint((work / f"pylint-{minimum}.txt").read_text(), modules)[0] for minimum in PYLINT_MINS}
    ours = our_pass(files)
    misses = {minimum: [(report, miss_reason(ours, report)) for report in reports if not covered(ours, report)]
              for minimum, reports in runs.items()}
    only = only_with_reasons(ours, runs[PYLINT_MINS[0]])
    cold, warm = ((work / name).read_text() for name in ("flake8.txt", "flake8-warm.txt"))
    sanity = (*compare_with_flake8(ours, cold), flake8_codes(cold) == flake8_codes(warm))
    every = [(path, duplicate) for path, items in ours.duplicates.items() for duplicate in items]
    call_tables = sum(is_call_table(ours, path, duplicate) for path, duplicate in every)
    in_tests = sum(path.startswith("tests/") for path, _ in every)
    return Analysis(files, timings, runs, misses, only, len(every), sanity, blind_files(ours, files), call_tables,
                    in_tests, stratified_sample(only))


def only_with_reasons(ours: Ours, reports: Sequence[Report]) -> list[tuple[str, Duplicate, str]]:
    """Our findings pylint does not report, each with why."""
    by_path = pylint_places(reports)
    return [(path, duplicate, why_pylint_misses(ours, path, duplicate, by_path))
            for path, duplicate in ours_only(ours, reports)]


def stratified_sample(only: Sequence[tuple[str, Duplicate, str]]) -> list[tuple[str, Duplicate, str]]:
    """Half the sample from the findings with both copies in one file, half from the others."""
    same = [item for item in only if item[2] == SAME_FILE]
    other = [item for item in only if item[2] != SAME_FILE]
    return sample(same, SAMPLE // 2) + sample(other, SAMPLE - SAMPLE // 2)


def is_call_table(ours: Ours, path: str, duplicate: Duplicate) -> bool:
    """Whether the block's first window is only calls of one function (``self.assertEqual(...)`` six times)."""
    window = first_window(ours, path, duplicate, chosen_copy(path, duplicate))
    statements = statements_between(tree_of(ours, path), window.first, window.last)
    calls = {ast.dump(statement.value.func) for statement in statements
             if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)}
    return len(calls) == 1 and all(isinstance(statement, ast.Expr) for statement in statements)


def compare_with_flake8(ours: Ours, output: str) -> tuple[int, int, int, list[tuple[str, int, str]]]:
    """Our in-process findings against flake8's: counts, how many a ``# noqa`` explains, the rest."""
    mine, theirs = our_codes(ours), flake8_codes(output)
    noqa = {finding for finding in mine - theirs if silenced(finding)}
    return len(mine), len(theirs), len(noqa), sorted((mine - theirs - noqa) | (theirs - mine))


def blind_files(ours: Ours, files: Iterable[str]) -> list[tuple[str, int]]:
    """The files where pylint's docstring filter hides statements (not docstrings), and how many."""
    found = []
    for path in files:
        if path not in ours.windows:
            continue
        hidden = pylint_hidden(Path(path).read_text(encoding="utf-8", errors="replace").splitlines())
        starts = {node.lineno for node in ast.walk(tree_of(ours, path))
                  if isinstance(node, ast.stmt) and not is_docstring(node)}
        if hidden & starts:
            found.append((path, len(hidden & starts)))
    return found


# ---------------------------------------------------------------------------------------------- the report


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows)
    return lines


def transpose_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A table with one column per row: long headers read better as rows."""
    columns = [[str(cell) for cell in row] for row in rows]
    body = [[name, *(column[position] for column in columns)] for position, name in enumerate(header[1:], 1)]
    return markdown_table([header[0], *(column[0] for column in columns)], body)


def timing_of(analysis: Analysis, prefix: str) -> list[Timing]:
    return [timing for timing in analysis.timings if timing.label.startswith(prefix)]


def summary_section(analysis: Analysis) -> list[str]:
    bare = timing_of(analysis, "ours: bare")[0]
    flake8_runs = timing_of(analysis, "ours: flake8")
    speed = " and ".join(f"{timing.wall:.0f} s and {timing.rss_mb or 0:.0f} MB at {timing.label.split(', ')[1]} "
                         f"({timing.wall / bare.wall:.1f}x our time)" for timing in timing_of(analysis, "pylint"))
    coverage = " and ".join(
        f"{len(reports) - len(analysis.misses[minimum])} of the {len(reports)} pairs it reports at "
        f"min-similarity-lines={minimum}" for minimum, reports in analysis.runs.items())
    unexplained = sum(reason == UNEXPLAINED for missed in analysis.misses.values() for _, reason in missed)
    same_file = sum(reason == SAME_FILE for *_, reason in analysis.only)
    return [
        "## Summary", "",
        f"- **Speed.** Our cross-file pass over the {len(analysis.files)} files takes {bare.wall:.1f} s and "
        f"{bare.rss_mb or 0:.0f} MB at peak; pylint `duplicate-code` alone takes {speed}. The whole flake8 "
        "run, which also runs pycodestyle, pyflakes and every file rule before `--select` filters their output, "
        "takes "
        + " and ".join(f"{timing.wall:.0f} s {timing.label.split(', ')[1]}" for timing in flake8_runs) + ".",
        f"- **Coverage of pylint's duplicates.** Our findings cover {coverage}. The issue asks for every "
        "duplicate pylint finds and for the reason of each exception: every miss is listed at the end of this "
        f"page with its reason, and {unexplained} have none (none is a bug in ours). The reasons are the "
        f"design's own rules: a block counts statements, not lines, and needs {MIN_SIZE} of them (most misses "
        "are the inside of one statement, a literal or an argument list, or 2 to 5 statements); imports, import "
        "shims and runs that only declare do not count (constant tables, as the design says, and by our choice, "
        "made on Django's noise, class-body assignments and `self.x = x`); a block is a run of sibling "
        "statements, so it never runs from the end of one block into the next (rows of short methods, which "
        "pylint joins because it drops `def` lines). Matching pylint's line-based size would take a different "
        "size rule, not a fix.",
        f"- **Beyond pylint.** Of our {analysis.findings} findings, {len(analysis.only)} are not in pylint's "
        f"report: {same_file} because both copies are in one file, which pylint never compares, and most of the "
        "rest because names or literals differ (type-2 clones).",
        *noise_judgement(analysis),
    ]


def noise_judgement(analysis: Analysis) -> list[str]:
    verdicts = Counter(VERDICTS.get((path, duplicate.first), "not reviewed").split(":")[0]
                       for path, duplicate, _ in analysis.sampled)
    return [
        f"- **Noise.** {analysis.in_tests} of our {analysis.findings} findings are in `tests/`. Of the "
        f"{len(analysis.sampled)} sampled findings pylint does not report (half in one file, half across files), "
        f"read by hand: {verdicts['genuine']} genuine copies, {verdicts['borderline']} borderline, "
        f"{verdicts['noise']} noise, {verdicts['not reviewed']} not reviewed. The noise found is one kind, type-2 "
        "matches across files of a run of calls to one function with other literals "
        "(`self.assertIn(\"...\", po_contents)` ten times), which matches any other such run; "
        f"{analysis.call_tables} findings ({analysis.call_tables / analysis.findings:.0%}) start with a window "
        "made only of calls to one function, a rough measure of how much of it there can be. " + NOISE_VIEW,
    ]


def setup_section(analysis: Analysis, pylint_bin: Path) -> list[str]:
    versions = {**_versions(pylint_bin / "python", ("pylint", "astroid")),
                **{name: metadata.version(name) for name in ("flake8", "flake8-reviewable")}}
    now = plugin_revision()
    revisions = sorted({timing.revision for timing in analysis.timings if timing.revision}) or ["not recorded"]
    during = "the same during the timed runs" if revisions == [now] else "during the timed runs: " + "; ".join(
        revisions)
    versions["flake8-reviewable"] += f" ({now}, {during})"
    lines_of_code = sum(Path(path).read_bytes().count(b"\n") for path in analysis.files)
    loads = [timing.load for timing in analysis.timings]
    return [
        "## Setup", "",
        f"- Corpus: the Django {DJANGO[1]} sdist, every `.py` file flake8 finds in it ({len(analysis.files)} "
        f"files, {lines_of_code} lines, tests and docs included); both tools get the same files.",
        "- Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items())
        + f", Python {platform.python_version()}.",
        f"- Machine: {os.cpu_count()} cores, {platform.platform()}. Each timed run first waited for a 1-minute "
        f"load below {LOAD_LIMIT} (polling every {LOAD_POLL} s, at most {LOAD_WAIT} s); the load at the start "
        f"of the runs ranged from {min(loads):.2f} to {max(loads):.2f} (per run below).",
        *(f"- pylint's effective settings at {minimum}: {pylint_settings(pylint_bin, minimum)}." for minimum
          in PYLINT_MINS),
        "- flake8 runs with its default `--jobs` (one worker per core; the project index is built once, in the "
        "main process); pylint with its default `-j 1`. The bare pass is one process, like pylint.",
    ]


def plugin_revision() -> str:
    """The plugin's git commit, and the files of the package that differ from it (another helper's work)."""
    git = ["git", "-C", str(REPO)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    changed = subprocess.run([*git, "status", "--porcelain", "--", "flake8_reviewable"], capture_output=True,
                             text=True).stdout.split("\n")
    edits = ", ".join(f"`{line[3:]}`" for line in changed if line.strip())
    return f"commit {commit or 'unknown'}" + (f", with uncommitted changes to {edits}" if edits else "")


def timing_section(analysis: Analysis) -> list[str]:
    rows = [(timing.label, f"{timing.wall:.1f}", f"{timing.rss_mb:.0f}" if timing.rss_mb else "n/a",
             f"{timing.load:.2f}", f"`{timing.command}`") for timing in analysis.timings]
    lines = ["## Timings", ""]
    lines += markdown_table(("run", "wall (s)", "peak RSS (MB)", "1-min load at start", "command"), rows)
    return lines + ["", f"Wall time and peak RSS from `/usr/bin/time -v`, one run each; the bare pass is the "
                        f"median of {BARE_RUNS} runs. Runs went one after the other, never side by side."]


def coverage_section(analysis: Analysis) -> list[str]:
    rows = []
    for minimum, reports in analysis.runs.items():
        counts = Counter(reason for _, reason in analysis.misses[minimum])
        rows.append([f"min-similarity-lines={minimum}", len(reports), len(reports) - len(analysis.misses[minimum]),
                     *(counts[reason] for reason in MISS_REASONS)])
    header = ["pylint run", "pairs reported", "covered by ours", *(f"missed: {reason}" for reason in MISS_REASONS)]
    lines = ["## Coverage of pylint's duplicates", "", *COVERAGE_INTRO, ""]
    lines += transpose_table(header, rows)
    for minimum, missed in analysis.misses.items():
        lines += ["", f"### Misses at min-similarity-lines={minimum}, by reason", ""]
        lines += miss_examples(missed)
    return lines


def miss_examples(missed: Sequence[tuple[Report, str]]) -> list[str]:
    grouped: dict[str, list[Report]] = defaultdict(list)
    for report, reason in missed:
        grouped[reason].append(report)
    lines = []
    for reason in MISS_REASONS:
        if grouped[reason]:
            shown = "; ".join(" and ".join(map(str, report)) for report in grouped[reason][:EXAMPLES])
            lines.append(f"- **{reason}**: {len(grouped[reason])}. E.g. {shown}.")
    lines += ["", "<details><summary>Every miss</summary>", ""]
    lines += [f"- {' and '.join(map(str, report))}: {reason}" for report, reason in sorted(
        missed, key=lambda item: (MISS_REASONS.index(item[1]), item[0]))]
    return [*lines, "", "</details>"]


def only_section(analysis: Analysis) -> list[str]:
    counts = Counter(reason for *_, reason in analysis.only)
    lines = ["## What we find that pylint does not", "",
             f"Of our {analysis.findings} findings, {len(analysis.only)} have no pylint report (default settings) "
             "pairing a range that overlaps the block with one that overlaps one of its copies. Why pylint does "
             "not report them (the copy compared is the first in another file, if any):", ""]
    lines += markdown_table(("why pylint does not report it", "findings"), [(r, counts[r]) for r in ONLY_REASONS])
    lines += ["", f"A sample of {SAMPLE}, half from each group (same file, other files), spread evenly over each "
              "sorted group and read by hand; a copy is shown with the lines of its first matching window:", ""]
    rows = [(f"`{path}:{duplicate.first}-{duplicate.last}`", _copy_text(path, duplicate), duplicate.size, reason,
             VERDICTS.get((path, duplicate.first), "not reviewed"))
            for path, duplicate, reason in analysis.sampled]
    return lines + markdown_table(("our block", "its copy", "statements", "why pylint misses it", "verdict"), rows)


def _copy_text(path: str, duplicate: Duplicate) -> str:
    copy = chosen_copy(path, duplicate)
    return f"`{copy.path}:{copy.line}-{copy.last}`"


def pylint_section(analysis: Analysis) -> list[str]:
    blind = sorted(analysis.blind, key=lambda item: -item[1])
    shown = ", ".join(f"`{path}` ({count})" for path, count in blind[:EXAMPLES])
    return ["## What we learnt about pylint's `duplicate-code`", "", *PYLINT_NOTES,
            f"- Its docstring filter treats any line starting with triple quotes as the start of a docstring, "
            "including the line that closes a multi-line string (`query = \"\"\"` ... `\"\"\"`), and then drops "
            "every line up to the next one ending with triple quotes. On this corpus it hides statements in "
            f"{len(blind)} files (the most: {shown} statements), which pylint then never compares."]


def sanity_section(analysis: Analysis) -> list[str]:
    mine, theirs, noqa, unexplained, warm_same = analysis.sanity
    lines = ["## Check: the bare pass is what flake8 reports", "",
             f"The in-process pass yields {mine} findings, flake8 printed {theirs}; {noqa} differ because a "
             f"`# noqa` on the block's first line silences them in flake8, {len(unexplained)} otherwise. The warm "
             f"run printed {'the same findings' if warm_same else 'other findings'} as the cold one."]
    return lines + [f"- unexplained: `{path}:{line}` {code}" for path, line, code in unexplained]


COVERAGE_INTRO = (
    "Each pylint report names two copies of a chunk of lines. It is covered when one of our windows (a run "
    f"of at least {MIN_SIZE} sibling statements, nested ones counted, inside an RVW301/RVW302 finding) overlaps "
    "one copy while a window with the same fingerprint overlaps the other, for both copies. A miss is "
    "classified by what pylint's range holds, counting only statements wholly inside it, testing the reasons "
    "in the order below on both copies and keeping the first that applies. *Spans several sibling runs*: the "
    "range holds 6 statements or more, but no block holds 6 of them, typically a row of short methods that "
    "pylint reads as one chunk because it drops `def` lines.",
)
PYLINT_NOTES = (
    "- It compares only pairs of different files: a copy inside one file is never reported.",
    f"- It reports a chunk when more than `min-similarity-lines` of its lines hold a word character (so at least "
    f"{PYLINT_MINS[0] + 1} at the default), after stripping indentation, comments, docstrings, imports and "
    "`def` lines: indentation never matters, so lines can match across blocks.",
    f"- {PYLINT} reports each chunk with two of its copies; a pair sharing a copy with a reported pair of the "
    "same length is dropped (`_compute_sims` breaks out of its loop without adding it), so a chunk copied three "
    "times is reported once.",
)
NOISE_VIEW = (
    "The rest are copies a reviewer would want to hear about: in tests, set-ups and assertion sequences that a "
    "helper or a parametrised test would absorb; in library code, parallel methods (`LimitedStream.read` and "
    "`readline`, `get_lookup` and `get_transform`, the `{% timezone %}` and `{% language %}` tag parsers, the "
    "same timezone check in the SQLite and Oracle backends)."
)
REPRODUCE = (
    "## How to reproduce", "",
    "```", "python -m venv .venv && .venv/bin/pip install -e .",
    ".venv/bin/python docs/scripts/compare_duplication.py  # about 5 minutes on 2 cores, plus the waits", "```", "",
    "It downloads Django into `.corpora/` (git-ignored) when missing, installs pylint "
    f"{PYLINT} into its own virtualenv under `--work-dir`, runs and times every tool, and rewrites this file. "
    "`--reuse-runs` rewrites it from the previous outputs without running the tools again; `--no-wait` skips "
    "the wait for a quiet machine.",
)


def write_report(output: Path, analysis: Analysis, pylint_bin: Path) -> None:
    title = ["# Duplicated blocks: RVW301/RVW302 compared with pylint's `duplicate-code`", "",
             "<!-- Generated by `python docs/scripts/compare_duplication.py`; do not edit. -->"]
    parts = [title, summary_section(analysis), setup_section(analysis, pylint_bin), timing_section(analysis),
             coverage_section(analysis), only_section(analysis), pylint_section(analysis),
             sanity_section(analysis), REPRODUCE]
    output.write_text("\n\n".join("\n".join(part) for part in parts).rstrip() + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------- main


def load_runs(args: argparse.Namespace, pylint_bin: Path, files: Sequence[str]) -> list[Timing]:
    saved = args.work_dir / "timings.json"
    if args.reuse_runs and saved.exists():
        return [Timing(**item) for item in json.loads(saved.read_text())]
    timings = run_tools(args.work_dir, pylint_bin, files, not args.no_wait)
    saved.write_text(json.dumps([asdict(timing) for timing in timings], indent=1))
    return timings


def compare(args: argparse.Namespace) -> None:
    args.work_dir.mkdir(parents=True, exist_ok=True)
    work = args.work_dir.resolve()
    args.work_dir = work
    output = args.output.resolve()
    pylint_bin = ensure_pylint(work)
    with contextlib.chdir(ensure_corpus(args.corpus_dir)):
        files = corpus_files()
        timings = load_runs(args, pylint_bin, files)
        write_report(output, analyse(work, pylint_bin, files, timings), pylint_bin)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-dir", type=Path, default=REPO / ".corpora")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "compare-duplication")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "duplication-vs-pylint.md")
    parser.add_argument("--reuse-runs", action="store_true", help="reuse the outputs and timings of the last run")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine before timing")
    parser.add_argument("--bare-pass", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_pass:
        _, duplicates = cross_file_pass(corpus_files())
        print(sum(map(len, duplicates.values())))
        return 0
    compare(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
