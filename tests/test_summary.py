"""``flake8 --format=reviewable``: the review summary of the change, run through the real flake8 on real
git repositories."""
from __future__ import annotations

import ast

from pathlib import Path

import pytest

from conftest import Flake8Api, Flake8Run, commit_all, git

from flake8_reviewable.composition import Kind
from flake8_reviewable.parts import PartFile, imported_modules, split
from flake8_reviewable.review import effort

ARGS = ("--format=reviewable", "--reviewable-base=main", ".")


def _base(runner, files: dict[str, str]) -> None:
    """Commit ``files`` on main, then start the branch ``feature`` (its changes are left to the test)."""
    for name, text in files.items():
        runner.write(name, text)
    commit_all(runner.folder, "base")
    git(runner.folder, "checkout", "-q", "-b", "feature")


def _summary(lines: list[str]) -> list[str]:
    start = next(index for index, line in enumerate(lines) if line.startswith("Review summary"))
    return lines[start:]


def _function(name: str, body_lines: int = 1) -> str:
    body = "".join(f"    print('value', {index})\n" for index in range(body_lines))
    return f"def {name}():\n{body}    return 0\n"


def _two_features(runner) -> None:
    _base(runner, {"pkg/__init__.py": "", "tests/__init__.py": "", "README.md": "# pkg\n"})
    runner.write("pkg/orders.py", _function("order", 2))
    runner.write("pkg/users.py", _function("user", 3))
    runner.write("tests/test_orders.py",
                 "from pkg.orders import order\n\n\ndef test_order():\n    assert not order()\n")
    runner.write("tests/test_users.py", "from pkg import users\n\n\ndef test_user():\n    assert not users.user()\n")


def test_two_unrelated_features_split_into_two_parts_each_with_its_tests(flake8_api: Flake8Api) -> None:
    _two_features(flake8_api)
    flake8_api.write("README.md", "# pkg\n\nOrders and users.\n")
    summary = _summary(flake8_api(*ARGS, expect_rc=0))
    assert summary[1:] == [
        "  code: 9 lines in 2 files",
        "  tests: 10 lines in 2 files",
        "  docs: 2 lines in 1 file",
        "  other: 0 lines in 0 files",
        "  moved lines: 0, counted once, where they arrived",
        "  definitions: 0 edited in their body, 0 only in their signature, 0 deleted, 0 moved, 2 new",
        "  blast radius: 0 altered definitions, none used outside the change",
        "  findings: none",
        "  review effort: 19 lines of code and tests: about 1 sitting, 0.5 hours (Cisco's code review study, "
        "SmartBear: at most 400 lines a sitting, 500 lines an hour)",
        "  independent parts: 2, in an order where each needs only the parts before it",
        "    1. 9 lines (code 4, tests 5), 2 files: pkg/orders.py, tests/test_orders.py",
        "    2. 10 lines (code 5, tests 5), 2 files: pkg/users.py, tests/test_users.py",
        "  outside the parts (no imports to follow): README.md (docs)",
    ]


def test_a_file_importing_another_comes_after_it(flake8_api: Flake8Api) -> None:
    _base(flake8_api, {"core.py": _function("load"), "app.py": "import core\n\n\ndef run():\n    return core.load()\n"})
    flake8_api.write("core.py", _function("load", 2))
    flake8_api.write("app.py", "import core\n\n\ndef run():\n    return core.load() + 1\n")
    summary = _summary(flake8_api(*ARGS, expect_rc=0))
    assert summary[-2:] == ["    1. 1 line (code 1), 1 file: core.py",
                            "    2. 2 lines (code 2), 1 file: app.py; needs part 1"]
    assert "  definitions: 2 edited in their body, 0 only in their signature, 0 deleted, 0 moved, 0 new" in summary
    assert "  blast radius: 2 altered definitions, none used outside the change" in summary


def test_moved_code_and_docs_show_apart(flake8_api: Flake8Api) -> None:
    _base(flake8_api, {"a.py": _function("moved", 5), "b.py": _function("stays"), "docs/guide.md": "# Guide\n"})
    flake8_api.write("a.py", "")
    flake8_api.write("b.py", _function("stays") + "\n\n" + _function("moved", 5))
    flake8_api.write("docs/guide.md", "# Guide\n\nMore.\n")
    summary = _summary(flake8_api(*ARGS, expect_rc=0))
    assert summary[1:6] == [
        "  code: 9 lines in 2 files",
        "  tests: 0 lines in 0 files",
        "  docs: 2 lines in 1 file",
        "  other: 0 lines in 0 files",
        "  moved lines: 7, counted once, where they arrived",
    ]
    # The function that left a.py was moved, not deleted (and it is new where it arrived).
    assert "  definitions: 0 edited in their body, 0 only in their signature, 0 deleted, 1 moved, 1 new" in summary


