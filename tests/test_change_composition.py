"""What a change is made of, end to end on real git repositories in a temporary folder with the real flake8:
code against tests, docs and data; moved code; deleted files; signature sweeps; deleted definitions; and
what the gate says when it cannot measure a change."""
from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import commit_all, git

from flake8_reviewable.composition import Kind, kind_of


def body(count: int, name: str = "load", prefix: str = "step") -> str:
    return f"def {name}(path):\n" + "".join(f"    {prefix}_{n} = path.get({n})\n" for n in range(count - 1)) + \
        "    return path\n"


@pytest.fixture
def repo(flake8):
    """A repository whose main branch has one commit holding a.py, checked out on a feature branch."""
    flake8.write("a.py", body(5))
    commit_all(flake8.folder, "base")
    git(flake8.folder, "checkout", "-q", "-b", "feature")
    return flake8


@pytest.mark.parametrize(("path", "kind"), [
    ("pkg/core.py", Kind.CODE), ("tests/test_core.py", Kind.TESTS), ("pkg/core_test.py", Kind.TESTS),
    ("conftest.py", Kind.TESTS), ("src/tests/helpers.py", Kind.TESTS), ("tests/models/whatwg.json", Kind.DATA),
    ("tests/certs/server.pem", Kind.DATA), ("docs/index.rst", Kind.DOCS), ("README.md", Kind.DOCS),
    ("CHANGES.rst", Kind.DOCS), ("requirements.txt", Kind.OTHER), ("setup.cfg", Kind.OTHER),
    ("poetry.lock", Kind.DATA), ("docs/conf.py", Kind.CODE), ("stubs/core.pyi", Kind.CODE),
])
def test_every_changed_file_has_a_kind(path: str, kind: Kind) -> None:
    assert kind_of(path) is kind


def test_attributes_and_binary_files_decide_a_kind() -> None:
    assert kind_of("vendor/lib.py", frozenset({"linguist-vendored"})) is Kind.DATA
    assert kind_of("notes/guide.py", frozenset({"linguist-documentation"})) is Kind.DOCS
    assert kind_of("logo.png", binary=True) is Kind.DATA


def test_size_counts_code_and_shows_tests_docs_and_data_beside_it(repo) -> None:
    repo.write("a.py", body(5) + "\n\n" + body(50, "more"))
    repo.write("tests/test_a.py", body(500, "test_load"))
    repo.write("tests/models/data.json", "[\n" + "1,\n" * 900 + "1]\n")
    repo.write("docs/guide.md", "# Guide\n" * 30)
    assert repo("--select=RVW4", "a.py", "tests/test_a.py", expect_rc=0) == []
    output = repo("--select=RVW403", "--max-change-size=40", "a.py", "tests/test_a.py")
    # It sits on the checked file with the most changed lines, whatever its kind.
    assert output == [
        "tests/test_a.py:1:1: RVW403 the whole change is 53 changed lines of code in 1 file (> 40), besides 501 "
        "of tests, 30 of docs: split it into changes that can each be reviewed in one sitting; not counted: "
        "tests/models/data.json (test data)"
    ]
    # A test file of 500 lines is no RVW401: only code files are.
    assert repo("--select=RVW401", "--max-file-change=50", "tests/test_a.py", expect_rc=0) == []


def test_moved_code_counts_once_where_it_arrived(repo) -> None:
    repo.write("a.py", body(5) + "\n\n" + body(60, "big"))
    commit_all(repo.folder, "big function")
    git(repo.folder, "branch", "-f", "main")
    repo.write("a.py", body(5))
    repo.write("b.py", "import os\n\n\n" + body(60, "big"))
    output = repo("--select=RVW401,RVW403", "--max-change-size=10", "--max-file-change=10", "a.py", "b.py")
    # a.py: 63 lines deleted, 62 of them (a blank line with the function) moved to b.py, so 1 counts
    # there; b.py: 64 added, 62 of them moved in.
    assert output == [
        "b.py:1:1: RVW401 this file's change is 64 changed lines (> 10), 62 of them moved here: split it into "
        "smaller changes",
        "b.py:1:1: RVW403 the whole change is 65 changed lines of code in 2 files (> 10); 62 of its lines moved, "
        "counted once: split it, e.g. by top-level folder: b.py (1 file, 64 lines), a.py (1 file, 1 line)",
    ]


