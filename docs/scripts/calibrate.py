"""Calibrate the function-level defaults on real, well-reviewed code bases, and write ``docs/calibration.md``.

    python docs/scripts/calibrate.py [--corpus-dir .corpora] [--output docs/calibration.md] [--jobs N]

Downloads the pinned sdists (``CORPORA`` below) when they are missing (``.corpora/`` is
git-ignored), measures every ``.py`` file of each with ``flake8_reviewable.metrics.measure``, and counts what
each rule's own ``check`` reports, so the numbers are the ones flake8 would print. The project's budget: every
function-level rule together flags at most 3% of a corpus's functions. This script reports; it never changes
a default. Its exit status is 1 when a corpus is over that budget.
"""
from __future__ import annotations

import argparse
import ast
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import time
import tokenize
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

from flake8_reviewable.facts import FileFacts
from flake8_reviewable.metrics import measure
from flake8_reviewable.rules import ALL_RULES, Rule

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Pin:
    """One reference corpus: a pinned sdist, the folders of it that hold the package's own code, its style."""

    name: str
    version: str
    source: tuple[str, ...]
    style: str


CORPORA = (
    Pin("django", "5.2.19", ("django",), "web framework, large, long-lived"),
    Pin("flask", "3.1.3", ("src",), "web micro-framework"),
    Pin("requests", "2.34.2", ("src",), "HTTP client, small"),
    Pin("rich", "13.9.4", ("rich",), "terminal rendering (its sdist ships no tests)"),
    Pin("attrs", "24.3.0", ("src",), "class decorators that generate code"),
    Pin("httpx", "0.28.1", ("httpx",), "sync and async HTTP client, fully typed"),
    Pin("click", "8.1.8", ("src",), "command-line interface library"),
    Pin("pytest", "8.3.4", ("src",), "test tool and plugin host"),
    Pin("lark", "1.2.2", ("lark",), "parser generator (Earley, LALR)"),
    Pin("xarray", "2024.11.0", ("xarray",), "data library: labelled N-dimensional arrays"),
)
# A file is a test when a folder on its path has one of these names, or when its own name matches below.
# The plugin's change rules use test/tests; pytest keeps its own tests in testing/.
TEST_FOLDERS = frozenset({"test", "tests", "testing"})
SOURCE, TESTS = "source", "tests"
RULES = {rule.code: rule for rule in ALL_RULES}
FUNCTION_CODES = ("RVW101", "RVW201", "RVW202", "RVW203", "RVW204")
MODULE_CODE = "RVW102"
NESTING_CODE = "RVW201"
DEFAULTS = {code: RULES[code].option.default for code in (*FUNCTION_CODES, MODULE_CODE)}
# The project's budget: all function-level rules together flag at most this share of a corpus's functions.
MAX_UNION_PERCENT = 3
# Limits shown next to each default (the default is always added).
ALTERNATIVES = {
    "RVW101": (30, 40, 50, 60),
    "RVW201": (3, 4, 5),
    "RVW202": (10, 15, 20, 25),
    "RVW203": (10, 15, 20),
    "RVW204": (1, 2, 3),
    "RVW102": (500, 1000, 1500, 2000),
}
# Several limits moved at once, shown against the defaults: the smallest steps and the loosest tried.
CANDIDATES = (
    {"RVW202": 20},
    {"RVW202": 25},
    {"RVW101": 50, "RVW202": 20},
    {"RVW101": 50, "RVW202": 25, "RVW203": 20},
    {"RVW101": 60, "RVW201": 5, "RVW202": 25, "RVW203": 20, "RVW204": 3},
    {"RVW101": 80, "RVW201": 5, "RVW202": 35, "RVW203": 30, "RVW204": 3},
)
# How far above its default a single limit is searched when the budget is exceeded.
SEARCH_FACTOR = 3
LARGEST_MODULES_SHOWN = 5
PACKAGES = ("flake8-reviewable", "flake8", "radon")
# The hand-written part of the page (the review of the findings over budget), kept when the page is rewritten.
NOTES_START = "<!-- Written by hand: calibrate.py keeps this section as it is. -->"
NOTES_END = "<!-- End of the hand-written section. -->"

Settings = Mapping[str, int]


# ---------------------------------------------------------------------------------------------- corpora


