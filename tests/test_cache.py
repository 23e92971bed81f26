"""The facts cache: result-neutral, really read, robust to corrupt entries and unusable folders."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from flake8_reviewable.cache import FactsCache, cache_key
from flake8_reviewable.rules import ALL_RULES
from flake8_reviewable.trust import entry_mac, load_secret

SOURCE = "def load(path):\n" + "".join(f"    step_{n} = path\n" for n in range(45)) + "    return path\n"


def entries(folder) -> list:
    return sorted(folder.rglob("*.json"))


def facts_entry(folder, text: str):
    """The cache file holding the facts of ``text`` (entries are positional JSON: see cache._plain)."""
    key = cache_key(text)
    return folder / ".reviewable_cache" / "v3" / key[:2] / f"{key}.json"


def entry_data(folder, text: str) -> list:
    """The JSON of the facts entry of ``text``, after the line of its HMAC."""
    return json.loads(facts_entry(folder, text).read_bytes().partition(b"\n")[2])


def rewrite_entry(folder, text: str, data: list) -> None:
    """Make ``data`` the facts entry of ``text``, signed with this user's secret: an entry the cache trusts."""
    body = json.dumps(data).encode()
    facts_entry(folder, text).write_bytes(entry_mac(load_secret(), cache_key(text), body) + b"\n" + body)


def test_every_rule_example_gives_the_same_output_cold_and_warm(flake8_api) -> None:
    sources = {example.source for rule in ALL_RULES for example in (*rule.valid, *rule.invalid)}
    for number, source in enumerate(sorted(sources)):
        flake8_api.write(f"examples/e{number}.py", source)
    cold = flake8_api("--select=RVW", "examples")
    # Two entries per distinct text: its facts, and its duplicate-block windows.
    assert len(entries(flake8_api.folder / ".reviewable_cache")) == 2 * len(sources)
    warm = flake8_api("--select=RVW", "examples")
    uncached = flake8_api("--select=RVW", "--no-reviewable-cache", "examples")
    assert cold == warm == uncached and cold


def test_warm_run_reads_the_cache_instead_of_measuring(flake8_api) -> None:
    flake8_api.write("a.py", SOURCE)
    assert len(flake8_api("--select=RVW101", "a.py")) == 1
    data = entry_data(flake8_api.folder, SOURCE)
    data[1][0][2] = 99  # FileFacts.functions[0].length
    rewrite_entry(flake8_api.folder, SOURCE, data)
    assert "is 99 lines long" in flake8_api("--select=RVW101", "a.py")[0]


@pytest.mark.parametrize("garbage", ["", "{", '{"module": null}', "[1, 2]", '[null, "x", null, []]', "\x00\xff"])
def test_corrupt_entry_is_ignored_and_rewritten(flake8_api, garbage: str) -> None:
    flake8_api.write("a.py", SOURCE)
    expected = flake8_api("--select=RVW", "a.py")
    entry = facts_entry(flake8_api.folder, SOURCE)
    entry.write_text(garbage, encoding="latin-1")
    assert flake8_api("--select=RVW", "a.py") == expected
    assert entry_data(flake8_api.folder, SOURCE)[1][0][2] == 46


def test_no_cache_option_writes_nothing(flake8_api) -> None:
    flake8_api.write("a.py", SOURCE)
    flake8_api("--select=RVW", "--no-reviewable-cache", "a.py")
    assert not (flake8_api.folder / ".reviewable_cache").exists()


def test_file_at_the_cache_path_is_left_untouched(flake8_api) -> None:
    flake8_api.write("a.py", SOURCE)
    flake8_api.write(".reviewable_cache", "mine\n")
    assert len(flake8_api("--select=RVW", "a.py")) == 1
    assert (flake8_api.folder / ".reviewable_cache").read_text() == "mine\n"


def test_unwritable_cache_location_means_running_without_a_cache(flake8_api) -> None:
    flake8_api.write("a.py", SOURCE)
    # mkdir fails under /proc even for root, who ignores permission bits.
    assert len(flake8_api("--select=RVW", "--reviewable-cache-dir=/proc/self/no-such-folder", "a.py")) == 1


