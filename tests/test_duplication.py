"""Duplicated blocks end to end: clone kinds, exclusions, real code, determinism, cache reuse, stdin."""
from __future__ import annotations

import ast
import os
import shutil
import time
from pathlib import Path

import flake8 as flake8_package
import pytest

from flake8_reviewable.fingerprint import windows

BLOCK = """\
def total(items):
    result = 0
    for item in items:
        if item.paid:
            result += item.price
    log(result)
    audit(result)
    return result
"""
REWRAPPED = """\
def total_of(entries):
    # same logic, re-wrapped and re-commented
    sum_ = 0
    for entry in entries:
        if (entry.paid):   # paid only
            sum_ += (
                entry.price
            )
    log(sum_)
    audit(sum_)
    return sum_
"""


def codes_at(output: list[str]) -> list[tuple[str, str]]:
    return [(line.split(":")[0] + ":" + line.split(":")[1], line.split(" ")[1]) for line in output]


def test_rewrapped_recommented_renamed_copy_in_another_file_is_found_at_its_first_line(flake8_api) -> None:
    flake8_api.write("a.py", BLOCK)
    flake8_api.write("b.py", "import os\n\n\n" + REWRAPPED)
    output = flake8_api("--select=RVW3", "a.py", "b.py")
    assert output == [
        "a.py:2:5: RVW302 block of 7 statements (>= 6) is duplicated in b.py:6: move it where both can use it",
        "b.py:6:5: RVW302 block of 7 statements (>= 6) is duplicated in a.py:2: move it where both can use it",
    ]


def test_renaming_must_be_consistent() -> None:
    same_names = "def f(x):\n" + "    x = x + x\n" * 6
    three_names = "def g(a, b, c):\n" + "    a = b + c\n" * 6
    renamed = "def h(y):\n" + "    y = y + y\n" * 6
    assert windows(ast.parse(same_names), 6)[0].fingerprint != windows(ast.parse(three_names), 6)[0].fingerprint
    assert windows(ast.parse(same_names), 6)[0].fingerprint == windows(ast.parse(renamed), 6)[0].fingerprint


def test_changed_literals_still_match_but_changed_operators_do_not() -> None:
    def fingerprint(source: str) -> str:
        return windows(ast.parse(source), 6)[0].fingerprint

    base = "def f(a):\n" + "    a = a * 2\n    g(a, 'x')\n" * 3
    assert fingerprint(base) == fingerprint(base.replace("2", "7").replace("'x'", "'y'"))
    assert fingerprint(base) != fingerprint(base.replace("*", "+"))


@pytest.mark.parametrize(
    "copied",
    [
        "import os\nimport sys\nimport re\nimport json\nimport ast\nimport io\nfrom a import b\n",
        "__all__ = ['a', 'b']\n" * 7,
        "if TYPE_CHECKING:\n" + "".join(f"    from m import x{n}\n    y{n} = x{n}\n" for n in range(4)),
        "try:\n" + "".join(f"    import fast{n}\n    use(fast{n})\n" for n in range(4))
        + "except ImportError:\n    pass\n",
        "".join(f"SETTING_{n} = {n}\n" for n in range(8)),
        "class Model:\n" + "".join(f"    field_{n} = Field(max_length={n})\n" for n in range(8)),
        '@decorated(1, 2)\ndef f(a, b, c):\n    """Doc."""\n    return a\n',
    ],
    ids=["imports", "__all__", "TYPE_CHECKING", "import-shim", "constants", "class-fields", "signature"],
)
def test_never_counted(flake8_api, copied: str) -> None:
    flake8_api.write("a.py", copied)
    flake8_api.write("b.py", copied.replace("return a", "return b"))
    assert flake8_api("--select=RVW3", "a.py", "b.py", expect_rc=0) == []


def test_blocks_smaller_than_the_minimum_are_not_reported(flake8_api) -> None:
    flake8_api.write("a.py", BLOCK)
    flake8_api.write("b.py", REWRAPPED)
    assert flake8_api("--select=RVW3", "--min-duplicate-size=8", "a.py", "b.py", expect_rc=0) == []
    assert len(flake8_api("--select=RVW3", "--min-duplicate-size=7", "a.py", "b.py")) == 2


def test_every_copy_is_reported_once_naming_the_first_other_and_how_many_more(flake8_api) -> None:
    flake8_api.write("pkg/a.py", BLOCK)
    flake8_api.write("pkg/b.py", BLOCK + "\n\n" + BLOCK.replace("total", "total_again"))
    flake8_api.write("pkg/c.py", BLOCK)
    output = flake8_api("--select=RVW3", "pkg")
    assert output == [
        "pkg/a.py:2:5: RVW302 block of 7 statements (>= 6) is duplicated in pkg/b.py:2 and 2 more copies: move it "
        "where every copy can use it",
        "pkg/b.py:2:5: RVW301 block of 7 statements (>= 6) is duplicated at line 12 and 2 more copies: extract it "
        "into a function every copy can call",
        "pkg/b.py:12:5: RVW301 block of 7 statements (>= 6) is duplicated at line 2 and 2 more copies: extract it "
        "into a function every copy can call",
        "pkg/c.py:2:5: RVW302 block of 7 statements (>= 6) is duplicated in pkg/a.py:2 and 2 more copies: move it "
        "where every copy can use it",
    ]


