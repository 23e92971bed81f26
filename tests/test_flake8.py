"""End to end: the real flake8 executable, on paths, stdin, config files, -j, noqa and output formats."""
from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import commit_all, git

LONG_FUNCTION = "def load(path):\n" + "".join(f"    step_{n} = path\n" for n in range(45)) + "    return path\n"
LONG_MESSAGE = "RVW101 function 'load' is 46 lines long (> 40): split it so it can be reviewed in one sitting"
DEEP_FUNCTION = """\
def sync(items):
    for item in items:
        if item:
            with item:
                while item:
                    if item.stale:
                        item.refresh()
"""


def test_paths_report_on_the_def_line_with_defaults_and_exit_1(flake8) -> None:
    flake8.write("pkg/long.py", "@cached\n" + LONG_FUNCTION)
    flake8.write("pkg/deep.py", DEEP_FUNCTION)
    flake8.write("pkg/fine.py", "def ok():\n    return 1\n")
    output = flake8("--select=RVW", "pkg", expect_rc=1)
    assert sorted(output) == [
        "pkg/deep.py:6:21: RVW201 function 'sync' is nested 5 levels deep (> 4): return early or extract the inner "
        "block",
        f"pkg/long.py:2:1: {LONG_MESSAGE}",
    ]


def test_plugin_is_listed_by_version(flake8) -> None:
    assert "flake8-reviewable" in flake8("--version", expect_rc=0)[0]


@pytest.mark.parametrize("config", ["setup.cfg", "tox.ini", ".flake8"])
def test_limits_are_read_from_every_config_file(flake8, config: str) -> None:
    flake8.write(config, "[flake8]\nmax-function-length = 50\nmax-nesting-depth = 3\nmax-module-length = 5\n")
    flake8.write("a.py", LONG_FUNCTION + DEEP_FUNCTION)
    output = flake8("--select=RVW", "a.py")
    assert [line.split(" ", 2)[1] for line in output] == ["RVW102", "RVW201"]
    assert "(> 3)" in output[1] and "(> 5)" in output[0]


def test_command_line_overrides_config(flake8) -> None:
    flake8.write("setup.cfg", "[flake8]\nmax-function-length = 50\n")
    flake8.write("a.py", LONG_FUNCTION)
    assert flake8("--select=RVW", "--max-function-length=10", "a.py") == [
        f"a.py:1:1: {LONG_MESSAGE.replace('(> 40)', '(> 10)')}"
    ]


@pytest.mark.parametrize(
    ("where", "value", "complaint"),
    [
        ("cli", "-1", "expected zero or more, got -1"),
        ("cli", "ten", "expected a whole number, got 'ten'"),
        ("config", "-5", "expected zero or more, got -5"),
        ("config", "4.5", "expected a whole number, got '4.5'"),
    ],
)
def test_bad_limit_stops_flake8_with_an_option_error(flake8, where: str, value: str, complaint: str) -> None:
    flake8.write("a.py", "x = 1\n")
    args = ["a.py"]
    if where == "cli":
        args.insert(0, f"--max-nesting-depth={value}")
    else:
        flake8.write(".flake8", f"[flake8]\nmax-nesting-depth = {value}\n")
    result = flake8.raw(*args)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"argument --max-nesting-depth: {complaint}" in result.stderr


def test_zero_limit_is_accepted_and_reports_every_function(flake8) -> None:
    flake8.write("a.py", "def f():\n    return 1\n")
    assert flake8("--select=RVW101", "--max-function-length=0", "a.py") == [
        "a.py:1:1: RVW101 function 'f' is 1 lines long (> 0): split it so it can be reviewed in one sitting"
    ]


def test_stdin_gives_the_same_findings_as_the_file(flake8) -> None:
    flake8.write("a.py", LONG_FUNCTION + DEEP_FUNCTION)
    from_file = flake8("--select=RVW", "a.py")
    from_stdin = flake8("--select=RVW", "-", "--stdin-display-name=a.py", stdin=LONG_FUNCTION + DEEP_FUNCTION)
    assert from_stdin == from_file and len(from_file) == 2


