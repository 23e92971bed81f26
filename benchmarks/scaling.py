"""How time and memory grow with the size of one module: the curve the hardening issue asks for.

    python benchmarks/scaling.py [--sizes 12500,25000,50000,100000] [--rounds 3]

Each module is real code: Django's source files (the pinned corpus, downloaded like ``run.py`` does)
concatenated in path order until the module has the number of lines asked for, with ``from __future__``
lines dropped (they must open a module) and files that do not parse skipped, so the module holds real
functions, classes and duplicated blocks in the proportions reviewed code has. Each size is checked by
flake8 ``-j1`` without the plugin (``bare`` environment) and with it, no cache (so every fact is measured),
interleaved over rounds; medians of wall time and the peak RSS are reported with the time per 1,000 lines.
Linear growth shows as a flat time per 1,000 lines. Writes ``docs/scaling.md`` unless ``--output -``.
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


def module_lines(root: Path, size: int) -> list[str]:
    """At least ``size`` lines of real code: whole corpus files, in path order, that parse on their own."""
    lines: list[str] = []
    for name in python_files(root):
        if len(lines) >= size:
            break
        try:
            with tokenize.open(root / name) as stream:
                text = stream.read()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        kept = [line for line in text.splitlines(keepends=True) if not line.startswith("from __future__")]
        lines.extend(kept if kept and kept[-1].endswith("\n") else [*kept, "\n"])
    return lines


def time_sizes(args: argparse.Namespace, scratch: Path) -> dict[tuple[str, int], list[Sample]]:
    root = corpus_root(args.corpus_dir, "django", sys.executable)
    venvs = prepare_venvs(args.bench_dir, sys.executable)
    commands = {
        "bare": [venvs.tool("bare", "flake8"), "--isolated", "-j1"],
        "plugin": [venvs.tool("plugin", "flake8"), "--isolated", "-j1", "--no-reviewable-cache"],
    }
    modules = {}
    for size in args.sizes:
        modules[size] = scratch / f"module_{size}.py"
        modules[size].write_text("".join(module_lines(root, size)), encoding="utf-8")
    samples: dict[tuple[str, int], list[Sample]] = {}
    for number in range(args.rounds):
        for size, module in modules.items():
            for role, command in commands.items():
                sample = run_command([*command, module.name], scratch)
                samples.setdefault((role, size), []).append(sample)
                print(f"round {number + 1}: {role} {size} lines: {sample.wall:.2f} s, {sample.rss_mib:.0f} MiB",
                      file=sys.stderr)
    args.state = source_state(venvs)
    args.actual_lines = {size: len(path.read_text(encoding="utf-8").splitlines()) for size, path in modules.items()}
    return samples


def render(args: argparse.Namespace, samples: dict[tuple[str, int], list[Sample]]) -> str:
    rows = [
        "| lines | flake8 alone, s | with the plugin, s | plugin's share, s | share per 1,000 lines, ms "
        "| peak RSS alone, MiB | peak RSS with the plugin, MiB | RVW findings |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in args.sizes:
        bare = statistics.median(sample.wall for sample in samples[("bare", size)])
        plugin = statistics.median(sample.wall for sample in samples[("plugin", size)])
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
        f"Medians of {args.rounds} round(s); plugin code: {args.state}.",
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