def read_only_command(cache) -> list[str]:
    """The command prefix that runs flake8 with ``cache`` read-only. Permission bits stop everyone but root;
    for root (as in CI) the folder is bind-mounted read-only in a private mount namespace instead."""
    if os.geteuid() != 0:
        for path in (cache, *cache.rglob("*")):
            path.chmod(0o555 if path.is_dir() else 0o444)
        return []
    mount = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    if shutil.which("unshare") is None:
        pytest.skip("root without unshare (util-linux) to make a folder read-only")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", mount, str(cache), "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"root without a way to make a folder read-only (unshare -m failed: {probe.stderr!r})")
    return ["unshare", "-m", "sh", "-c", mount, str(cache)]


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions and mount namespaces only")
def test_read_only_cache_is_still_read_and_never_written(flake8, flake8_api) -> None:
    flake8.write("a.py", SOURCE)
    flake8_api("--select=RVW", "a.py")
    data = entry_data(flake8.folder, SOURCE)
    data[1][0][2] = 99  # a length only the cache can give: proves the entry is read
    rewrite_entry(flake8.folder, SOURCE, data)
    flake8.write("b.py", SOURCE.replace("load", "save"))
    cache = flake8.folder / ".reviewable_cache"
    before = sorted(cache.rglob("*"))
    prefix = read_only_command(cache)
    try:
        result = subprocess.run(
            [*prefix, sys.executable, "-m", "flake8", "--select=RVW101", "a.py", "b.py"],
            cwd=flake8.folder, capture_output=True, text=True, timeout=120,
        )
    finally:
        for path in (cache, *cache.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert "Traceback" not in result.stderr, result.stderr
    findings = result.stdout.splitlines()
    assert [line.split(" ")[0] for line in findings] == ["a.py:1:1:", "b.py:1:1:"]
    assert "is 99 lines long" in findings[0] and "is 46 lines long" in findings[1]
    assert sorted(cache.rglob("*")) == before


def test_relative_cache_dir_in_config_is_relative_to_the_config_file(flake8_api) -> None:
    flake8_api.write("project/setup.cfg", "[flake8]\nreviewable-cache-dir = build/facts\n")
    flake8_api.write("project/a.py", SOURCE)
    output = flake8_api("--select=RVW", "--config=project/setup.cfg", "project/a.py")
    assert len(output) == 1
    assert entries(flake8_api.folder / "project" / "build" / "facts")


def test_cache_sits_at_the_git_top_level_and_nothing_else_is_written(flake8_api) -> None:
    subprocess.run(["git", "init", "-q", str(flake8_api.folder)], check=True)
    flake8_api.write("pkg/sub/a.py", SOURCE)
    assert len(flake8_api("--select=RVW", "a.py", cwd="pkg/sub")) == 1
    status = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=flake8_api.folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert "?? pkg/sub/a.py" in status
    others = [line for line in status if line != "?? pkg/sub/a.py"]
    assert others and all(line.startswith("!! .reviewable_cache/") for line in others)


def test_concurrent_runs_sharing_one_cache_agree_and_leave_no_partial_files(flake8, flake8_api) -> None:
    for number in range(12):
        flake8.write(f"m{number}.py", SOURCE.replace("load", f"load_{number}") + f"x = {number}\n")
    expected = flake8_api("--select=RVW", "--no-reviewable-cache", ".")
    command = ["--select=RVW", "-j2", "."]
    runs = [
        subprocess.Popen([sys.executable, "-m", "flake8", *command], cwd=flake8.folder, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    for run in runs:
        stdout, stderr = run.communicate(timeout=120)
        assert "Traceback" not in stderr and stdout.splitlines() == expected
    cache = flake8.folder / ".reviewable_cache"
    assert not [path for path in cache.rglob(".tmp-*")]
    assert flake8_api("--select=RVW", ".") == expected


def test_empty_and_comment_only_files_are_cached_too(flake8_api) -> None:
    flake8_api.write("empty.py", "")
    flake8_api.write("comment.py", "# nothing here\n")
    flake8_api("--select=RVW", ".", expect_rc=0)
    cache = FactsCache(flake8_api.folder / ".reviewable_cache")
    assert cache.load("") is not None and cache.load("# nothing here\n") is not None