def find_sdist(corpus_dir: Path, pin: Pin) -> Path | None:
    """The downloaded sdist of the pin, whatever case the registry gave its file name."""
    wanted = f"{pin.name}-{pin.version}.tar.gz"
    return next((path for path in corpus_dir.glob("*.tar.gz") if path.name.lower() == wanted), None)


def download(corpus_dir: Path) -> None:
    """Fetch the pinned sdists that are not in ``corpus_dir`` yet, with pip."""
    missing = [f"{pin.name}=={pin.version}" for pin in CORPORA if not find_sdist(corpus_dir, pin)]
    if not missing:
        return
    corpus_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", str(corpus_dir)]
    subprocess.run([*command, *missing], check=True, stdout=sys.stderr)


def extract(sdist: Path) -> Path:
    """The sdist's source tree next to it, extracted when missing."""
    root = sdist.with_name(sdist.name[: -len(".tar.gz")])
    if not root.is_dir():
        with tarfile.open(sdist) as archive:
            options = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            archive.extractall(sdist.parent, **options)
    if not root.is_dir():
        raise SystemExit(f"{sdist} did not extract to {root}")
    return root


def corpus_roots(corpus_dir: Path) -> list[tuple[Pin, Path]]:
    """Each pin with its extracted source tree, downloaded and extracted when missing."""
    download(corpus_dir)
    return [(pin, extract(find_sdist(corpus_dir, pin))) for pin in CORPORA]


def is_test(relative: PurePosixPath) -> bool:
    """Tests: under a test/tests/testing folder, or named test_*.py, *_test.py or conftest.py."""
    name = relative.name
    named = name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
    return named or not TEST_FOLDERS.isdisjoint(relative.parts[:-1])


def kind_of(relative: PurePosixPath, pin: Pin) -> str | None:
    """``TESTS``, ``SOURCE`` (the package's own folders), or None for the rest (docs, examples, scripts)."""
    if is_test(relative):
        return TESTS
    return SOURCE if relative.parts[0] in pin.source else None


# ---------------------------------------------------------------------------------------------- measurement


