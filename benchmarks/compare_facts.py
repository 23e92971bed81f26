"""Compare the facts two versions of the metric pass give, file by file, on real code bases.

    python benchmarks/compare_facts.py --before 770ddca [--after 0c5f239] --report docs/facts-comparison.md ROOT...

``--before`` (and ``--after``, else the working tree) names a commit of this repository: its
``flake8_reviewable`` package is exported to a temporary folder and run in its own process. Each measures every ``*.py``
file under the roots that Python parses (``metrics.measure(text, tree)``, no cache) and writes the facts as
JSON; the two are then compared file by file. A file on which either version raised is listed as well.
Written for the move from libcst to the ``ast`` alone (issue "One tree"), kept for any change of the pass
that should leave the facts as they are.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent

# Run in a separate process with the package under test first on sys.path.
_DUMP = r"""
import ast, json, sys, tokenize, warnings
import flake8_reviewable
print("measuring with", flake8_reviewable.__file__, file=sys.stderr)
from pathlib import Path
from flake8_reviewable.metrics import measure
from flake8_reviewable.cache import _plain
warnings.simplefilter("ignore")
out = open(sys.argv[1], "w", encoding="utf-8")
for root in sys.argv[2:]:
    for path in sorted(Path(root).rglob("*.py")):
        try:
            with tokenize.open(path) as stream:
                text = stream.read()
            tree = ast.parse(text)
        except (OSError, SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
            continue
        try:
            facts = _plain(measure(text, tree))
        except Exception as error:  # recorded, not hidden: a crash is a difference too
            facts = {"raised": repr(error)}
        out.write(json.dumps([str(path), facts]) + "\n")
"""


def dump(package_parent: Path, roots: list[str], target: Path) -> None:
    """Measure every file under ``roots`` with the package found in ``package_parent``."""
    environment = {**os.environ, "PYTHONPATH": str(package_parent)}
    # Run from the target's folder: ``python -c`` puts the working folder first on sys.path.
    absolute = [str(Path(root).resolve()) for root in roots]
    subprocess.run([sys.executable, "-c", _DUMP, str(target), *absolute], env=environment, check=True,
                   cwd=target.parent)


def export(commit: str, folder: Path) -> None:
    """The package as it was at ``commit``, written under ``folder``."""
    archive = subprocess.run(["git", "archive", commit, "flake8_reviewable"], cwd=REPOSITORY, capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)


def read(path: Path) -> dict[str, object]:
    with open(path, encoding="utf-8") as stream:
        return dict(json.loads(line) for line in stream)


def kind_of(before: object, after: object) -> str:
    """A short name for how two files' facts differ (failure fields are the third item of FileFacts)."""
    if isinstance(before, dict) or isinstance(after, dict):
        return "one version raised"
    failed_before, failed_after = before[2] is not None, after[2] is not None
    if failed_before != failed_after:
        failed = before if failed_before else after
        return f"RVW001 {'before only' if failed_before else 'after only'}: {failed[2][1]}"
    return "facts differ"


def compare(before: dict[str, object], after: dict[str, object]) -> tuple[int, list[tuple[str, str]]]:
    """(identical files, [(path, how they differ)]) over the files both measured."""
    common = sorted(before.keys() & after.keys())
    differences = [(path, kind_of(before[path], after[path])) for path in common if before[path] != after[path]]
    return len(common) - len(differences), differences


def report(roots: list[str], before: str, after: str, identical: int, differences: list[tuple[str, str]]) -> str:
    lines = [f"Facts of `{before}` against `{after}`, {identical + len(differences):,} files under",
             *[f"- `{root}`" for root in roots], "",
             f"Identical: {identical:,}. Different: {len(differences):,}.", ""]
    for kind, count in Counter(kind for _, kind in differences).most_common():
        lines.append(f"- {count} x {kind}")
    lines += ["", *[f"- `{path}`: {kind}" for path, kind in differences]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="a commit of this repository")
    parser.add_argument("--after", help="another commit (default: the working tree)")
    parser.add_argument("--keep", type=Path, help="keep both sides' facts (JSON lines) in this folder")
    parser.add_argument("--report", type=Path, help="also write the result (Markdown) here")
    parser.add_argument("roots", nargs="+")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = arguments.keep or Path(scratch)
        for side, commit in (("before", arguments.before), ("after", arguments.after)):
            (folder / side).mkdir(parents=True, exist_ok=True)
            if commit:
                export(commit, folder / side)
            dump(folder / side if commit else REPOSITORY, arguments.roots, folder / f"{side}.jsonl")
        identical, differences = compare(read(folder / "before.jsonl"), read(folder / "after.jsonl"))
    text = report(arguments.roots, arguments.before, arguments.after or "the working tree", identical, differences)
    print(text)
    if arguments.report:
        arguments.report.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
