"""How time and memory grow with the size of one module: the curve the hardening issue asks for.

    python benchmarks/scaling.py [--sizes 12500,25000,50000,100000] [--rounds 2]

Each module is real code repeated: a base of whole files from Django's ``django/db`` package (the pinned
corpus, downloaded like ``run.py`` does), in path order, until it holds 12,500 lines (``from __future__``
lines dropped, since they must open a module), then as many copies of that base as the size asks for. A module
made of different files at each size would mix sparse and dense code differently, and its curve would show the
mix, not the size; copies keep the mix, and also make every function a duplicate of its copies, the duplicate
index's worst case. Each module is alone in its folder, the run's project. Each size is checked by flake8
``-j1`` without the plugin (``bare`` environment) and with it, no cache (so every fact is measured),
interleaved over rounds; medians of CPU time (the run's own, which other jobs on the machine stretch less than
wall time) and the peak RSS are reported with the plugin's share per 1,000 lines, which stays flat when time
grows linearly. The design's target: a 100,000-line module at most 600 MiB of peak RSS with the plugin. Writes
``docs/scaling.md`` unless ``--output -``.
"""
from __future__ import annotations

import argparse
import ast
import statistics
import sys
import tempfile
import tokenize
import warnings
from pathlib import Path

from environment import REPO, corpus_root, prepare_venvs, python_files, source_state
from timing import Sample, run_command

DEFAULT_SIZES = (12_500, 25_000, 50_000, 100_000)
BASE_LINES = 12_500


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="module sizes in lines")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    parser.add_argument("--corpus-dir", type=Path, default=REPO / ".corpora")
    parser.add_argument("--bench-dir", type=Path, default=REPO / ".bench")
    parser.add_argument("--output", default=str(REPO / "docs" / "scaling.md"), help="report path, or - for none")
    args = parser.parse_args(argv)
    args.sizes = sorted(int(size) for size in args.sizes.split(","))
    return args


def base_lines(root: Path) -> list[str]:
    """At least BASE_LINES lines of real code: whole files of ``django/db``, in path order."""
    lines: list[str] = []
    for name in python_files(root):
        if len(lines) >= BASE_LINES:
            break
        if name.startswith("django/db/"):
            lines.extend(_readable_lines(root / name))
    return lines


def _readable_lines(path: Path) -> list[str]:
    """The file's lines without ``from __future__``, ending with a newline; none if it does not parse."""
    try:
        with tokenize.open(path) as stream:
            text = stream.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return []
    kept = [line for line in text.splitlines(keepends=True) if not line.startswith("from __future__")]
    return kept if kept and kept[-1].endswith("\n") else [*kept, "\n"]


def time_sizes(args: argparse.Namespace, scratch: Path) -> dict[tuple[str, int], list[Sample]]:
    root = corpus_root(args.corpus_dir, "django", sys.executable)
    venvs = prepare_venvs(args.bench_dir, sys.executable)
    commands = {
        "bare": [venvs.tool("bare", "flake8"), "--isolated", "-j1"],
        "plugin": [venvs.tool("plugin", "flake8"), "--isolated", "-j1", "--no-reviewable-cache"],
    }
    base = "".join(base_lines(root))
    modules = {}
    for size in args.sizes:
        # A folder each: the plugin's project is every file under the current folder, so modules side by
        # side would all be indexed for duplicates by every run.
        modules[size] = scratch / f"size_{size}" / "module.py"
        modules[size].parent.mkdir()
        modules[size].write_text(base * max(1, round(size / BASE_LINES)), encoding="utf-8")
    samples: dict[tuple[str, int], list[Sample]] = {}
    load_before = _load_average()
    for number in range(args.rounds):
        for size, module in modules.items():
            for role, command in commands.items():
                sample = run_command([*command, module.name], module.parent)
                samples.setdefault((role, size), []).append(sample)
                print(f"round {number + 1}: {role} {size} lines: {sample.cpu:.2f} s CPU, {sample.rss_mib:.0f} MiB",
                      file=sys.stderr)
    args.state = source_state(venvs)
    args.load = f"load average (1, 5, 15 min) before / after: {load_before} / {_load_average()}"
    args.actual_lines = {size: len(path.read_text(encoding="utf-8").splitlines()) for size, path in modules.items()}
    return samples


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


def render(args: argparse.Namespace, samples: dict[tuple[str, int], list[Sample]]) -> str:
    rows = [
        "| lines | flake8 alone, CPU s | with the plugin, CPU s | plugin's share, CPU s | share per 1,000 lines, ms "
        "| peak RSS alone, MiB | peak RSS with the plugin, MiB | RVW findings |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in args.sizes:
        bare = statistics.median(sample.cpu for sample in samples[("bare", size)])
        plugin = statistics.median(sample.cpu for sample in samples[("plugin", size)])
        lines = args.actual_lines[size]
        rows.append(
            f"| {lines:,} | {bare:.2f} | {plugin:.2f} | {plugin - bare:.2f} | {(plugin - bare) / lines * 1e6:.1f} "
            f"| {max(s.rss_mib for s in samples[('bare', size)]):.0f} "
            f"| {max(s.rss_mib for s in samples[('plugin', size)]):.0f} "
            f"| {samples[('plugin', size)][0].rvw_lines} |"
        )
    return "\n".join([
        "# Scaling with the size of one module",
        "",
        __doc__.split("\n\n", 2)[2].strip(),
        "",
        f"Medians of {args.rounds} round(s); plugin code: {args.state}; {args.load}.",
        "",
        *rows,
        "",
        "Reproduce: `python benchmarks/scaling.py` (downloads the corpus and builds the environments once).",
        "",
    ])


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="reviewable-scaling-") as scratch:
        report = render(args, time_sizes(args, Path(scratch)))
    print(report)
    if args.output != "-":
        Path(args.output).write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
