"""RVW406 end to end: real git repositories in a temporary folder, the real flake8 (in-process, or a real
process where one matters: -j2)."""
from __future__ import annotations

import re

import pytest
from conftest import commit_all, git
from flake8 import defaults
from flake8.main import cli

from flake8_reviewable.git import _PatchReader
from flake8_reviewable.guard import all_but_rvw406
from flake8_reviewable.loosening import NOQA_FILE, NOQA_INLINE, per_file_codes, quiet_line

ADVICE = ": review that decision on its own, or revert it"
LONG = "def load(path):\n" + "    print(path)\n" * 44 + "    return path\n"


@pytest.fixture
def lint(monkeypatch, capsys):
    """flake8's own main, in-process, in a folder: its printed lines (never a traceback)."""

    def run(folder, *args: str) -> list[str]:
        monkeypatch.chdir(folder)
        capsys.readouterr()
        cli.main(["-j1", "--reviewable-base=main", *args])
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        return out.splitlines()

    return run


def repository(folder, files: dict[str, str]) -> None:
    """A repository whose main branch holds ``files``, checked out on a feature branch."""
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    commit_all(folder, "base")
    git(folder, "checkout", "-q", "-b", "feature")


def write(folder, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def rvw406(output: list[str]) -> list[str]:
    return [line for line in output if " RVW406 " in line]


@pytest.mark.parametrize("name", ["setup.cfg", "tox.ini", ".flake8"])
def test_raised_limit_in_each_configuration_file(tmp_path, lint, name) -> None:
    repository(tmp_path, {"a.py": "x = 1\n", name: "[flake8]\nmax-line-length = 120\nmax-function-length = 40\n"})
    write(tmp_path, name, "[flake8]\nmax-line-length = 120\nmax-function-length = 1000\n")
    assert lint(tmp_path, "a.py") == [
        f"a.py:1:1: RVW406 this change loosens the gate: {name}:3 raises max-function-length from 40 to 1000{ADVICE}"
    ]


def test_limit_raised_from_its_default_and_underscore_spelling(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": "x = 1\n"})
    write(tmp_path, "tox.ini", "[tox]\nenvlist = py\n\n[flake8]\nmax_nesting_depth = 6\nmax-bumps = 2\n")
    assert lint(tmp_path, "a.py") == [
        f"a.py:1:1: RVW406 this change loosens the gate: tox.ini:5 raises max-nesting-depth from 4 to 6{ADVICE}"
    ]


def test_min_duplicate_size_raised_is_looser_and_lowered_is_tighter(tmp_path, lint) -> None:
    # A larger minimum reports fewer duplicated blocks: raising it loosens the gate (the issue said "lowered").
    repository(tmp_path, {"a.py": "x = 1\n", "setup.cfg": "[flake8]\nmin-duplicate-size = 6\n"})
    write(tmp_path, "setup.cfg", "[flake8]\nmin-duplicate-size = 12\n")
    assert rvw406(lint(tmp_path, "a.py")) == [
        f"a.py:1:1: RVW406 this change loosens the gate: setup.cfg:2 raises min-duplicate-size from 6 to 12{ADVICE}"
    ]
    write(tmp_path, "setup.cfg", "[flake8]\nmin-duplicate-size = 3\n")
    assert lint(tmp_path, "a.py") == []


def test_tightening_and_unrelated_settings_are_not_reported(tmp_path, lint) -> None:
    base = "[flake8]\nmax-function-length = 60\nextend-ignore = E203,RVW2\nper-file-ignores = t.py:RVW1\n"
    repository(tmp_path, {"a.py": "x = 1\n", "setup.cfg": base})
    write(tmp_path, "setup.cfg", "[flake8]\nmax-function-length = 30\nextend-ignore = E203,E501,RVW201\n"
                                 "per-file-ignores = t.py:RVW101,E501\nmax-line-length = 200\n")
    assert lint(tmp_path, "a.py") == []


def test_rvw_added_to_extend_ignore_is_reported_and_still_ignores_the_rest(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": LONG, "setup.cfg": "[flake8]\nextend-ignore = E203\n"})
    assert [line.split(" ")[1] for line in lint(tmp_path, "a.py")] == ["RVW101"]
    write(tmp_path, "setup.cfg", "[flake8]\nextend-ignore = E203, RVW\n")
    # No --select: flake8's defaults, the change's own configuration; RVW101 is gone, RVW406 is not.
    assert lint(tmp_path, "a.py") == [
        "a.py:1:1: RVW406 this change loosens the gate: setup.cfg:2 adds RVW to extend-ignore (from 'E203' to "
        f"'E203,RVW'){ADVICE}"
    ]


def test_rvw_added_to_ignore_is_reported(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": LONG})
    write(tmp_path, "setup.cfg", "[flake8]\nignore =\n    E203,\n    RVW1\n")
    assert lint(tmp_path, "a.py") == [
        f"a.py:1:1: RVW406 this change loosens the gate: setup.cfg:2 adds RVW1 to ignore (from '' to 'E203,RVW1')"
        f"{ADVICE}"
    ]


def test_rvw_added_to_per_file_ignores_is_reported_in_the_file_it_ignores(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": LONG, "setup.cfg": "[flake8]\nper-file-ignores =\n    b.py:E501\n"})
    write(tmp_path, "setup.cfg", "[flake8]\nper-file-ignores =\n    b.py:E501\n    a.py:RVW\n")
    assert lint(tmp_path, "a.py") == [
        "a.py:1:1: RVW406 this change loosens the gate: setup.cfg:2 adds RVW to per-file-ignores for a.py "
        f"(from '' to 'RVW'){ADVICE}"
    ]


def test_scope_switched_to_changed_is_reported(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": "x = 1\n", "setup.cfg": "[flake8]\nreviewable-scope = all\n"})
    write(tmp_path, "setup.cfg", "[flake8]\nreviewable-scope = changed\n")
    assert lint(tmp_path, "--select=RVW", "a.py") == [
        f"a.py:1:1: RVW406 this change loosens the gate: setup.cfg:2 switches reviewable-scope from all to changed"
        f"{ADVICE}"
    ]


def test_added_noqa_comments_over_rvw_codes(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": "x = 1\ny = 2\nz = 3  # noqa: RVW101\n"})
    write(tmp_path, "a.py", '"""Mention # noqa in a docstring."""\nx = 1  # noqa\ny = 2  # noqa: E501\n'
                            "z = 4  # noqa: RVW101\nw = 5  # NOQA:RVW201,E501\nv = 6  # noqa:RVW\n")
    # z's comment was there before (its line changed around it); E501 is not ours; the docstring is no comment.
    # flake8 reads the noqa quoted in the docstring (line 1) and the bare one (line 2): the finding goes to line 3.
    assert lint(tmp_path, "--select=RVW", "a.py") == [
        "a.py:3:1: RVW406 this change loosens the gate: a.py:2 adds '# noqa' (silences every code); a.py:5 adds "
        "'# noqa: RVW201,E501'; a.py:6 adds '# noqa' (silences every code)" + ADVICE
    ]


def test_noqa_in_a_new_untracked_file_and_file_level_noqa(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": "x = 1\n"})
    write(tmp_path, "new.py", "x = 1  # noqa: RVW1\n")
    write(tmp_path, "a.py", "# flake8: noqa\nx = 1\n")
    # flake8 skips a.py whole, so the finding goes to the next checked file (RVW1 does not cover RVW406).
    assert lint(tmp_path, "--select=RVW", "a.py", "new.py") == [
        "new.py:1:1: RVW406 this change loosens the gate: a.py:1 adds '# flake8: noqa' (flake8 skips the whole "
        "file); new.py:1 adds '# noqa: RVW1'" + ADVICE
    ]


def test_rvw406_added_to_the_ignore_lists_is_still_reported(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": "x = 1\n"})
    write(tmp_path, "setup.cfg", "[flake8]\nextend-ignore = RVW406\nignore = RVW4\nper-file-ignores = a.py:RVW40\n")
    output = lint(tmp_path, "a.py")
    assert len(output) == 1 and output[0].startswith("a.py:1:1: RVW406 this change loosens the gate: setup.cfg:2 "
                                                     "adds RVW406 to extend-ignore (from '' to 'RVW406');")
    assert "adds RVW4 to ignore" in output[0] and "adds RVW40 to per-file-ignores for a.py" in output[0]


def test_noqa_on_the_anchor_line_cannot_swallow_the_finding(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": "x = 1\ny = \"\"\"\n\"\"\"\nz = 2\n"})
    write(tmp_path, "a.py", "x = 1  # noqa\ny = \"\"\"\n# noqa\n\"\"\"\nz = 2\n")
    # flake8 looks for noqa in the whole logical line: the string's lines 2 to 4 all hold the quoted one.
    assert lint(tmp_path, "a.py") == [
        f"a.py:5:1: RVW406 this change loosens the gate: a.py:1 adds '# noqa' (silences every code){ADVICE}"
    ]
    write(tmp_path, "a.py", "x = [  # noqa: RVW4\n    1,\n]\n")
    # Inside brackets each physical line is its own for flake8's noqa: line 2 is printed.
    assert lint(tmp_path, "a.py") == [
        f"a.py:2:1: RVW406 this change loosens the gate: a.py:1 adds '# noqa: RVW4'{ADVICE}"
    ]


def test_what_the_base_already_ignored_or_the_command_line_deselects_is_obeyed(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": "x = 1\n", "setup.cfg": "[flake8]\nextend-ignore = RVW406\n"})
    write(tmp_path, "setup.cfg", "[flake8]\nextend-ignore = RVW406\nmax-function-length = 80\n")
    assert lint(tmp_path, "a.py") == []
    write(tmp_path, "setup.cfg", "[flake8]\nmax-function-length = 80\n")
    assert lint(tmp_path, "--select=RVW101", "a.py") == []
    assert len(lint(tmp_path, "--select=RVW", "a.py")) == 1


def test_without_a_base_nothing_is_compared(tmp_path, lint) -> None:
    write(tmp_path, "a.py", "x = 1  # noqa\n")
    write(tmp_path, "setup.cfg", "[flake8]\nmax-function-length = 1000\n")
    assert lint(tmp_path, "--select=RVW", "a.py") == []  # not a repository
    commit_all(tmp_path, "everything at once")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    write(tmp_path, "setup.cfg", "[flake8]\nmax-function-length = 2000\n")
    assert lint(tmp_path, "--select=RVW", "--reviewable-base=none", "a.py") == []
    assert lint(tmp_path, "--select=RVW", "--reviewable-base=auto", "a.py") != []
    git(tmp_path, "branch", "-q", "-m", "main", "trunk")  # auto finds no base now
    assert lint(tmp_path, "--select=RVW", "--reviewable-base=auto", "a.py") == []


def test_malformed_configuration_at_the_base_never_crashes(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": "x = 1\n", "setup.cfg": "[flake8\nmax-function-length = 30\n",
                          "tox.ini": "[flake8]\nmax-function-length = forty\n"})
    write(tmp_path, "setup.cfg", "[flake8]\nmax-function-length = 50\n")
    # At the base flake8 skipped the unparsable setup.cfg and read tox.ini, whose value is not a number.
    assert lint(tmp_path, "--select=RVW", "a.py") == [
        "a.py:1:1: RVW406 this change loosens the gate: setup.cfg:2 raises max-function-length from 40 (the base's "
        f"'forty' is not a number) to 50{ADVICE}"
    ]


def test_configuration_of_the_folder_flake8_runs_in_comes_first(tmp_path, lint) -> None:
    (tmp_path / "pkg").mkdir()
    repository(tmp_path, {"pkg/a.py": "x = 1\n", "setup.cfg": "[flake8]\nmax-bumps = 3\n"})
    write(tmp_path, "pkg/tox.ini", "[flake8]\nmax-bumps = 5\n")
    assert lint(tmp_path / "pkg", "--select=RVW", "a.py") == [
        f"a.py:1:1: RVW406 this change loosens the gate: pkg/tox.ini:2 raises max-bumps from 3 to 5{ADVICE}"
    ]
    assert lint(tmp_path, "--select=RVW", "pkg/a.py") == []  # from the top, flake8 reads setup.cfg


def test_one_finding_per_run_with_two_jobs_on_the_largest_changed_file(tmp_path, flake8) -> None:
    repository(tmp_path, {f"m{number}.py": "x = 1\n" for number in range(6)})
    for number in range(6):
        write(tmp_path, f"m{number}.py", "x = 1\n" + "y = 2\n" * number + "z = 3  # noqa\n")
    write(tmp_path, "setup.cfg", "[flake8]\nmax-change-size = 999\n")
    output = flake8("--select=RVW406", "--reviewable-base=main", "-j2", ".")
    assert len(output) == 1 and output[0].startswith("./m5.py:1:1: RVW406 this change loosens the gate: setup.cfg:2 "
                                                     "raises max-change-size from 400 to 999; m0.py:2 adds '# noqa'")
    assert output[0].endswith("; and 1 more" + ADVICE)
    again = flake8("--select=RVW406", "--reviewable-base=main", "-j2", "m1.py", "m5.py", "./m5.py", "m0.py")
    assert again == [output[0].removeprefix("./")]


def test_editor_buffer_gets_the_finding(tmp_path, flake8) -> None:
    repository(tmp_path, {"a.py": "x = 1\n"})
    write(tmp_path, "setup.cfg", "[flake8]\nmax-file-change = 300\n")
    output = flake8("--select=RVW406", "--reviewable-base=main", "-", "--stdin-display-name=a.py", stdin="x = 2\n")
    assert output == [f"a.py:1:1: RVW406 this change loosens the gate: setup.cfg:2 raises max-file-change from 200 "
                      f"to 300{ADVICE}"]


def test_noqa_patterns_are_flake8s_own() -> None:
    assert NOQA_INLINE.pattern == defaults.NOQA_INLINE_REGEXP.pattern
    assert NOQA_INLINE.flags == defaults.NOQA_INLINE_REGEXP.flags
    assert NOQA_FILE.pattern == defaults.NOQA_FILE.pattern and NOQA_FILE.flags == defaults.NOQA_FILE.flags


@pytest.mark.parametrize("prefix", ["R", "RV", "RVW", "RVW4", "RVW40", "RVW406"])
def test_an_ignore_entry_loses_exactly_rvw406(prefix) -> None:
    replaced = tuple(all_but_rvw406(prefix))
    assert all(re.fullmatch(r"[A-Z]{1,3}[0-9]{0,3}", code) for code in replaced)  # flake8 accepts them
    codes = [f"{letters}{number:03d}" for letters in ("RVW", "RVA", "RZZ") for number in range(1000)]
    assert {code for code in codes if code.startswith(replaced)} == {
        code for code in codes if code.startswith(prefix) and code != "RVW406"
    }


def test_per_file_ignores_are_read_as_flake8_reads_them() -> None:
    text = "a.py, b/*.py: E1,RVW\n  c.py:RVW101 RVW2 d.py : F401"
    assert per_file_codes(text) == [("a.py", ["E1", "RVW"]), ("b/*.py", ["E1", "RVW"]), ("c.py", ["RVW101", "RVW2"]),
                                    ("d.py", ["F401"])]


def test_quiet_line_skips_lines_a_noqa_covers() -> None:
    assert quiet_line(["x = 1  # noqa: E501\n", "y = 2\n"]) == 1
    assert quiet_line(["x = 1  # noqa: RVW\n", "y = 2  # noqa:RVW406\n", "z = 3\n"]) == 3
    assert quiet_line(["x = 1  # noqa\n"]) == 2
    # A text that does not tokenize: each line on its own, as flake8 falls back to.
    assert quiet_line(["x = (  # noqa\n"]) == 2


def test_patch_lines_that_look_like_headers_stay_lines(tmp_path, lint) -> None:
    repository(tmp_path, {'odd "q".py': "y = 1\n--y\n"})
    write(tmp_path, 'odd "q".py', "y = 1\n++y  # noqa\n")
    assert lint(tmp_path, "--select=RVW406", 'odd "q".py') == [
        f"odd \"q\".py:1:1: RVW406 this change loosens the gate: odd \"q\".py:2 adds '# noqa' (silences every code)"
        f"{ADVICE}"
    ]
    patch = 'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -2 +2 @@\n---- y\n++++ y\n'
    assert [(item.path, item.added, item.deleted) for item in _PatchReader(patch).read()] == [
        ("x.py", ((2, "+++ y"),), ((2, "--- y"),))
    ]


def test_select_that_drops_rvw_codes_is_reported_and_keeps_rvw406(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": LONG, "setup.cfg": "[flake8]\nextend-select = RVW\n"})
    write(tmp_path, "setup.cfg", "[flake8]\nselect = E,W,F\n")
    output = lint(tmp_path, "a.py")  # RVW101 is gone with the selection, RVW406 is not
    assert len(output) == 1 and output[0].startswith(
        "a.py:1:1: RVW406 this change loosens the gate: setup.cfg:2 stops selecting RVW001,RVW101,RVW102,RVW201 and "
    )
    assert output[0].endswith(f" more (from every code to E,W,F){ADVICE}")
    assert lint(tmp_path, "--select=E", "a.py") == []  # the command line chose: obeyed
    write(tmp_path, "setup.cfg", "[flake8]\nselect = E,W,F,RVW1\n")
    assert "stops selecting RVW001,RVW201" in lint(tmp_path, "a.py")[1]


def test_a_setting_removed_returns_to_its_default(tmp_path, lint) -> None:
    repository(tmp_path, {"a.py": "x = 1\n", "setup.cfg": "[flake8]\nmax-function-length = 30\nmax-bumps = 3\n"})
    write(tmp_path, "setup.cfg", "[flake8]\nmax-bumps = 3\n")
    assert lint(tmp_path, "--select=RVW", "a.py") == [
        "a.py:1:1: RVW406 this change loosens the gate: setup.cfg:1 raises max-function-length from 30 to 40 (the "
        f"default: the setting is gone){ADVICE}"
    ]
    (tmp_path / "setup.cfg").unlink()
    assert "raises max-function-length from 30 to 40" in lint(tmp_path, "--select=RVW", "a.py")[0]