def test_definitions_moved_to_another_module_or_reordered_are_not_scattered_edits(repo) -> None:
    functions = [body(5, f"f{n}", prefix=f"part{n}") for n in range(10)]  # distinct lines: a clean diff
    repo.write("a.py", "\n\n".join(functions))
    commit_all(repo.folder, "ten functions")
    git(repo.folder, "branch", "-f", "main")
    # Nine functions move to b.py, unchanged: one idea, not nine edits of a.py.
    repo.write("a.py", functions[0])
    repo.write("b.py", "\n\n".join(functions[1:]))
    assert repo("--select=RVW402", "a.py", "b.py", expect_rc=0) == []
    # An edit beside the move is counted, and the move is said apart.
    repo.write("a.py", functions[0].replace("return path", "return None"))
    assert repo("--select=RVW402", "--max-touched-definitions=0", "a.py", "b.py") == [
        "a.py:1:1: RVW402 this file's change edits 1 functions and classes (> 0): f0; besides, 9 definitions "
        "moved; split it by concern",
    ]
    # Reordering a module's functions edits none of them; changing one on the way does.
    (repo.folder / "b.py").unlink()
    repo.write("a.py", "\n\n".join(reversed(functions)))
    assert repo("--select=RVW402", "--max-touched-definitions=0", "a.py", expect_rc=0) == []


def test_a_deleted_file_counts_one_line_per_definition(repo) -> None:
    repo.write("old.py", body(150, "one") + "\n\n" + body(150, "two") + "\n\nclass Three:\n    pass\n")
    commit_all(repo.folder, "old module")
    git(repo.folder, "branch", "-f", "main")
    (repo.folder / "old.py").unlink()
    repo.write("a.py", body(5) + "x = 1\n")
    output = repo("--select=RVW403", "--max-change-size=0", "a.py")
    assert output[0].startswith("a.py:1:1: RVW403 the whole change is 4 changed lines of code in 2 files (> 0)")


def test_a_signature_sweep_is_not_scattered_and_body_edits_are(repo) -> None:
    functions = [f"def f{n}(x, y):\n    return x + y + {n}\n" for n in range(12)]
    repo.write("a.py", "\n\n".join(functions))
    commit_all(repo.folder, "twelve functions")
    git(repo.folder, "branch", "-f", "main")
    swept = [text.replace("(x, y)", "(x: int, y: int) -> int") for text in functions]
    repo.write("a.py", "\n\n".join(swept))
    assert repo("--select=RVW402", "a.py", expect_rc=0) == []
    # Nor large: the signature lines of a sweep are set apart from the size.
    assert repo("--select=RVW401,RVW403", "--max-change-size=0", "--max-file-change=0", "a.py", expect_rc=0) == []
    swept[0] = swept[0].replace("+ 0", "- 0")
    swept[5] = swept[5].replace("+ 5", "- 5")
    repo.write("a.py", "\n\n".join(swept))
    assert repo("--select=RVW402", "--max-touched-definitions=1", "a.py") == [
        "a.py:1:1: RVW402 this file's change edits 2 functions and classes (> 1): f0, f5; besides, 10 signature "
        "edits; split it by concern"
    ]
    assert repo("--select=RVW403", "--max-change-size=0", "a.py") == [
        "a.py:1:1: RVW403 the whole change is 8 changed lines of code in 1 file (> 0); 20 lines of signature "
        "edits set apart: split it into changes that can each be reviewed in one sitting"
    ]


def test_deleted_definitions_are_named_and_untouched_ones_are_not(repo) -> None:
    # The first release named f0, f4, f8 here: difflib marked "the line after each deletion".
    functions = [f"def f{n}():\n    return {n}\n" for n in range(12)]
    repo.write("a.py", "\n\n".join(functions))
    commit_all(repo.folder, "twelve functions")
    git(repo.folder, "branch", "-f", "main")
    repo.write("a.py", "\n\n".join(functions[0::2]))
    assert repo("--select=RVW402", "--max-touched-definitions=5", "a.py") == [
        "a.py:1:1: RVW402 this file's change edits 6 functions and classes (> 5): f1 (deleted), f3 (deleted), "
        "f5 (deleted), f7 (deleted), f9 (deleted) and 1 more; split it by concern"
    ]