def test_excluded_files_are_not_part_of_the_project(flake8_api) -> None:
    flake8_api.write("src/a.py", BLOCK)
    flake8_api.write("build/a.py", BLOCK)
    flake8_api.write("src/b.txt", BLOCK)
    assert flake8_api("--select=RVW3", "--extend-exclude=build", ".", expect_rc=0) == []
    assert len(flake8_api("--select=RVW3", ".")) == 2


def test_output_is_identical_whatever_the_jobs_and_the_order_of_paths(flake8, flake8_api) -> None:
    for number in range(8):
        flake8.write(f"m{number}.py", BLOCK.replace("total", f"total_{number}") if number % 3 else "x = 1\n")
    runs = [
        flake8_api("--select=RVW3", "-j1", *[f"m{n}.py" for n in range(8)]),
        flake8("--select=RVW3", "-j2", *[f"m{n}.py" for n in range(8)]),
        flake8("--select=RVW3", "-j2", *[f"m{n}.py" for n in reversed(range(8))]),
    ]
    assert runs[0] == runs[1] == runs[2] and len(runs[0]) == 5


def test_more_copies_than_a_bucket_holds_are_named_and_counted_the_same_whatever_the_order(flake8, flake8_api) -> None:
    # 70 copies: more than the index keeps per fingerprint (64); a repetition inside one run counts once.
    names = [f"m{number:02}.py" for number in range(70)]
    for name in names:
        flake8.write(name, BLOCK + "\n\ndef twice(x):\n" + "    x = x + 1\n" * 14 + "    return x\n")
    forward = flake8_api("--select=RVW3", "-j1", *names)
    assert flake8("--select=RVW3", "-j2", *reversed(names)) == forward
    assert forward[0] == ("m00.py:2:5: RVW302 block of 7 statements (>= 6) is duplicated in m01.py:2 and 68 more "
                          "copies: move it where every copy can use it")
    assert forward[-2].startswith("m69.py:2:5: RVW302 block of 7 statements (>= 6) is duplicated in m00.py:2 and 68")
    repeated = [line for line in forward if ":12:5:" in line]
    assert len(repeated) == 70 and repeated[0].startswith("m00.py:12:5: RVW302 block of 15 statements (>= 6) is "
                                                          "duplicated in m01.py:12 and 68 more copies")
    buffer = flake8("--select=RVW3", "-", "--stdin-display-name=m00.py", stdin=(flake8.folder / "m00.py").read_text())
    # A buffer names the copies as the run naming the files does.
    assert buffer[0] == forward[0]


def test_editor_buffer_is_not_compared_with_its_own_file_under_another_name(flake8) -> None:
    flake8.write("pkg/a.py", BLOCK)
    (flake8.folder / "alias.py").symlink_to(flake8.folder / "pkg" / "a.py")
    assert flake8("--select=RVW3", "-", "--stdin-display-name=pkg/a.py", stdin=BLOCK) == []
    flake8.write("pkg/b.py", BLOCK)
    assert len(flake8("--select=RVW3", "-", "--stdin-display-name=pkg/a.py", stdin=BLOCK)) == 1


def test_noqa_on_the_blocks_first_line_silences_that_copy(flake8_api) -> None:
    flake8_api.write("a.py", BLOCK.replace("    result = 0\n", "    result = 0  # noqa: RVW302\n"))
    flake8_api.write("b.py", BLOCK)
    assert flake8_api("--select=RVW3", "a.py", "b.py") == [
        "b.py:2:5: RVW302 block of 7 statements (>= 6) is duplicated in a.py:2: move it where both can use it"
    ]


def test_editor_buffer_is_compared_with_the_project_on_disk(flake8) -> None:
    flake8.write("pkg/a.py", BLOCK)
    flake8.write("pkg/b.py", "x = 1\n")
    output = flake8("--select=RVW3", "-", "--stdin-display-name=pkg/b.py", stdin=REWRAPPED)
    assert output == [
        "pkg/b.py:3:5: RVW302 block of 7 statements (>= 6) is duplicated in pkg/a.py:2: move it where both can "
        "use it"
    ]
    flake8.write("pkg/b.py", REWRAPPED)
    # The buffer is not compared with its own file's saved copy.
    assert flake8("--select=RVW3", "-", "--stdin-display-name=pkg/b.py", stdin=REWRAPPED)[0].endswith(
        "duplicated in pkg/a.py:2: move it where both can use it"
    )


