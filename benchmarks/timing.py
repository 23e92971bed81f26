"""Timing child processes: wall clock, CPU (user + sys) and peak RSS of each, interleaved over rounds.

Each command is started with ``subprocess.Popen`` and reaped with ``os.wait4``, whose resource usage is that
child's own (and its waited-for children's): CPU and peak RSS are exact per run, whatever else the machine
does. Wall time is ``perf_counter`` around start and reap.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

# Stands in a command line for the cache folder of the run (a fresh, empty one for a cold run).
CACHE = "{cache}"


@dataclass(frozen=True)
class Case:
    """One command to time. ``cache`` names a cache folder shared by the cases of a round that use it;
    a ``cold`` case gets a new empty one, a warm case reuses the one the previous case of that name filled."""

    key: str
    label: str
    argv: tuple[str, ...]
    cwd: Path
    stdin: Path | None = None
    cache: str | None = None
    cold: bool = False
    json_output: bool = False
    # An editor buffer that differs from every earlier run's: ``stdin`` with a unique comment line appended.
    edited: bool = False


@dataclass(frozen=True)
class Sample:
    """One timed run."""

    wall: float
    cpu: float
    rss_mib: float
    returncode: int
    output_lines: int
    rvw_lines: int
    # Duplicate findings (RVW30x), and a digest of them sorted, to compare runs.
    duplicates: int = 0
    duplicates_digest: str = ""
    inner: dict = field(default_factory=dict)
    # Cache entries (re)written by the run: the files it measured rather than read from the cache.
    cache_written: int | None = None


@dataclass(frozen=True)
class Summary(Sample):
    """Medians (wall, CPU, peak RSS, inner timings) of the runs of one case; the rest from its last run."""

    runs: int = 1
    # The wall and CPU time of every run, in round order, to compare cases round by round.
    walls: tuple[float, ...] = ()
    cpus: tuple[float, ...] = ()


@contextlib.contextmanager
def _stdin(path: Path | None) -> Iterator[IO[bytes] | int]:
    if path is None:
        yield subprocess.DEVNULL
    else:
        with open(path, "rb") as stream:
            yield stream


def _read(stream: IO[bytes]) -> str:
    stream.seek(0)
    return stream.read().decode("utf-8", "replace")


def _check(argv: Sequence[str], returncode: int, stderr: str) -> None:
    if returncode < 0 or "Traceback (most recent call last)" in stderr:
        raise SystemExit(f"{' '.join(argv[:4])} ... failed ({returncode}):\n{stderr[-3000:]}")


def run_command(argv: Sequence[str], cwd: Path, stdin: Path | None = None, json_output: bool = False) -> Sample:
    """Run ``argv`` once, its output to temporary files, and measure it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, _stdin(stdin) as source:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdin=source, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout, stderr = _read(out), _read(err)
    _check(argv, process.returncode, stderr)
    inner = json.loads(stdout.strip().splitlines()[-1]) if json_output else {}
    duplicates = sorted(line for line in stdout.splitlines() if ": RVW30" in line)
    return Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        returncode=process.returncode,
        output_lines=stdout.count("\n"),
        rvw_lines=sum(1 for line in stdout.splitlines() if ": RVW" in line),
        duplicates=len(duplicates),
        duplicates_digest=hashlib.sha256("\n".join(duplicates).encode()).hexdigest()[:12],
        inner=inner,
    )


def _cache_folder(case: Case, caches: dict[str, Path], scratch: Path) -> Path | None:
    if case.cache is None:
        return None
    if case.cold or case.cache not in caches:
        if case.cache in caches:
            shutil.rmtree(caches[case.cache], ignore_errors=True)
        caches[case.cache] = Path(tempfile.mkdtemp(prefix=f"cache-{case.cache}-", dir=scratch))
    return caches[case.cache]


def _written_since(folder: Path, start: float) -> int:
    return sum(1 for path in folder.rglob("*.json") if path.stat().st_mtime >= start)


def _edited_buffer(source: Path, scratch: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix="buffer-", suffix=".py", dir=scratch)
    with os.fdopen(handle, "wb") as stream:
        stream.write(source.read_bytes().rstrip(b"\n") + f"\n# edited: {time.time_ns()}\n".encode())
    return Path(name)


def run_case(case: Case, caches: dict[str, Path], scratch: Path) -> Sample:
    """Run one case, giving it its cache folder and its buffer; count the cache entries it wrote."""
    folder = _cache_folder(case, caches, scratch)
    argv = [argument.replace(CACHE, str(folder)) for argument in case.argv]
    stdin = _edited_buffer(case.stdin, scratch) if case.edited and case.stdin else case.stdin
    start = time.time()
    sample = run_command(argv, case.cwd, stdin, case.json_output)
    if folder is None:
        return sample
    return dataclasses.replace(sample, cache_written=_written_since(folder, start))


Progress = Callable[[int, Case, Sample], None]


def run_rounds(
    cases: Sequence[Case], rounds: int, scratch: Path, progress: Progress, caches: dict[str, Path] | None = None
) -> dict[str, list[Sample]]:
    """Every case once per round, in the given order (a cold case before its warm ones), ``rounds`` times.

    Cache folders live across rounds (a cold case replaces its own); pass ``caches`` to share them with
    later calls, else they are deleted at the end."""
    samples: dict[str, list[Sample]] = {case.key: [] for case in cases}
    folders = {} if caches is None else caches
    for number in range(1, rounds + 1):
        for case in cases:
            sample = run_case(case, folders, scratch)
            samples[case.key].append(sample)
            progress(number, case, sample)
    if caches is None:
        for folder in folders.values():
            shutil.rmtree(folder, ignore_errors=True)
    return samples


def _median_inner(samples: Sequence[Sample]) -> dict:
    keys = [key for key, value in samples[0].inner.items() if isinstance(value, (int, float))]
    return {key: statistics.median(sample.inner[key] for sample in samples) for key in keys}


def summarise(samples: Sequence[Sample]) -> Summary:
    """Medians of wall, CPU, peak RSS and inner timings; output counts of the last run."""
    last = dataclasses.asdict(samples[-1])
    last.update(
        wall=statistics.median(sample.wall for sample in samples),
        cpu=statistics.median(sample.cpu for sample in samples),
        rss_mib=statistics.median(sample.rss_mib for sample in samples),
        inner=_median_inner(samples),
    )
    return Summary(
        **last, runs=len(samples), walls=tuple(sample.wall for sample in samples),
        cpus=tuple(sample.cpu for sample in samples),
    )


def print_progress(rounds: int) -> Progress:
    """A progress callback that prints one line per run on stderr."""

    def progress(number: int, case: Case, sample: Sample) -> None:
        print(
            f"[{number}/{rounds}] {case.label}: {sample.wall:.2f} s wall, {sample.cpu:.2f} s CPU, "
            f"{sample.rss_mib:.0f} MiB",
            file=sys.stderr,
            flush=True,
        )

    return progress
