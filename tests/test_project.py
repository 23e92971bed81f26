"""The project's own promises: README commands are the ones CI runs, and the plugin is installed."""
from __future__ import annotations

import re
from importlib.metadata import entry_points
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_shell_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.DOTALL)]


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    test_command = next(command for command in _readme_shell_commands() if "pytest" in command)
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines


def test_plugin_is_registered_under_the_rvw_prefix() -> None:
    plugins = {entry.name: entry.value for entry in entry_points(group="flake8.extension")}
    assert plugins["RVW"] == "flake8_reviewable.plugin:ReviewablePlugin"


def test_readme_rule_table_matches_the_rule_classes() -> None:
    from flake8_reviewable.rules import ALL_RULES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in readme.splitlines() if line.startswith("| RVW")}
    assert sorted(rows) == [rule.code for rule in ALL_RULES]
    for rule in ALL_RULES:
        if rule.option:
            assert f"| `{rule.option.flag}` | {rule.option.default} |" in rows[rule.code]


def test_readme_documents_the_plugins_own_options() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for flag in ("--reviewable-cache-dir=PATH", "--no-reviewable-cache"):
        assert f"| `{flag}` |" in readme


def test_guarantees_page_names_only_tests_that_exist() -> None:
    page = (ROOT / "docs" / "guarantees.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(test_[a-z0-9_]+)\b", page)) - {
        f"test_{path.stem[5:]}" for path in (ROOT / "tests").glob("test_*.py")
    }
    defined = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        defined.update(re.findall(r"^def (test_[a-z0-9_]+)", path.read_text(encoding="utf-8"), flags=re.MULTILINE))
    assert named and named <= defined, named - defined
