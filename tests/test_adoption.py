"""What a team adopting the plugin reads must be true: the README's sample output, its config, the changelog."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import flake8_reviewable

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _console_blocks(text: str) -> list[tuple[str, list[str]]]:
    """Each ```console block as (the command after `$ `, the lines it prints)."""
    blocks = re.findall(r"```console\n\$ (.*?)\n(.*?)```", text, flags=re.DOTALL)
    return [(command, output.splitlines()) for command, output in blocks]


def _run_flake8(command: str) -> subprocess.CompletedProcess[str]:
    """Run a README command line whose program is flake8, with this interpreter's flake8, from the root.

    In a fresh clone nothing has changed against the base branch, so the change rules are silent there; on a
    branch that edits examples/ they would report the branch. `--reviewable-base=none` gives the fresh
    clone's output on any branch.
    """
    program, *args = command.split()
    assert Path(program).name == "flake8", command
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--reviewable-base=none", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )


def test_try_it_output_is_the_real_output() -> None:
    section = _section("Try it")
    (command, shown), *_ = _console_blocks(section)
    install_line = re.search(r"```sh\n(.*?)\n```", section).group(1)
    assert install_line.endswith(f"&& {command}"), "the shown run is not the command the section tells to run"
    result = _run_flake8(command)
    assert result.stderr == ""
    assert result.stdout.splitlines() == shown, f"paste the real output into the README:\n{result.stdout}"
    assert result.returncode == 1


def test_try_it_example_trips_the_promised_rules() -> None:
    (_, shown), *_ = _console_blocks(_section("Try it"))
    codes = {line.split()[1] for line in shown}
    assert {"RVW101", "RVW201", "RVW202", "RVW301"} <= codes


def test_intro_sample_lines_are_real_output() -> None:
    intro = README.split("\n## ", 1)[0]
    (command, shown), *_ = _console_blocks(intro)
    real = _run_flake8(command).stdout.splitlines()
    assert shown and set(shown) <= set(real), set(shown) - set(real)


def test_config_examples_do_not_select_what_is_on_by_default() -> None:
    pages = [README, *(path.read_text(encoding="utf-8") for path in (ROOT / "docs").glob("*.md"))]
    for page in pages:
        for block in re.findall(r"```ini\n(.*?)```", page, flags=re.DOTALL):
            assert not re.search(r"^(extend-)?select\s*=.*RVW", block, flags=re.MULTILINE), block


def test_radon_options_change_no_rvw_finding() -> None:
    plain = _run_flake8("flake8 --select=RVW examples/")
    with_radon = _run_flake8("flake8 --select=RVW --radon-max-cc=1 --radon-no-assert examples/")
    assert "RVW203" in plain.stdout
    assert with_radon.stdout == plain.stdout


def test_changelog_names_the_packages_version_first() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[?(\d+\.\d+\.\d+)\]?", changelog, flags=re.MULTILINE)
    assert versions and versions[0] == flake8_reviewable.__version__


def test_docs_stand_on_their_own() -> None:
    pages = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "/work/" not in text and "corpora.md" not in text, page