def test_stdin_buffer_is_measured_not_the_file_on_disk(flake8) -> None:
    flake8.write("a.py", "def load(path):\n    return path\n")
    output = flake8("--select=RVW", "-", "--stdin-display-name=a.py", stdin=LONG_FUNCTION)
    assert output == [f"a.py:1:1: {LONG_MESSAGE}"]


def test_two_jobs_give_the_same_output_as_one(flake8) -> None:
    for number in range(6):
        flake8.write(f"m{number}.py", LONG_FUNCTION * (number % 2 + 1) + DEEP_FUNCTION)
    one = flake8("--select=RVW", "-j1", ".")
    two = flake8("--select=RVW", "-j2", ".")
    # Per file: RVW101 once or twice and RVW201 once, plus one duplicate finding per copy of `load`'s tail
    # and of `sync` (in the same file where `load` is doubled, in another file otherwise).
    assert one == two
    assert sum(" RVW101 " in line for line in one) == 9 and sum(" RVW201 " in line for line in one) == 6
    assert sum(" RVW30" in line for line in one) == 15


def test_noqa_on_the_reported_line_silences_only_that_code(flake8) -> None:
    source = "@cached  # noqa: RVW101\n" + LONG_FUNCTION.replace("(path):", "(path):  # noqa: RVW201", 1)
    flake8.write("a.py", source)
    assert flake8("--select=RVW", "a.py") == [f"a.py:2:1: {LONG_MESSAGE}"]
    flake8.write("a.py", LONG_FUNCTION.replace("(path):", "(path):  # noqa: RVW101", 1))
    assert flake8("--select=RVW", "a.py", expect_rc=0) == []


def test_select_and_extend_ignore_filter_by_code(flake8) -> None:
    flake8.write("a.py", LONG_FUNCTION + DEEP_FUNCTION)
    assert [line.split()[1] for line in flake8("--select=RVW2", "a.py")] == ["RVW201"]
    output = flake8("--extend-ignore=RVW101,E,W,F", "a.py")
    assert [line.split()[1] for line in output] == ["RVW201"]


def test_rules_run_by_default_next_to_flake8s_own(flake8) -> None:
    flake8.write("a.py", "import os\n" + LONG_FUNCTION)
    codes = {line.split()[1] for line in flake8("a.py")}
    assert {"F401", "RVW101"} <= codes


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("pylint", f"a.py:1: [RVW101] {LONG_MESSAGE[7:]}"),
        ("quiet-filename", "a.py"),
        ("%(path)s|%(row)d|%(col)d|%(code)s", "a.py|1|1|RVW101"),
    ],
)
def test_output_formats(flake8, fmt: str, expected: str) -> None:
    flake8.write("a.py", LONG_FUNCTION)
    assert flake8("--select=RVW", f"--format={fmt}", "a.py") == [expected]


def test_syntax_error_gives_e999_and_nothing_from_the_plugin(flake8) -> None:
    flake8.write("a.py", LONG_FUNCTION + "def broken(:\n")
    output = flake8("a.py")
    assert len(output) == 1 and " E999 " in output[0]


def test_file_radon_cannot_follow_gives_one_rvw001_and_nothing_else(flake8) -> None:
    flake8.write("a.py", LONG_FUNCTION + "def deep():\n    return " + "lambda: " * 600 + "0\n")
    output = flake8("--select=RVW", "a.py")
    assert output == [
        "a.py:1:1: RVW001 file could not be analysed: its syntax nests too deeply for radon's cyclomatic "
        "complexity visitor; no other RVW rule checked it"
    ]


