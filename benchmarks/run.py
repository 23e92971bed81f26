"""Benchmark flake8-reviewable against the targets of the design (shared design.md, "Targets").

    python benchmarks/run.py [--corpus django|flask|requests] [--rounds N] [--quick]

Downloads the pinned corpus sdist into ``.corpora/``, creates (once) three virtual environments under
``.bench/`` (see ``environment.py``), then times, interleaved over ``--rounds`` rounds (medians reported):
flake8's default checks without the plugin; with it, cold (empty cache) and warm; ``--select=RVW`` cold and
warm, and cold with ``-j2``; ``ast.parse`` of every file (what flake8 pays anyway), the plugin's metric pass alone and
its duplicate search alone; pylint's duplicate-code check, ``radon cc`` and complexipy on the same files; and
the editor case (the file closest to 1,000 lines on stdin). Prints a table of every target, met or not, and
for Django writes ``docs/performance.md``. Standard library only; every tool runs in its own environment.
"""
from __future__ import annotations

import argparse
import ast
import dataclasses
import statistics
import sys
import tempfile
import threading
import tokenize
import warnings
from pathlib import Path

from blast_scenario import build as build_blast_scenario
from environment import (
    CORPORA, REPO, Venvs, corpus_root, prepare_venvs, python_files, source_state, versions, working_copy,
)
from report import Results, load_results, render_doc, render_targets, save_results, targets
from timing import CACHE, Case, Sample, print_progress, run_command, run_rounds, summarise