def measure_file(path: Path) -> FileFacts | str:
    """The file's facts, or why Python itself cannot parse it (flake8 would report E902 or E999)."""
    try:
        with tokenize.open(path) as handle:
            text = handle.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like: not our concern here
            tree = ast.parse(text, filename=str(path))
    except (SyntaxError, UnicodeDecodeError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return measure(text, tree)


@dataclass
class Corpus:
    """One measured part (source or tests) of a code base. Each function is kept as a file holding only it,
    so a rule's ``check`` on it says whether flake8 would flag that function; each module is kept without
    its functions. ``origins[i]`` is ``path:line`` of function ``i``."""

    name: str
    files: int
    functions: tuple[FileFacts, ...]
    origins: tuple[str, ...]
    modules: tuple[tuple[str, FileFacts], ...]
    skipped: tuple[tuple[str, str], ...]
    unanalysable: tuple[tuple[str, str], ...]
    _flagged: dict[tuple[str, int], frozenset[int]] = field(default_factory=dict, repr=False)

    @property
    def scored_for_cognitive(self) -> int:
        """Functions that get a cognitive score: those not nested in another function."""
        return sum(1 for facts in self.functions if facts.functions[0].cognitive is not None)

    def flagged(self, code: str, limit: int) -> frozenset[int]:
        """Indices of the functions that the rule reports at ``limit``."""
        key = (code, limit)
        if key not in self._flagged:
            self._flagged[key] = frozenset(flagged_indices(self.functions, code, limit))
        return self._flagged[key]

    def union(self, settings: Settings) -> frozenset[int]:
        """Indices of the functions that at least one function-level rule reports with these limits."""
        return frozenset().union(*(self.flagged(code, settings[code]) for code in FUNCTION_CODES))

    def alone(self, code: str) -> int:
        """How many functions this rule alone reports at the defaults: what its default costs the budget."""
        others = self.union({**DEFAULTS, code: sys.maxsize})
        return len(self.flagged(code, DEFAULTS[code]) - others)

    def within_budget(self, settings: Settings) -> bool:
        return 100 * len(self.union(settings)) <= MAX_UNION_PERCENT * len(self.functions)

    def share(self, count: int) -> str:
        return percent(count, len(self.functions))


def rule_at(code: str, limit: int) -> Rule:
    """The rule, built exactly as the plugin builds it, with this limit."""
    rule_class = RULES[code]
    return rule_class({rule_class.option.dest: limit})


def flagged_indices(units: Iterable[FileFacts], code: str, limit: int) -> Iterable[int]:
    """Where the rule yields a finding."""
    rule = rule_at(code, limit)
    return (index for index, facts in enumerate(units) if any(rule.check(facts)))


@dataclass
class Measured:
    """What measuring one sdist found, file by file, before it is split into source and tests."""

    files: list[str] = field(default_factory=list)
    functions: list[FileFacts] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    modules: list[tuple[str, FileFacts]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unanalysable: list[tuple[str, str]] = field(default_factory=list)

    def add(self, relative: str, result: FileFacts | str) -> None:
        self.files.append(relative)
        if isinstance(result, str):
            self.skipped.append((relative, result))
        elif result.failure:
            self.unanalysable.append((relative, result.failure.reason))
        else:
            self.functions.extend(FileFacts(module=None, functions=(unit,)) for unit in result.functions)
            self.origins.extend(f"{relative}:{unit.position.line}" for unit in result.functions)
            self.modules.append((relative, FileFacts(module=result.module, functions=())))

    def corpus(self, name: str) -> Corpus:
        return Corpus(name, len(self.files), tuple(self.functions), tuple(self.origins), tuple(self.modules),
                      tuple(self.skipped), tuple(self.unanalysable))


@dataclass(frozen=True)
class Loaded:
    """One sdist, measured: its source and (when it ships them) its tests, and the files left out."""

    pin: Pin
    parts: tuple[Corpus, ...]
    left_out: int


def load_corpus(pin: Pin, root: Path, jobs: int) -> Loaded:
    """Measure the sdist's source and test files, each part on its own."""
    paths = sorted(root.rglob("*.py"))
    kinds = [kind_of(PurePosixPath(path.relative_to(root).as_posix()), pin) for path in paths]
    chosen = [(path, kind) for path, kind in zip(paths, kinds) if kind]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(measure_file, [path for path, _ in chosen], chunksize=8))
    measured = {SOURCE: Measured(), TESTS: Measured()}
    for (path, kind), result in zip(chosen, results):
        measured[kind].add(path.relative_to(root).as_posix(), result)
    parts = tuple(measured[kind].corpus(f"{pin.name} {kind}") for kind in (SOURCE, TESTS) if measured[kind].files)
    return Loaded(pin, parts, len(paths) - len(chosen))


# ---------------------------------------------------------------------------------------------- analysis


def percent(count: int, total: int) -> str:
    return f"{100 * count / total:.2f}%" if total else "n/a"


def limits_shown(code: str) -> list[int]:
    return sorted({*ALTERNATIVES[code], DEFAULTS[code]})


def module_flagged(corpus: Corpus, code: str, limit: int) -> list[tuple[str, int]]:
    """(path, reviewable lines) of the modules the rule reports at ``limit``, longest first."""
    rule = rule_at(code, limit)
    hits = [(path, facts.module.length) for path, facts in corpus.modules if any(rule.check(facts))]
    return sorted(hits, key=lambda hit: (-hit[1], hit[0]))


@dataclass(frozen=True)
class Proposal:
    """The smallest raise of one limit, the others at their defaults, that brings every corpus within budget."""

    code: str
    limit: int | None
    # Percentage of each corpus's functions flagged by at least one rule with that limit.
    unions: tuple[float, ...]


def propose(corpora: Sequence[Corpus]) -> list[Proposal]:
    """For each function-level rule, the smallest limit above its default that would meet the budget."""
    proposals = []
    for code in FUNCTION_CODES:
        candidates = range(DEFAULTS[code] + 1, SEARCH_FACTOR * DEFAULTS[code] + 1)
        fits = (limit for limit in candidates if all(c.within_budget({**DEFAULTS, code: limit}) for c in corpora))
        limit = next(fits, None)
        settings = {**DEFAULTS, code: limit or DEFAULTS[code]}
        unions = tuple(100 * len(c.union(settings)) / len(c.functions) for c in corpora)
        proposals.append(Proposal(code, limit, unions))
    return proposals


# ---------------------------------------------------------------------------------------------- report


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


def option_label(code: str) -> str:
    return f"{code} `{RULES[code].option.flag}`"


def exclusion_notes(corpora: Sequence[Corpus]) -> list[str]:
    """One line per file left out of the function counts, with the reason."""
    notes = [f"- {c.name}: skipped `{path}` ({reason})" for c in corpora for path, reason in c.skipped]
    notes += [f"- {c.name}: RVW001 on `{path}` ({reason})" for c in corpora for path, reason in c.unanalysable]
    return notes


def measured_row(corpus: Corpus) -> tuple[object, ...]:
    return (corpus.name, f"{corpus.files:,}", len(corpus.skipped), len(corpus.unanalysable),
            f"{len(corpus.functions):,}", f"{corpus.scored_for_cognitive:,}")


def corpora_section(corpora: Sequence[Corpus], loaded: Sequence[Loaded]) -> str:
    header = ("part", "`.py` files", "skipped: Python cannot parse them", "RVW001: could not be analysed",
              "functions and methods, nested ones included", "of which not nested (scored by RVW202)")
    left_out = ", ".join(f"{item.pin.name} {item.left_out}" for item in loaded)
    no_tests = [item.pin.name for item in loaded if len(item.parts) < 2]
    text = "## What was measured\n\n" + table(header, (measured_row(c) for c in corpora))
    text += f"\nFiles neither source nor tests (docs, examples, benchmarks, scripts), not measured: {left_out}.\n"
    if no_tests:
        text += f"Shipping no test files in the sdist: {', '.join(no_tests)}.\n"
    notes = exclusion_notes(corpora)
    return text + ("\n" + "\n".join(notes) + "\n" if notes else "")


def defaults_cell(corpus: Corpus, code: str) -> str:
    count = len(corpus.flagged(code, DEFAULTS[code]))
    return f"{corpus.share(count)} ({count:,}; {corpus.alone(code):,})"


def union_cell(corpus: Corpus) -> str:
    count = len(corpus.union(DEFAULTS))
    mark = "" if corpus.within_budget(DEFAULTS) else " **over budget**"
    return f"**{corpus.share(count)}** ({count:,} of {len(corpus.functions):,}){mark}"


def defaults_section(corpora: Sequence[Corpus]) -> str:
    header = ("part", *(f"{option_label(code)} > {DEFAULTS[code]}" for code in FUNCTION_CODES),
              f"at least one of them (budget: {MAX_UNION_PERCENT}%)")
    rows = ((c.name, *(defaults_cell(c, code) for code in FUNCTION_CODES), union_cell(c)) for c in corpora)
    return (
        "## Share of functions flagged at the defaults\n\n"
        "Each rule's cell: share of the part's functions the rule reports (count; how many of those no other rule "
        "reports, which is what the rule's default costs the budget).\n\n"
        + table(header, rows)
    )


def over_budget_text(corpus: Corpus) -> str:
    count, total = len(corpus.union(DEFAULTS)), len(corpus.functions)
    allowed = MAX_UNION_PERCENT * total // 100
    by_share = max(FUNCTION_CODES, key=lambda code: len(corpus.flagged(code, DEFAULTS[code])))
    by_alone = max(FUNCTION_CODES, key=corpus.alone)
    most = len(corpus.flagged(by_share, DEFAULTS[by_share]))
    excess = 100 * count / total - MAX_UNION_PERCENT
    text = (
        f"- **{corpus.name} is over budget**: {count:,} of {total:,} functions ({corpus.share(count)}) are flagged "
        f"by at least one rule, {excess:.2f} percentage points ({count - allowed:,} functions) more than the "
        f"{allowed:,} that {MAX_UNION_PERCENT}% allows. {by_share} contributes most: it flags {most:,} functions "
        f"({corpus.share(most)}), {corpus.alone(by_share):,} of them flagged by no other rule"
    )
    if by_alone != by_share:
        text += f"; {by_alone} flags the most that no other rule does ({corpus.alone(by_alone):,})"
    return text + ".\n"


def proposal_line(proposal: Proposal, corpora: Sequence[Corpus]) -> str:
    flag = RULES[proposal.code].option.flag
    if proposal.limit is None:
        top = SEARCH_FACTOR * DEFAULTS[proposal.code]
        return f"- `{flag}`: no value up to {top} brings every corpus within budget on its own.\n"
    unions = ", ".join(f"{c.name} {share:.2f}%" for c, share in zip(corpora, proposal.unions))
    return f"- `{flag}` from {DEFAULTS[proposal.code]} to **{proposal.limit}**: union {unions}.\n"


def verdict_section(corpora: Sequence[Corpus]) -> str:
    over = [c for c in corpora if not c.within_budget(DEFAULTS)]
    if not over:
        return f"## Verdict\n\nEvery corpus is within the {MAX_UNION_PERCENT}% budget at the defaults.\n"
    within = ", ".join(c.name for c in corpora if c.within_budget(DEFAULTS)) or "none"
    lines = ["## Verdict\n\n", *(over_budget_text(c) for c in over), f"- Within budget: {within}.\n"]
    lines.append(
        "\nThe defaults are **not** changed by this page: the design says a default changes only with data and a "
        "decision. The smallest change of a single limit (the others at their defaults) that brings every corpus "
        f"within {MAX_UNION_PERCENT}%, with the resulting share flagged by at least one rule:\n\n"
    )
    proposals = propose(corpora)
    lines.extend(proposal_line(p, corpora) for p in proposals)
    lines.append(recommendation(proposals))
    return "".join(lines)


def recommendation(proposals: Sequence[Proposal]) -> str:
    """Of the single changes that meet the budget, the one that leaves the most room under it."""
    found = [proposal for proposal in proposals if proposal.limit is not None]
    if not found:
        return "\nNo single limit change is enough: at least two limits must change.\n"
    best = min(found, key=lambda proposal: (max(proposal.unions), proposal.code))
    return (
        f"\nProposal: `{RULES[best.code].option.flag}={best.limit}` leaves the most room under the budget "
        f"(worst corpus {max(best.unions):.2f}%). A change that lands just under {MAX_UNION_PERCENT}% would be "
        "pushed over again by the next small change to the metrics; the sensitivity table below shows larger "
        "steps.\n"
    )


def sensitivity_cell(corpus: Corpus, code: str, limit: int) -> str:
    share = corpus.share(len(corpus.flagged(code, limit)))
    union = corpus.share(len(corpus.union({**DEFAULTS, code: limit})))
    return f"{share} / {union}"


def sensitivity_table(corpora: Sequence[Corpus], code: str) -> str:
    limits = limits_shown(code)
    header = ("part", *(f"**{limit}** (default)" if limit == DEFAULTS[code] else str(limit) for limit in limits))
    rows = ((c.name, *(sensitivity_cell(c, code, limit) for limit in limits)) for c in corpora)
    return f"### {option_label(code)}\n\n" + table(header, rows)


def sensitivity_section(corpora: Sequence[Corpus]) -> str:
    return (
        "## Sensitivity: the effect of another limit\n\n"
        "Each cell: share of functions the rule reports at that limit / share reported by at least one rule when "
        "only this limit changes and the others stay at their defaults.\n\n"
        + "\n".join(sensitivity_table(corpora, code) for code in FUNCTION_CODES)
    )


def candidate_label(change: Settings) -> str:
    return ", ".join(f"`{RULES[code].option.flag}={limit}`" for code, limit in change.items())


def candidate_cell(corpus: Corpus, settings: Settings) -> str:
    share = corpus.share(len(corpus.union(settings)))
    return share if corpus.within_budget(settings) else f"**{share}**"


def candidates_section(corpora: Sequence[Corpus]) -> str:
    header = ("part", "defaults", *(candidate_label(change) for change in CANDIDATES))
    rows = [(corpus.name, *(candidate_cell(corpus, {**DEFAULTS, **change}) for change in ({}, *CANDIDATES)))
            for corpus in corpora]
    return (
        "## Several limits moved at once\n\n"
        "Each cell: share of the part's functions reported by at least one rule with those limits (the limits not "
        f"named stay at their defaults); over {MAX_UNION_PERCENT}% in bold.\n\n"
        + table(header, rows)
    )


def module_row(corpus: Corpus) -> tuple[object, ...]:
    lengths = sorted(facts.module.length for _, facts in corpus.modules)
    deciles = statistics.quantiles(lengths, n=100, method="inclusive")
    flagged = len(module_flagged(corpus, MODULE_CODE, DEFAULTS[MODULE_CODE]))
    others = (percent(len(module_flagged(corpus, MODULE_CODE, limit)), len(lengths)) for limit in module_limits())
    nested = len(module_flagged(corpus, NESTING_CODE, DEFAULTS[NESTING_CODE]))
    return (corpus.name, len(lengths), round(deciles[49]), round(deciles[89]), round(deciles[98]), lengths[-1],
            f"{flagged} ({percent(flagged, len(lengths))})", *others, nested)


def module_limits() -> list[int]:
    return [limit for limit in limits_shown(MODULE_CODE) if limit != DEFAULTS[MODULE_CODE]]


def module_section(corpora: Sequence[Corpus]) -> str:
    limit = DEFAULTS[MODULE_CODE]
    header = ("part", "modules", "median", "p90", "p99", "max", f"> {limit} (default)",
              *(f"> {other}" for other in module_limits()), f"RVW201 on module-level code (> {DEFAULTS[NESTING_CODE]})")
    largest = []
    for corpus in corpora:
        hits = module_flagged(corpus, MODULE_CODE, limit)[:LARGEST_MODULES_SHOWN]
        listed = ", ".join(f"`{path}` ({length:,})" for path, length in hits)
        largest.extend([f"- {corpus.name}: {listed}\n"] if hits else [])
    return (
        f"## Module length ({option_label(MODULE_CODE)}, default {limit})\n\n"
        "Reviewable lines per module (percentiles), and the share of modules over each limit. The last column "
        "counts modules whose code outside any function nests past the RVW201 limit; it is not in the "
        "function shares above.\n\n"
        + table(header, (module_row(c) for c in corpora))
        + f"\nLongest modules over {limit} reviewable lines:\n\n" + "".join(largest)
    )


# ---------------------------------------------------------------------------------------------- page


def git_revision() -> str:
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "diff", "--quiet", "HEAD", "--", "flake8_reviewable"])
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" with uncommitted changes to flake8_reviewable/" if dirty.returncode else "")