@pytest.mark.parametrize(
    "source",
    [
        "",
        "\n\n",
        "# only a comment\n",
        '"""Only a docstring."""\n',
        "\ufeffdef f():\n    return 1\n",
        "# -*- coding: latin-1 -*-\ndef f():\n    return 'caf\xe9'\n",
        "def f():\r\n    return 1\r\n",
        "def f():\n\treturn 1\n",
        "x = 1",
    ],
    ids=["empty", "blank", "comment", "docstring", "bom", "latin-1", "crlf", "tabs", "no-final-newline"],
)
def test_odd_but_valid_files_never_crash(flake8, source: str) -> None:
    encoding = "latin-1" if "latin-1" in source else "utf-8"
    (flake8.folder / "a.py").write_bytes(source.encode(encoding))
    result = flake8.raw("--select=RVW,E902,E999", "a.py")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--reviewable-scope=sometimes"], "argument --reviewable-scope: invalid choice: 'sometimes'"),
        (["--reviewable-base="], "argument --reviewable-base: expected auto, none or a git ref, got an empty value"),
        (["--min-duplicate-size=x"], "argument --min-duplicate-size: expected a whole number, got 'x'"),
    ],
)
def test_bad_plugin_settings_stop_flake8_with_an_option_error(flake8, args: list[str], complaint: str) -> None:
    flake8.write("a.py", "x = 1\n")
    result = flake8.raw(*args, "a.py")
    assert result.returncode != 0 and "Traceback" not in result.stderr and complaint in result.stderr


def test_huge_limits_are_accepted(flake8) -> None:
    flake8.write("a.py", LONG_FUNCTION)
    huge = str(10**30)
    assert flake8("--select=RVW", f"--max-function-length={huge}", f"--max-cyclomatic-complexity={huge}", "a.py",
                  expect_rc=0) == []


START_METHOD_RUN = (
    "import multiprocessing, sys; multiprocessing.set_start_method(sys.argv.pop(1)); "
    "from flake8.main.cli import main; main()"
)


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_every_start_method_gives_the_same_output_as_one_job(flake8, method: str) -> None:
    # Under spawn (macOS, Windows) and forkserver (Python 3.14's default) -j workers inherit nothing:
    # each builds the session again, so git, the index and the whole-change anchor must agree with -j1.
    for number in range(6):
        flake8.write(f"m{number}.py", LONG_FUNCTION * (number % 2 + 1) + DEEP_FUNCTION)
    commit_all(flake8.folder)
    git(flake8.folder, "checkout", "-q", "-b", "feature")
    flake8.write("m1.py", LONG_FUNCTION + DEEP_FUNCTION)
    flake8.write("m4.py", DEEP_FUNCTION)
    arguments = ("--select=RVW", "--reviewable-base=main", "--max-change-files=1", f"--reviewable-cache-dir={method}")
    one = flake8(*arguments, "-j1", ".")
    result = subprocess.run(
        [sys.executable, "-c", START_METHOD_RUN, method, *arguments, "-j2", "."],
        cwd=flake8.folder, capture_output=True, text=True, timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout.splitlines() == one
    assert sum(" RVW404 " in line for line in one) == 1 and sum(" RVW30" in line for line in one) >= 2


@pytest.mark.slow
def test_hundred_thousand_line_module_is_measured_whole(flake8) -> None:
    # 2,000 functions of 50 lines with the same shape: the size, and the worst case for the duplicate index
    # (one fingerprint with 2,000 places). How time and memory grow with size: docs/scaling.md.
    functions = (
        f"def step_{number}(arg):\n" + "".join(f"    v{line} = arg + {number * line}\n" for line in range(48))
        + "    return v0\n"
        for number in range(2000)
    )
    flake8.write("big.py", "".join(functions))
    output = flake8("--select=RVW", "--max-module-length=99999", "-j1", "big.py")
    assert sum(" RVW101 function 'step_" in line for line in output) == 2000
    duplicates = [line for line in output if " RVW301 " in line]
    assert len(duplicates) == 2000
    assert duplicates[0].startswith("big.py:2:5: RVW301 block of 49 statements (>= 6) is duplicated at line 52 and "
                                    "1998 more copies")
    assert len(output) == 4001 and output[1].startswith("big.py:1:1: RVW102 module is 100000 lines long (> 99999)")