PASSES = Path(__file__).resolve().parent / "passes.py"
EDITOR_LINES = 1000
QUICK_EDITOR_REPETITIONS = 5


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="django")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    parser.add_argument("--blast-rounds", type=int, default=None,
                        help="rounds of the blast-radius cases, after the others (default: --rounds; a cold one "
                             "costs minutes)")
    parser.add_argument("--peer-rounds", type=int, default=None,
                        help="rounds of the peer tools, after the others (default: --rounds)")
    parser.add_argument("--editor-repetitions", type=int, default=30, help="runs of each editor case")
    parser.add_argument("--editor-cold-repetitions", type=int, default=5,
                        help="runs of the editor case with an empty cache (it indexes the whole project)")
    parser.add_argument(
        "--quick", action="store_true",
        help=f"one round, {QUICK_EDITOR_REPETITIONS} editor runs, no peer tools or profile, no doc written",
    )
    parser.add_argument("--corpus-dir", type=Path, default=REPO / ".corpora")
    parser.add_argument("--bench-dir", type=Path, default=REPO / ".bench")
    parser.add_argument(
        "--results", type=Path, default=None,
        help="JSON file where the measurements are saved (default: .bench/results-CORPUS.json)",
    )
    parser.add_argument(
        "--render-only", action="store_true",
        help="measure nothing: write the report again from the saved --results (say, after editing tried.md)",
    )
    parser.add_argument("--note", default=None, help="said under the report's title (say, why fewer rounds)")
    parser.add_argument(
        "--output", type=Path, default=None,
        help="where to write the report (default: docs/performance.md for django, none for the others)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.editor_repetitions, args.editor_cold_repetitions = 1, QUICK_EDITOR_REPETITIONS, 1
    args.blast_rounds = args.rounds if args.blast_rounds is None or args.quick else args.blast_rounds
    args.peer_rounds = args.rounds if args.peer_rounds is None else args.peer_rounds
    if args.output is None and args.corpus == "django" and not args.quick:
        args.output = REPO / "docs" / "performance.md"
    if args.results is None:
        args.results = args.bench_dir / f"results-{args.corpus}.json"
    return args


def flake8_cases(venvs: Venvs, root: Path) -> list[Case]:
    """flake8 over the whole tree, config files ignored (``--isolated``): bare, then the plugin, ``-j1``; last
    ``--select=RVW -j2``, whose duplicates must be those of ``-j1``."""
    bare = (venvs.tool("bare", "flake8"), "--isolated", "-j1", ".")
    plugin = (venvs.tool("plugin", "flake8"), "--isolated", "-j1", f"--reviewable-cache-dir={CACHE}", ".")
    select = (*plugin, "--select=RVW")
    return [
        Case("bare", "flake8 default checks, no plugin", bare, root),
        Case("cold", "flake8 + plugin, cold cache", plugin, root, cache="all", cold=True),
        Case("warm", "flake8 + plugin, warm cache", plugin, root, cache="all"),
        Case("select-cold", "flake8 --select=RVW, cold cache", select, root, cache="select", cold=True),
        Case("select-warm", "flake8 --select=RVW, warm cache", select, root, cache="select"),
        Case("select-j2", "flake8 --select=RVW -j2, cold cache", (*select, "-j2"), root, cache="j2", cold=True),
    ]


def blast_cases(venvs: Venvs, root: Path) -> list[Case]:
    """The change of ``blast_scenario`` (10 altered definitions of Django, in the working tree of a repository
    whose ``HEAD`` is the base), checked against its base and without one, each cold then warm: what the
    blast radius (RVW405) adds is the difference."""
    plugin = (venvs.tool("plugin", "flake8"), "--isolated", "-j1", f"--reviewable-cache-dir={CACHE}", ".")
    none, base = (*plugin, "--reviewable-base=none"), (*plugin, "--reviewable-base=HEAD")
    return [
        Case("blast-none-cold", "the change, no base, cold cache", none, root, cache="blast-none", cold=True),
        Case("blast-none-warm", "the change, no base, warm cache", none, root, cache="blast-none"),
        Case("blast-cold", "the change against its base, cold cache", base, root, cache="blast", cold=True),
        Case("blast-warm", "the change against its base, warm cache", base, root, cache="blast"),
    ]


def pass_cases(venvs: Venvs, root: Path, file_list: Path) -> list[Case]:
    """``ast.parse``, the metric pass and the duplicate search, each in one process of the plugin environment."""
    python = venvs.tool("plugin", "python")
    modes = (
        ("parse", "ast.parse, every file"),
        ("measure", "metrics.measure, every file"),
        ("duplicates", "duplicate search from scratch"),
    )
    return [Case(mode, label, (python, str(PASSES), mode, str(file_list)), root, json_output=True)
            for mode, label in modes]


def peer_cases(venvs: Venvs, root: Path, files: list[str]) -> list[Case]:
    """Other tools on the same files, from the ``peers`` environment."""
    pylint = (venvs.tool("peers", "pylint"), "--disable=all", "--enable=duplicate-code", "--persistent=n", "-j1")
    return [
        Case("pylint", "pylint --disable=all --enable=duplicate-code", (*pylint, *files), root),
        Case("radon", "radon cc", (venvs.tool("peers", "radon"), "cc", *files), root),
        Case("complexipy", "complexipy", (venvs.tool("peers", "complexipy"), *files), root),
    ]


def editor_cases(venvs: Venvs, root: Path, path: str) -> list[Case]:
    """One file on stdin, as an editor sends the unsaved buffer: without the plugin; with it and an empty
    cache; with the project cached and the buffer edited (its text never seen before); all cached."""
    stdin = root / path
    bare = (venvs.tool("bare", "flake8"), "--isolated", "-", f"--stdin-display-name={path}")
    plugin = (venvs.tool("plugin", "flake8"), *bare[1:], f"--reviewable-cache-dir={CACHE}")
    return [
        Case("editor-bare", "editor: flake8, no plugin", bare, root, stdin=stdin),
        Case("editor-cold", "editor: plugin, empty cache", plugin, root, stdin=stdin, cache="editor", cold=True),
        Case("editor-edited", "editor: plugin, edited buffer", plugin, root, stdin=stdin, cache="editor",
             edited=True),
        Case("editor-warm", "editor: plugin, all cached", plugin, root, stdin=stdin, cache="editor"),
    ]


def time_editor(args: argparse.Namespace, cases: list[Case], scratch: Path) -> dict[str, list[Sample]]:
    """The editor cases: all of them ``--editor-cold-repetitions`` times, then all but the empty-cache one
    (the slowest: it indexes the whole project) up to ``--editor-repetitions``, on the cache left behind."""
    caches: dict[str, Path] = {}
    cold_runs = min(args.editor_cold_repetitions, args.editor_repetitions)
    samples = run_rounds(cases, cold_runs, scratch, print_progress(cold_runs), caches)
    others = [case for case in cases if not case.cold]
    more = run_rounds(others, args.editor_repetitions - cold_runs, scratch, print_progress(args.editor_repetitions),
                      caches)
    for key, runs in more.items():
        samples[key].extend(runs)
    return samples


def parses(path: Path) -> bool:
    try:
        with tokenize.open(path) as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(handle.read())
        return True
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return False


def line_count(path: Path) -> int:
    with open(path, "rb") as stream:
        return sum(1 for _ in stream)


def editor_file(root: Path, files: list[str]) -> tuple[str, int]:
    """The Python file whose length is closest to 1,000 lines (ties: by path), and its length."""
    lengths = sorted((abs(line_count(root / path) - EDITOR_LINES), path) for path in files)
    path = next(path for _, path in lengths if parses(root / path))
    return path, line_count(root / path)


def run_all(args: argparse.Namespace, venvs: Venvs, root: Path, scratch: Path) -> Results:
    """Time every case; ``scratch`` holds the file list, the cache folders and the edited buffers."""
    files = python_files(root)
    file_list = scratch / "files.txt"
    file_list.write_text("\n".join(files) + "\n", encoding="utf-8")
    cases = flake8_cases(venvs, root) + pass_cases(venvs, root, file_list)
    samples = run_rounds(cases, args.rounds, scratch, print_progress(args.rounds))
    # Fewer rounds where one round says enough and costs minutes (see --blast-rounds, --peer-rounds).
    if args.corpus == "django" and args.blast_rounds:  # the scenario's edits are Django's
        blast = blast_cases(venvs, build_blast_scenario(root, scratch / "blast" / root.name))
        samples.update(run_rounds(blast, args.blast_rounds, scratch, print_progress(args.blast_rounds)))
    if not args.quick and args.peer_rounds:
        peers = peer_cases(venvs, root, files)
        samples.update(run_rounds(peers, args.peer_rounds, scratch, print_progress(args.peer_rounds)))
    path, lines = editor_file(root, files)
    samples.update(time_editor(args, editor_cases(venvs, root, path), scratch))
    profile = {} if args.quick else run_command(
        [venvs.tool("plugin", "python"), str(PASSES), "profile", str(file_list)], root, json_output=True
    ).inner
    return Results(
        corpus=args.corpus, version=CORPORA[args.corpus], files=len(files),
        lines=sum(line_count(root / path) for path in files), rounds=args.rounds,
        editor_repetitions=args.editor_repetitions, editor_file=(path, lines),
        summaries={key: summarise(runs) for key, runs in samples.items()},
        rss_max={key: max(sample.rss_mib for sample in runs) for key, runs in samples.items()},
        profile=profile,
    )


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])
    except OSError:
        return "unknown"