def versions_section() -> str:
    rows = [(package, metadata.version(package)) for package in PACKAGES]
    rows.append(("flake8-reviewable commit", git_revision()))
    rows.append(("Python", f"{platform.python_implementation()} {platform.python_version()}"))
    return "## Versions\n\n" + table(("what", "version"), rows)


def reproduce_section(elapsed: float, jobs: int) -> str:
    pins = " ".join(f"{pin.name}=={pin.version}" for pin in CORPORA)
    return (
        "## How to reproduce\n\n"
        "From the repository root, in a virtual environment where the plugin is installed "
        "(`pip install -e .`):\n\n"
        "```\npython docs/scripts/calibrate.py            # options: --corpus-dir .corpora --output "
        "docs/calibration.md --jobs N\n"
        "python docs/scripts/calibrate.py --list 'rich source'   # every finding of one part, as flake8 words it\n"
        "```\n\n"
        "The script downloads the pinned sdists into `.corpora/` (git-ignored) when they are missing, as\n"
        f"`python -m pip download --no-deps --no-binary :all: -d .corpora {pins}`, extracts them there, measures "
        "the source and test files of each, prints this page and writes it to `docs/calibration.md`, keeping the "
        "hand-written section as it is. Each share is what the rule classes' own `check` report, built with the "
        "limit exactly as the flake8 plugin builds them. "
        f"Downloading (when needed) and measuring took {elapsed:.0f} s with {jobs} worker processes.\n"
    )


