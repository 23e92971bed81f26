"""Replay merged pull requests of real projects through the blast radius (RVW405), and write
``docs/blast-radius.md``.

    .venv/bin/python docs/scripts/replay_blast.py --mirrors /work/.mirror

The pull requests are the ones ``replay_changes.py`` replays (the last ``--count`` merged pull requests of
flask, click, requests and httpx, from the tips pinned in ``docs/change-calibration.md``), and its
functions pick, clone and check them out: this script only runs another rule and reads another number.
Each commit is checked out, detached, in a git worktree of a clone under ``--work`` (outside this
repository), and flake8 runs there, from the repository root, with every limit of RVW405 lowered to 0::

    python -m flake8 -j1 --select=RVW405 --max-blast-radius=0 --reviewable-base=<first parent>
        --reviewable-cache-dir=<work>/rvw-cache <changed .py files>

so every definition the pull request alters that at least one place outside the change depends on is
reported with its count of places and files. The cache is content-addressed (per-file names and libcst's
answers), so sharing it across pull requests reuses what did not change and never changes a result. Its
keys include a fingerprint of the plugin's code, so a run on changed plugin code starts cold.

Results are cached per commit and plugin fingerprint under ``--work/cache``, so an interrupted run
resumes; ``--work/results/blast/PROJECT.json`` gathers them. ``blast_report.py`` rewrites the doc between
its ``blast`` markers only (the judgement written by hand around them stays): how many pull requests fire
at each limit, and every pull request that fires at the plugin's current default. The results are
measured at limit 0, so ``--doc-only`` shows a new default without a new run.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import blast_report as report
import replay_changes as replay
from flake8_reviewable.rules.blast import BlastRadius

CHANGES_DOC = replay.DOC
LABEL = "blast"
MESSAGE = re.compile(
    r"^'(?P<name>[^']+)' (?P<how>.+?) and (?P<places>\d+) places? in (?P<files>\d+) files? outside this change"
    r" depends? on it \(> \d+\): (?P<shown>.*): [^:]*$"
)
HOW = {"changed": "changed", "changed its signature": "signature", "changed only its annotations": "annotations",
       "was removed": "deleted"}


# ---------------------------------------------------------------------------------------------- one commit


def replay_commit(tree: Path, commit: Mapping[str, str], cache_dir: Path) -> dict[str, object]:
    """Check the commit out in ``tree`` and report every altered definition with a place depending on it."""
    started = time.monotonic()
    replay.git(tree, "checkout", "-q", "-f", "--detach", commit["sha"])
    replay.git(tree, "clean", "-q", "-ffdx")
    changed = replay.changed_python_files(tree, commit["parent"], commit["sha"])
    result: dict[str, object] = {**commit, "python_files": len(changed), "findings": [], "error": None}
    if changed:
        command = [sys.executable, "-m", "flake8", "-j1", "--select=RVW405", "--max-blast-radius=0",
                   f"--reviewable-base={commit['parent']}", f"--reviewable-cache-dir={cache_dir}", *changed]
        done = subprocess.run(command, cwd=tree, capture_output=True, text=True)
        result["findings"] = parse_definitions(done.stdout)
        if done.returncode not in (0, 1) or done.stderr.strip():
            result["error"] = (done.stderr.strip() or f"flake8 exited {done.returncode}")[-2000:]
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def parse_definitions(output: str) -> list[dict[str, object]]:
    """Each RVW405 line of flake8's output as the definition, how it was altered, its places and files."""
    found = []
    for finding in replay.parse_findings(output):
        match = MESSAGE.match(finding["message"]) if finding["code"] == "RVW405" else None
        if match:
            how = HOW.get(match["how"], "renamed" if match["how"].startswith("was renamed") else match["how"])
            found.append({"path": finding["path"], "name": match["name"], "how": how,
                          "places": int(match["places"]), "files": int(match["files"]), "shown": match["shown"]})
    return found


def pinned_tips() -> dict[str, str]:
    """The tips ``docs/change-calibration.md`` replayed from, so both docs judge the same pull requests."""
    data = replay.read_data(CHANGES_DOC.read_text(encoding="utf-8")) if CHANGES_DOC.exists() else {}
    return {name: summary["tip"] for projects in data.values() for name, summary in projects.items()}


# ---------------------------------------------------------------------------------------------- main


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mirrors", type=Path, help="folder holding OWNER+NAME/repo git mirrors (default: GitHub)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "blastreplay",
                        help="clones, worktrees, caches and results (default: %(default)s)")
    parser.add_argument("--count", type=int, default=150, help="pull requests per project (default: 150)")
    parser.add_argument("--jobs", type=int, default=2, help="processes (default: 2)")
    parser.add_argument("--projects", nargs="+", choices=[project.name for project in replay.PROJECTS],
                        default=[project.name for project in replay.PROJECTS])
    parser.add_argument("--refresh", action="store_true", help="replay from the default branch, not the pinned tips")
    parser.add_argument("--output", type=Path, default=report.DOC, help="the doc to update (default: %(default)s)")
    parser.add_argument("--doc-only", action="store_true",
                        help="rewrite the doc from the last run's results (measured at limit 0, so a new default "
                             "needs no new run)")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace) -> dict[str, dict[str, object]]:
    """Replay the pull requests (what is cached per commit is not run again) and gather the results."""
    key = "blast-" + replay.fingerprint(False)
    tips = pinned_tips()
    plans = [replay.plan_project(project, args, tips, key) for project in replay.PROJECTS
             if project.name in args.projects]
    seconds = replay.run_plans(plans, args.jobs, args.work / "rvw-cache", replay_commit)
    return {plan.project.name: replay.save_results(plan, LABEL, key, seconds, args.work) for plan in plans}


def last_results(args: argparse.Namespace) -> dict[str, dict[str, object]]:
    """The results the last run gathered under ``--work/results/blast``."""
    folder = args.work / "results" / LABEL
    return {name: json.loads((folder / f"{name}.json").read_text(encoding="utf-8")) for name in args.projects}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    args.work = args.work.resolve()
    results = last_results(args) if args.doc_only else measure(args)
    report.write_doc(args.output, results)
    default = BlastRadius.option.default
    for name, project in results.items():
        fired = sum(1 for commit in project["commits"] if report.widest(commit) > default)
        print(f"{name}: {replay.share(fired, len(project['commits']))} of pull requests fire RVW405 at {default}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