class LoadSampler(threading.Thread):
    """Samples the 1-minute load average every ``period`` seconds while the benchmark runs (its own runs
    count for about 1 of it, 2 during the ``-j2`` case)."""

    def __init__(self, period: float = 30.0) -> None:
        super().__init__(daemon=True)
        self.period, self.samples, self.stopped = period, [], threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.period):
            self.samples.append(float(load_average().split()[0]))

    def summary(self) -> str:
        self.stopped.set()
        if not self.samples:
            return ""
        values = sorted(self.samples)
        return (f"1-minute load during the run, {len(values)} samples every {self.period:.0f} s: min {values[0]:.2f}, "
                f"median {statistics.median(values):.2f}, max {values[-1]:.2f}")


def measure(args: argparse.Namespace, venvs: Venvs) -> Results:
    """Every measurement, saved to ``args.results`` as soon as it is taken."""
    source = source_state(venvs)  # now: the repository may change while the benchmark runs
    root = corpus_root(args.corpus_dir, args.corpus, venvs.tool("bare", "python"))
    load_before, sampler = load_average(), LoadSampler()
    sampler.start()
    with tempfile.TemporaryDirectory(prefix="reviewable-bench-") as scratch:
        results = run_all(args, venvs, working_copy(root, Path(scratch)), Path(scratch))
    load = (load_before, load_average(), sampler.summary())
    results = dataclasses.replace(results, load=load, source=source, package_versions=versions(venvs))
    save_results(results, args.results)
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.render_only:
        results = load_results(args.results)
    else:
        results = measure(args, prepare_venvs(args.bench_dir, sys.executable))
    if args.note is not None:
        results = dataclasses.replace(results, note=args.note)
        save_results(results, args.results)
    rows = targets(results)
    print(render_targets(results, rows))
    if args.output:
        args.output.write_text(render_doc(results, rows, results.package_versions), encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