def corpora_table() -> str:
    rows = ((f"`{pin.name}=={pin.version}`", pin.style, ", ".join(f"`{folder}/`" for folder in pin.source))
            for pin in CORPORA)
    return table(("corpus (sdist)", "style", "source: non-test files under"), rows)


INTRO = f"""# Calibration of the defaults

<!-- Generated by `python docs/scripts/calibrate.py`, except the section it marks as written by hand. -->

A default that flags more than a few percent of a well-reviewed code base's functions is noise, and people switch
noisy checks off. The project's budget: every function-level rule together
({", ".join(FUNCTION_CODES)}) flags at most {MAX_UNION_PERCENT}% of the functions of each reference
corpus, in its source and in its tests, each on its own. The reference corpora are {len(CORPORA)} well-reviewed,
pure-Python projects of different styles and sizes, each the sdist of a pinned release from PyPI. The script
downloads them with pip when it runs; their sources are never committed.

{corpora_table()}
Each corpus is measured in two parts. **Tests**: every `.py` file under a folder named `test`, `tests` or
`testing`, or named `test_*.py`, `*_test.py` or `conftest.py` (the plugin's own rule for a change's tests, plus
`testing/`, where pytest keeps its tests; test helpers shipped inside a package, such as `django/test/` and
`xarray/testing/`, count as tests by this rule). **Source**: every other `.py` file under the package's own
folders listed above. The rest of the sdist (docs, examples, benchmarks, build scripts) is not measured.

What counts as a function: every `def` and `async def`, methods and nested functions included, as flake8 reports
them. RVW202 scores only functions not nested in another (nested ones are folded into the enclosing function), but
its share is still taken over all functions, like the others. RVW201 findings on module-level code are not
functions; they are counted with the modules below. These are the plugin's own measurements, made with the
rule classes flake8 runs (not an approximation of reviewable lines).
"""