def test_findings_are_counted_per_rule_after_the_usual_lines(flake8_api: Flake8Api) -> None:
    deep = "def deep(rows):\n" + "".join("    " * level + f"for x{level} in rows:\n" for level in range(1, 7))
    _base(flake8_api, {"a.py": _function("keep")})
    flake8_api.write("a.py", deep + "    " * 7 + "return x1\n")
    lines = flake8_api(*ARGS, expect_rc=1)
    assert lines[0].startswith("./a.py:1:1: RVW202 ") and lines[1].startswith("./a.py:6:21: RVW201 ")
    assert "  findings: RVW201 1, RVW202 1" in _summary(lines)


def test_no_base_says_why(flake8_api: Flake8Api) -> None:
    flake8_api.write("a.py", _function("a"))
    assert flake8_api("--format=reviewable", ".", expect_rc=0)[0].startswith(
        "Review summary of the change: none, this is not a git work tree (")
    commit_all(flake8_api.folder)
    git(flake8_api.folder, "branch", "-m", "trunk")
    assert flake8_api("--format=reviewable", ".", expect_rc=0) == [
        "Review summary of the change: none, no base branch was found (tried origin/HEAD, origin/main, "
        "origin/master, main, master); name one with --reviewable-base."]
    assert flake8_api("--format=reviewable", "--reviewable-base=none", ".", expect_rc=0) == [
        "Review summary of the change: none, --reviewable-base=none: the change is not measured."]


def test_a_named_base_that_is_missing_gives_rvw400s_reason(flake8_api: Flake8Api) -> None:
    flake8_api.write("a.py", _function("a"))
    commit_all(flake8_api.folder)
    lines = flake8_api("--format=reviewable", "--reviewable-base=gone", ".", expect_rc=1)
    assert "RVW400" in lines[0]
    assert lines[1] == ("Review summary of the change: none, the base 'gone' is not a commit in this repository; "
                        "name an existing ref with --reviewable-base (e.g. origin/main).")


def test_output_file_jobs_and_the_github_step_summary(
    flake8: Flake8Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_features(flake8)
    page = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(page))
    result = flake8.raw(*ARGS, "-j2", "--output-file=report.txt")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    written = (tmp_path / "report.txt").read_text().splitlines()
    assert written[0].startswith("Review summary of the change (merge base ")
    assert "    2. 10 lines (code 5, tests 5), 2 files: pkg/users.py, tests/test_users.py" in written
    markdown = page.read_text().splitlines()
    assert markdown[0] == "## Review summary of the change"
    assert "| code | 9 | 2 |" in markdown and "| tests | 10 | 2 |" in markdown
    assert "1. 9 lines (code 4, tests 5), 2 files: `pkg/orders.py`, `tests/test_orders.py`" in markdown


def test_effort_rounds_up_to_sittings_and_half_hours() -> None:
    assert effort(0) == (0, 0.0)
    assert effort(1) == (1, 0.5)
    assert effort(400) == (1, 1.0)
    assert effort(401) == (2, 1.0)
    assert effort(751) == (2, 2.0)


def test_files_importing_each_other_are_one_part_and_lone_tests_their_own() -> None:
    files = [PartFile("x.py", Kind.CODE, 1, "x", frozenset({("y",)})),
             PartFile("y.py", Kind.CODE, 1, "y", frozenset({("x",)})),
             PartFile("tests/test_z.py", Kind.TESTS, 1, "test_z", frozenset({("os",)}))]
    assert [[item.path for item in part.files] for part in split(files)] == [["tests/test_z.py"], ["x.py", "y.py"]]


def test_a_from_import_names_the_submodule_and_type_checking_imports_order_nothing() -> None:
    tree = ast.parse("from . import core\nfrom typing import TYPE_CHECKING\n"
                     "if TYPE_CHECKING:\n    from .cli import Cli\n")
    assert imported_modules(tree, "pkg") == {("pkg.core", "pkg"), ("typing.TYPE_CHECKING", "typing")}