def test_second_run_fingerprints_no_unchanged_file(flake8_api) -> None:
    for number in range(4):
        flake8_api.write(f"m{number}.py", BLOCK.replace("total", f"total_{number}"))
    first = flake8_api("--select=RVW3", ".")
    cache = flake8_api.folder / ".reviewable_cache"
    before = {path: path.stat().st_mtime_ns for path in cache.rglob("*.json")}
    assert flake8_api("--select=RVW3", ".") == first
    after = {path: path.stat().st_mtime_ns for path in cache.rglob("*.json")}
    assert after == before


def test_copies_injected_into_real_code_are_found_exactly_where_they_were_put(flake8_api) -> None:
    package = flake8_api.folder / "flake8"
    shutil.copytree(Path(flake8_package.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    baseline = set(flake8_api("--select=RVW3", "flake8"))
    donor = (package / "style_guide.py").read_text()
    donor_tree = ast.parse(donor)
    function = max(
        (node for node in ast.walk(donor_tree) if isinstance(node, ast.FunctionDef)),
        key=lambda node: len(list(ast.walk(node))),
    )
    copied = "\n".join(donor.splitlines()[function.lineno - 1:function.end_lineno]).replace(function.name, "copied")
    target = package / "utils.py"
    target_lines = target.read_text().splitlines()
    dedented = copied.replace("    def ", "def ", 1).replace("\n    ", "\n")
    target.write_text("\n".join(target_lines) + "\n\n\n" + dedented + "\n")
    new = set(flake8_api("--select=RVW3", "flake8")) - baseline
    assert any(line.startswith("flake8/utils.py:") and " RVW302 " in line and "flake8/style_guide.py:" in line
               for line in new), new
    assert any(line.startswith("flake8/style_guide.py:") and "flake8/utils.py:" in line for line in new), new


def test_editor_index_on_disk_follows_the_project_as_it_changes(flake8) -> None:
    flake8.write("pkg/a.py", BLOCK)
    flake8.write("pkg/b.py", "x = 1\n")
    check = ("--select=RVW3", "-", "--stdin-display-name=pkg/b.py")
    assert "in pkg/a.py:2:" in flake8(*check, stdin=REWRAPPED)[0]
    assert list((flake8.folder / ".reviewable_cache").glob("project-6-*.sqlite3"))
    flake8.write("pkg/a.py", "y = 2\n")
    assert flake8(*check, stdin=REWRAPPED, expect_rc=0) == []
    flake8.write("pkg/sub/c.py", "import os\n\n\n" + BLOCK)
    assert "in pkg/sub/c.py:5:" in flake8(*check, stdin=REWRAPPED)[0]
    assert flake8(*check, "--no-reviewable-cache", stdin=REWRAPPED) == flake8(*check, stdin=REWRAPPED)


def test_editor_run_keeps_file_names_that_are_not_utf8(flake8) -> None:
    flake8.write("pkg/a.py", "x = 1\n")
    try:
        for name, text in ((b"caf\xe9.py", "import os\n\n\n" + BLOCK), (b"caf\xe9.txt", "")):
            (flake8.folder / os.fsdecode(name)).write_text(text)
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not valid UTF-8")
    check = ("--select=RVW3", "-", "--stdin-display-name=pkg/a.py")
    for _ in range(2):  # indexed, then read back from the store
        output = flake8(*check, stdin=REWRAPPED)
        assert len(output) == 1 and " RVW302 " in output[0] and "caf\\xe9.py:5" in output[0], output


def test_editor_run_takes_files_dated_after_2262_and_replaces_older_stores(flake8) -> None:
    cache = flake8.folder / ".reviewable_cache"
    cache.mkdir()
    older = ("project-6.sqlite3", "project-6-0123456789abcdef.sqlite3")
    for name in (*older, "project-60-0123456789abcdef.sqlite3"):
        (cache / name).write_text("")
    flake8.write("pkg/a.py", BLOCK)
    year_2300 = 10_413_792_000 * 10**9  # nanoseconds: past SQLite's 63-bit integers
    os.utime(flake8.write("pkg/c.py", "import os\n\n\n" + BLOCK), ns=(year_2300, year_2300))
    output = flake8("--select=RVW3", "-", "--stdin-display-name=pkg/b.py", stdin=REWRAPPED)
    assert "in pkg/a.py:2 and 1 more copy" in output[0], output
    names = {path.name for path in cache.glob("project-*.sqlite3")}
    assert "project-60-0123456789abcdef.sqlite3" in names and not names & set(older) and len(names) == 2


def test_editor_listing_from_cached_folders_sees_new_files(flake8) -> None:
    flake8.write("pkg/a.py", "x = 1\n")
    flake8.write("pkg/sub/b.py", "x = 1\n")
    time.sleep(2.1)  # settled folders: the second run lists them from the cache
    check = ("--select=RVW3", "-", "--stdin-display-name=pkg/a.py")
    for _ in range(2):
        assert flake8(*check, stdin=REWRAPPED, expect_rc=0) == []
    flake8.write("pkg/sub/c.py", "import os\n\n\n" + BLOCK)
    assert "in pkg/sub/c.py:5:" in flake8(*check, stdin=REWRAPPED)[0]