NOTES_PLACEHOLDER = "## Review of the findings over budget\n\nNot written yet.\n"


def kept_notes(output: Path) -> str:
    """The hand-written section of the page as it is now, markers included."""
    text = output.read_text(encoding="utf-8") if output.is_file() else ""
    start, end = text.find(NOTES_START), text.find(NOTES_END)
    body = text[start + len(NOTES_START):end].strip("\n") if 0 <= start < end else NOTES_PLACEHOLDER.strip("\n")
    return f"{NOTES_START}\n\n{body}\n\n{NOTES_END}\n"


def render(loaded: Sequence[Loaded], elapsed: float, jobs: int, notes: str) -> str:
    corpora = [part for item in loaded for part in item.parts]
    sections: list[Callable[[], str]] = [
        lambda: verdict_section(corpora),
        lambda: notes,
        lambda: corpora_section(corpora, loaded),
        lambda: defaults_section(corpora),
        lambda: sensitivity_section(corpora),
        lambda: candidates_section(corpora),
        lambda: module_section(corpora),
        versions_section,
        lambda: reproduce_section(elapsed, jobs),
    ]
    return "\n".join([INTRO, *(section() for section in sections)])


def findings_of(corpus: Corpus) -> Iterator[str]:
    """Every function-level finding of the part at the defaults, as ``path:line: CODE message``."""
    rules = [rule_at(code, DEFAULTS[code]) for code in FUNCTION_CODES]
    for index in sorted(corpus.union(DEFAULTS)):
        path = corpus.origins[index].rsplit(":", 1)[0]
        for rule in rules:
            found = rule.check(corpus.functions[index])
            yield from (f"{path}:{item.position.line}:{item.position.col + 1}: {item.message}" for item in found)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-dir", type=Path, default=REPO / ".corpora", help="where the sdists are kept")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "calibration.md", help="page to write")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes for measuring")
    parser.add_argument("--list", metavar="PART", help="print the findings of one part ('rich source') instead")
    return parser.parse_args(argv)


def list_findings(loaded: Sequence[Loaded], name: str) -> int:
    parts = {part.name: part for item in loaded for part in item.parts}
    if name not in parts:
        print(f"no part named {name!r}; the parts: {', '.join(parts)}", file=sys.stderr)
        return 2
    sys.stdout.writelines(f"{line}\n" for line in findings_of(parts[name]))
    return 0


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    pins = corpus_roots(args.corpus_dir.resolve())
    if args.list:
        pins = [(pin, root) for pin, root in pins if args.list.startswith(f"{pin.name} ")]
    loaded = [load_corpus(pin, root, args.jobs) for pin, root in pins]
    if args.list:
        return list_findings(loaded, args.list)
    page = render(loaded, time.perf_counter() - started, args.jobs, kept_notes(args.output))
    sys.stdout.write(page)
    args.output.write_text(page, encoding="utf-8")
    print(f"wrote {args.output} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0 if all(part.within_budget(DEFAULTS) for item in loaded for part in item.parts) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