def test_a_small_change_over_many_files_is_not_too_spread(repo) -> None:
    for number in range(13):
        repo.write(f"m{number}.py", "x = 1\n")
    commit_all(repo.folder, "modules")
    git(repo.folder, "branch", "-f", "main")
    for number in range(13):
        repo.write(f"m{number}.py", "x = 1  # pragma: no cover\n")
    assert repo("--select=RVW404", ".", expect_rc=0) == []


def test_several_files_over_the_file_limit_give_one_grouped_finding(repo) -> None:
    for name in ("a", "b", "c"):
        repo.write(f"{name}.py", body(30 + len(name) * (ord(name) - 96), name))
    output = repo("--select=RVW401", "--max-file-change=20", "-j2", "a.py", "b.py", "c.py")
    assert output == [
        "c.py:1:1: RVW401 3 files' changes are larger than their limit: c.py (34), b.py (33), a.py (28) (> 20): "
        "split them into smaller changes"
    ]


def test_a_named_base_or_the_changed_scope_outside_git_says_why(flake8) -> None:
    flake8.write("a.py", body(5))
    for option in ("--reviewable-base=origin/main", "--reviewable-scope=changed"):
        output = flake8("--select=RVW4", option, "a.py")
        assert len(output) == 1 and output[0].startswith("a.py:1:1: RVW400 change locality cannot be measured: ")
        assert "this is not a git work tree" in output[0]


def test_the_changed_scope_with_no_base_branch_says_why(flake8) -> None:
    flake8.write("a.py", body(5))
    commit_all(flake8.folder)
    git(flake8.folder, "branch", "-m", "trunk")
    assert flake8("--select=RVW4", "a.py", expect_rc=0) == []
    output = flake8("--select=RVW4", "--reviewable-scope=changed", "a.py")
    assert output == ["a.py:1:1: RVW400 change locality cannot be measured: no base branch was found (tried "
                      "origin/HEAD, origin/main, origin/master, main, master); name one with --reviewable-base"]


def test_auto_landing_on_the_commit_checked_says_so_and_fails_only_the_changed_scope(flake8, tmp_path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    (origin / "a.py").write_text(body(5))
    commit_all(origin)
    git(origin, "checkout", "-q", "-b", "feature")
    (origin / "a.py").write_text(body(8))
    commit_all(origin, "feature work")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--branch", "feature", "--depth", "1", f"file://{origin}", str(clone))
    run = subprocess.run([sys.executable, "-m", "flake8", "--select=RVW4", "a.py"], cwd=clone,
                         capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout == ""
    assert "the base auto found, origin/HEAD, is the commit being checked" in run.stderr
    changed = subprocess.run([sys.executable, "-m", "flake8", "--select=RVW4", "--reviewable-scope=changed", "a.py"],
                             cwd=clone, capture_output=True, text=True)
    assert changed.returncode == 1
    assert "RVW400 change locality cannot be measured: the base auto found" in changed.stdout


def test_a_deleted_class_is_one_place_and_test_files_are_not_scattered(repo) -> None:
    methods = "".join(f"    def m{n}(self):\n        return {n}\n\n" for n in range(6))
    tests = "\n\n".join(f"def test_{n}():\n    assert {n}\n" for n in range(12))
    repo.write("a.py", body(5) + "\n\nclass Gone:\n" + methods + "\ndef kept():\n    return 1\n")
    repo.write("tests/test_a.py", tests)
    commit_all(repo.folder, "a class and twelve tests")
    git(repo.folder, "branch", "-f", "main")
    repo.write("a.py", body(5) + "\n\ndef kept():\n    return 2\n")
    repo.write("tests/test_a.py", tests.replace("assert", "assert not"))
    assert repo("--select=RVW402", "--max-touched-definitions=1", "a.py", "tests/test_a.py") == [
        "a.py:1:1: RVW402 this file's change edits 2 functions and classes (> 1): Gone (deleted), kept; split it "
        "by concern"
    ]


def test_a_complete_clone_of_the_base_branch_says_nothing(flake8, tmp_path) -> None:
    # On main itself, with origin/HEAD naming it, an empty change is the truth: no note on every run.
    origin = tmp_path / "origin"
    origin.mkdir()
    (origin / "a.py").write_text(body(5))
    commit_all(origin)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"file://{origin}", str(clone))
    run = subprocess.run([sys.executable, "-m", "flake8", "--select=RVW4", "a.py"], cwd=clone,
                         capture_output=True, text=True)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
