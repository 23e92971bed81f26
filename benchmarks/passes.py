"""Run inside the ``plugin`` environment by ``run.py``: time one pass over a list of files, print JSON.

    python passes.py parse|measure|duplicates|profile FILE_LIST

- ``parse``: ``ast.parse`` of every file, the parse flake8 already pays for (the plugin reuses its tree);
- ``measure``: ``flake8_reviewable.metrics.measure(text, tree)``, the whole metric pass, with ``tree`` parsed
  beforehand as flake8 does, outside the timer;
- ``duplicates``: the plugin's cross-file duplicate search from scratch, as pylint's duplicate-code check
  does it: read and ``ast.parse`` every file, its windows, the project index, every file's duplicates
  (all timed here, since pylint's time includes its own parsing; no cache);
- ``profile``: ``measure`` under cProfile on the largest files, top functions by cumulative time.

Reading a file is never timed; ``ast.parse`` is timed only by ``parse`` and ``duplicates``. Importing the
plugin's metric pass is timed apart (a fixed cost per process). Files that Python itself cannot parse (flake8
reports E999 for them) are skipped by every mode.
"""
from __future__ import annotations

import ast
import cProfile
import io
import json
import pstats
import sys
import time
import tokenize
import warnings
from pathlib import Path

PROFILED_FILES = 5
PROFILE_ROWS = 10


def read(path: str) -> tuple[str, ast.Module] | None:
    """The file's text and ``ast``, or None when Python cannot read or parse it."""
    try:
        with tokenize.open(path) as handle:
            text = handle.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return text, ast.parse(text, filename=path)
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return None


def timed_imports() -> dict[str, float]:
    start = time.perf_counter()
    import flake8_reviewable.metrics  # noqa: F401

    return {"import_metrics": time.perf_counter() - start}


def time_pass(paths: list[str], mode: str) -> dict[str, float]:
    """Sum of the wall and CPU time spent in the timed call, over every readable file."""
    from flake8_reviewable.metrics import measure

    totals = {"seconds": 0.0, "cpu": 0.0, "files": 0, "skipped": 0, "errors": 0}
    for path in paths:
        source = read(path)
        if source is None:
            totals["skipped"] += 1
            continue
        text, tree = source
        call, args = (ast.parse, (text,)) if mode == "parse" else (measure, (text, tree))
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            call(*args)
        except Exception:  # a failure is still time spent
            totals["errors"] += 1
        totals["seconds"] += time.perf_counter() - wall
        totals["cpu"] += time.process_time() - cpu
        totals["files"] += 1
    return totals


def time_duplicates(paths: list[str]) -> dict[str, float]:
    """Wall and CPU time of the whole duplicate search over ``paths``, and how many blocks it reports."""
    from flake8_reviewable.duplication import ProjectIndex, find_duplicates
    from flake8_reviewable.fingerprint import windows
    from flake8_reviewable.rules import OPTIONS

    min_size = next(option.default for option in OPTIONS if option.dest == "min_duplicate_size")
    wall, cpu = time.perf_counter(), time.process_time()
    index, per_file = ProjectIndex(), {}
    for path in paths:
        source = read(path)
        if source is not None:
            per_file[path] = windows(source[1], min_size)
            index.add(path, per_file[path])
    index.freeze()
    found = sum(len(find_duplicates(path, file_windows, index)) for path, file_windows in per_file.items())
    return {
        "seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
        "files": len(per_file), "skipped": len(paths) - len(per_file), "duplicates": found,
    }


def profile(paths: list[str]) -> dict[str, object]:
    """cProfile of ``measure`` over the largest files: the top functions by cumulative time."""
    from flake8_reviewable.metrics import measure

    largest = sorted(paths, key=lambda path: Path(path).stat().st_size, reverse=True)[:PROFILED_FILES]
    sources = [source for source in map(read, largest) if source is not None]
    profiler = cProfile.Profile()
    profiler.enable()
    for text, tree in sources:
        measure(text, tree)
    profiler.disable()
    return {"files": largest, "cumulative": _top(profiler, "cumulative"), "internal": _top(profiler, "tottime")}


def _top(profiler: cProfile.Profile, order: str) -> str:
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats(order).print_stats(PROFILE_ROWS)
    # Shorter paths: from the environment's site-packages, or the standard library.
    text = stream.getvalue().replace(str(Path(ast.__file__).parent) + "/", "")
    return _strip_site_packages(text)


def _strip_site_packages(text: str) -> str:
    lines = []
    for line in text.splitlines():
        head, separator, tail = line.partition("site-packages/")
        lines.append(head[: head.rfind(" ") + 1] + tail if separator else line)
    return "\n".join(lines)


def main(arguments: list[str]) -> None:
    mode, list_file = arguments
    paths = Path(list_file).read_text(encoding="utf-8").splitlines()
    # The duplicate search does not use the metric pass: importing it there would only slow the process.
    result: dict[str, object] = {} if mode == "duplicates" else dict(timed_imports())
    modes = {"profile": profile, "duplicates": time_duplicates}
    result.update(modes[mode](paths) if mode in modes else time_pass(paths, mode))
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
