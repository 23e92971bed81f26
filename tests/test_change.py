"""Change locality end to end: real git repositories in a temporary folder, flake8 in process, and the real
executable for stdin, -j workers and the environment it starts with."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import commit_all, git


def body(count: int, name: str = "load") -> str:
    return f"def {name}(path):\n" + "".join(f"    step_{n} = path\n" for n in range(count - 1)) + "    return path\n"


def codes(output: list[str]) -> list[str]:
    return [line.split(" ", 2)[1] for line in output]


@pytest.fixture
def repo(flake8_api):
    """A repository whose main branch has one commit holding a.py, checked out on a feature branch; calling
    it runs flake8 in process there (a test's ``flake8`` fixture runs the executable in the same folder)."""
    flake8_api.write("a.py", body(5))
    commit_all(flake8_api.folder, "base")
    git(flake8_api.folder, "checkout", "-q", "-b", "feature")
    return flake8_api


def test_not_a_repository_keeps_change_rules_silent_and_others_working(flake8_api) -> None:
    flake8_api.write("a.py", body(45))
    assert codes(flake8_api("--select=RVW", "--max-change-size=0", "a.py")) == ["RVW101"]


def test_without_git_on_path_change_rules_are_silent(repo, monkeypatch) -> None:
    repo.write("a.py", body(45))
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    assert codes(repo("--select=RVW", "--max-change-size=0", "a.py")) == ["RVW101"]


def test_whole_change_counts_every_text_file_and_reports_once_on_the_biggest(repo, flake8) -> None:
    repo.write("a.py", body(5) + "\n" + body(3, "other"))
    repo.write("b.py", body(9, "new"))
    repo.write("notes.txt", "one\ntwo\n")
    repo.write("poetry.lock", "x\n" * 500)
    output = flake8("--select=RVW403,RVW404", "--max-change-size=10", "--max-change-files=1", "-j2", ".")
    # 15 lines of code in 2 files (RVW404 needs 100 changed lines of code); notes.txt is docs, shown beside.
    assert codes(output) == ["RVW403"]
    assert all(line.startswith("./b.py:1:1: ") for line in output)
    assert "is 15 changed lines of code in 2 files (> 10), besides 2 of docs:" in output[0]
    assert output[0].endswith("; not counted: poetry.lock (lock file)")
    assert repo("--select=RVW403,RVW404", "--max-change-size=10", "--max-change-files=1", "-j1", "b.py", "a.py") == [
        line.replace("./", "") for line in output
    ]


def test_anchor_ties_are_broken_by_path(repo) -> None:
    repo.write("z.py", "x = 1\n")
    repo.write("m.py", "y = 1\n")
    assert repo("--select=RVW403", "--max-change-size=1", "z.py", "m.py")[0].startswith("m.py:1:1: RVW403")


def test_renamed_file_with_two_edited_lines_is_a_two_line_change(repo) -> None:
    git(repo.folder, "mv", "a.py", "moved.py")
    text = (repo.folder / "moved.py").read_text().replace("step_1 = path", "step_1 = None")
    repo.write("moved.py", text)
    assert repo("--select=RVW401", "--max-file-change=1", "moved.py") == [
        "moved.py:1:1: RVW401 this file's change is 2 changed lines (> 1): split it into smaller changes"
    ]


def test_deleted_file_counts_in_the_whole_change(repo) -> None:
    repo.write("b.py", "x = 1\n")
    commit_all(repo.folder, "add b on main's side")
    git(repo.folder, "checkout", "-q", "main")
    git(repo.folder, "merge", "-q", "feature")
    git(repo.folder, "checkout", "-q", "-b", "second")
    (repo.folder / "a.py").unlink()
    output = repo("--select=RVW403", "--max-change-size=0", "--reviewable-base=main", "b.py")
    assert output == []  # b.py did not change, so no checked file carries the whole-change finding
    repo.write("b.py", "x = 2\n")
    output = repo("--select=RVW403", "--max-change-size=0", "--reviewable-base=main", "b.py")
    # a.py deleted: one line for its one definition; b.py: 1 + 1.
    assert "is 3 changed lines of code in 2 files" in output[0]


def test_empty_change_and_detached_head_report_nothing(repo) -> None:
    assert repo("--select=RVW4", "--max-change-size=0", "a.py", expect_rc=0) == []
    repo.write("a.py", body(6))
    commit_all(repo.folder, "edit")
    git(repo.folder, "checkout", "-q", "--detach")
    assert codes(repo("--select=RVW4", "--max-change-size=0", "a.py")) == ["RVW403"]


def test_unknown_base_gives_one_rvw400_per_run_on_the_first_checked_file(repo, flake8) -> None:
    repo.write("b.py", "x = 1\n")
    output = flake8("--select=RVW", "--reviewable-base=release", "-j2", "b.py", "a.py")
    assert output == [
        "a.py:1:1: RVW400 change locality cannot be measured: the base 'release' is not a commit in this "
        "repository; name an existing ref with --reviewable-base (e.g. origin/main)"
    ]


def test_option_like_base_is_refused_and_never_acts_as_a_git_option(repo) -> None:
    output = repo("--select=RVW400", "--reviewable-base=--output=pwned", "a.py")
    assert "is not a valid ref" in output[0]
    assert not any(path.name == "pwned" for path in repo.folder.rglob("*"))


def test_shallow_clone_without_the_base_says_how_to_fetch(repo, tmp_path_factory, monkeypatch) -> None:
    repo.write("a.py", body(6))
    commit_all(repo.folder, "feature work")
    clone = tmp_path_factory.mktemp("ci") / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth=1", "--branch=feature", repo.folder.as_uri(), str(clone)], check=True
    )
    # Like actions/checkout on a pull request: one shallow ref, no origin/HEAD, the target named in the env.
    git(clone, "remote", "set-head", "origin", "-d")
    monkeypatch.setenv("GITHUB_BASE_REF", "main")
    output = "\n".join(repo("--select=RVW4", "a.py", cwd=str(clone)))
    assert output.startswith("a.py:1:1: RVW400 change locality cannot be measured: this is a shallow clone")
    assert "fetch-depth: 0" in output and "git fetch --unshallow" in output


def test_paths_with_spaces_and_non_ascii_characters(repo) -> None:
    repo.write("dossier été/mon module.py", body(3))
    output = repo("--select=RVW401", "--max-file-change=1", "dossier été/mon module.py")
    assert output == [
        "dossier été/mon module.py:1:1: RVW401 this file's change is 4 changed lines (> 1): split it into smaller "
        "changes"
    ]


def test_changed_scope_gates_only_what_the_change_created_or_made_worse(repo) -> None:
    repo.write("legacy.py", body(80, "old") + "\n\n" + body(30, "grows") + "\n\n" + body(50, "shrinks"))
    commit_all(repo.folder, "legacy")
    repo.write("legacy.py", body(80, "old") + "\n\n" + body(45, "grows") + "\n\n" + body(49, "shrinks")
               + "\n\n" + body(60, "fresh"))
    output = repo("--select=RVW1", "--reviewable-scope=changed", "--reviewable-base=HEAD", "legacy.py")
    assert [line.split("(> 40)")[1] for line in output] == [
        ": split it so it can be reviewed in one sitting (grew from 30 to 45 lines)",
        ": split it so it can be reviewed in one sitting (new in this change)",
    ]
    assert "'grows'" in output[0] and "'fresh'" in output[1]
    everything = repo("--select=RVW1", "--reviewable-base=HEAD", "legacy.py")
    assert len(everything) == 4


def test_editor_buffer_is_measured_against_the_base_not_the_file_on_disk(repo, flake8) -> None:
    buffer = body(5) + "\n\n" + body(50, "typed")
    output = flake8("--select=RVW1,RVW401", "--reviewable-scope=changed", "--max-file-change=10", "-",
                    "--stdin-display-name=a.py", stdin=buffer)
    assert codes(output) == ["RVW401", "RVW101"]
    assert "is 53 changed lines" in output[0] and "(new in this change)" in output[1]


def test_repository_configuration_never_runs_code(repo) -> None:
    marker = repo.folder / "marker"
    script = repo.folder / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\ncat \"$@\"\n")
    script.chmod(0o755)
    for key, value in [
        ("diff.external", str(script)),
        ("diff.evil.textconv", str(script)),
        ("core.fsmonitor", str(script)),
        ("core.pager", str(script)),
    ]:
        git(repo.folder, "config", key, value)
    repo.write(".gitattributes", "*.py diff=evil\n")
    repo.write("a.py", body(7))
    output = repo("--select=RVW4", "--max-change-size=0", "a.py")
    assert codes(output) == ["RVW403"]
    assert not marker.exists()


def test_pull_request_merge_checkout_measures_the_pull_requests_own_change(repo) -> None:
    repo.write("b.py", "x = 1\n")
    commit_all(repo.folder, "feature adds b")
    git(repo.folder, "checkout", "-q", "main")
    repo.write("c.py", "y = 1\n")
    commit_all(repo.folder, "main moves on")
    git(repo.folder, "branch", "-q", "base-main")
    git(repo.folder, "checkout", "-q", "--detach")
    git(repo.folder, "merge", "-q", "--no-edit", "feature")  # what CI checks out for a pull request
    output = repo("--select=RVW403", "--max-change-size=0", "--reviewable-base=base-main", "b.py", "c.py")
    assert output == [
        "b.py:1:1: RVW403 the whole change is 1 changed line of code in 1 file (> 0): split it into changes that "
        "can each be reviewed in one sitting"
    ]


def test_git_measures_the_change_once_per_run_whatever_the_jobs(repo) -> None:
    log = repo.folder / "git-calls.log"
    wrapper = repo.folder / "bin" / "git"
    wrapper.parent.mkdir()
    real_git = subprocess.run(["which", "git"], capture_output=True, text=True, check=True).stdout.strip()
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {real_git} "$@"\n')
    wrapper.chmod(0o755)
    for number in range(6):
        repo.write(f"m{number}.py", body(3 + number))
    environment = {**os.environ, "PATH": f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select=RVW4", "--max-change-size=0", "-j2", "."],
        cwd=repo.folder, env=environment, capture_output=True, text=True,
    )
    assert codes(result.stdout.splitlines()) == ["RVW403"]
    calls = log.read_text().splitlines()
    assert sum(" --numstat " in call for call in calls) == 1


def test_binary_files_and_names_with_quotes_and_newlines_are_read_safely(repo) -> None:
    repo.write('odd "quoted"\nname.py', "x = 1\n")
    (repo.folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 50)
    output = repo("--select=RVW403,RVW404", "--max-change-size=0", "--max-change-size=0", "a.py",
                  'odd "quoted"\nname.py')
    text = "\n".join(output)  # flake8 prints the newline in the file's name as it is
    assert text.count(" RVW403 ") == 1 and text.count(" RVW404 ") == 0  # 1 line of code: too small to spread
    assert text.startswith('odd "quoted"\nname.py:1:1: RVW403 the whole change is 1 changed line of code in 1 file')
    assert "not counted: logo.png (binary)" in text


def test_bare_repository_and_linked_worktree(repo, tmp_path_factory) -> None:
    bare = tmp_path_factory.mktemp("bare") / "project.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.folder), str(bare)], check=True)
    (bare / "a.py").write_text(body(45))  # a stray file inside a bare repository: no work tree, no change
    assert codes(repo("--select=RVW", "--max-change-size=0", "a.py", cwd=str(bare))) == ["RVW101"]
    worktree = tmp_path_factory.mktemp("wt") / "tree"
    git(repo.folder, "worktree", "add", "-q", str(worktree), "main")
    (worktree / "a.py").write_text(body(6))
    assert codes(repo("--select=RVW4", "--max-change-size=0", "a.py", cwd=str(worktree))) == ["RVW403"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give the repo away")
def test_repository_git_refuses_to_read_gives_one_rvw400(repo) -> None:
    repo.write("a.py", body(6))
    for path in (repo.folder, *repo.folder.rglob("*")):
        os.chown(path, 65534, 65534, follow_symlinks=False)  # nobody: git sees "dubious ownership"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment["GIT_CONFIG_GLOBAL"] = os.devnull  # no safe.directory exception from the machine's config
    result = subprocess.run([sys.executable, "-m", "flake8", "--select=RVW4", "--no-reviewable-cache", "a.py"],
                            cwd=repo.folder, env=environment, capture_output=True, text=True)
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("a.py:1:1: RVW400 change locality cannot be measured: git cannot read this "
                                    "repository (fatal: detected dubious ownership")


def test_submodule_is_one_changed_entry_and_its_files_get_no_change_findings(repo, flake8, tmp_path_factory) -> None:
    library = tmp_path_factory.mktemp("library")
    (library / "lib.py").write_text(body(45, "vendored"))
    commit_all(library)
    git(repo.folder, "checkout", "-q", "main")
    git(repo.folder, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), "vendor")
    commit_all(repo.folder, "add the submodule")
    git(repo.folder, "checkout", "-q", "-b", "bump")
    (repo.folder / "vendor" / "lib.py").write_text(body(46, "vendored"))
    commit_all(repo.folder / "vendor", "change inside the submodule")
    repo.write("a.py", body(6))
    limits = ("--select=RVW1,RVW4", "--max-file-change=0", "--max-change-size=0", "-j2")
    output = flake8(*limits, "--reviewable-base=main", "a.py", "vendor/lib.py")
    # The submodule is one changed entry (its commit line, old and new); its files belong to its own repository.
    # The submodule's entry is "other": shown beside the code, not counted.
    assert codes(output) == ["RVW401", "RVW403", "RVW101"]
    assert output[1].startswith("a.py:1:1: RVW403 the whole change is 1 changed line of code in 1 file (> 0), "
                                "besides 2 of other")
    assert output[2].startswith("vendor/lib.py:1:1: RVW101")
    buffer = flake8(*limits, "--reviewable-base=main", "-", "--stdin-display-name=vendor/lib.py", stdin=body(3))
    assert buffer == []
    inside = flake8(*limits, "--reviewable-base=origin/HEAD", "lib.py", cwd="vendor")
    assert codes(inside) == ["RVW101", "RVW401", "RVW403"]


def test_editor_buffer_of_an_ignored_file_is_not_part_of_the_change(repo, flake8) -> None:
    repo.write(".gitignore", "build/\n")
    commit_all(repo.folder, "ignore build")
    limits = ("--select=RVW4", "--max-file-change=0", "--max-change-size=0", "--reviewable-base=main")
    assert flake8(*limits, "-", "--stdin-display-name=build/gen.py", stdin=body(3)) == []
    assert codes(flake8(*limits, "-", "--stdin-display-name=new.py", stdin=body(3))) == ["RVW401", "RVW403"]


def _nul_bytes_are_a_syntax_error() -> bool:
    try:
        compile("x = 1\x00", "<nul>", "exec")
    except SyntaxError:
        return True
    except ValueError:  # Python 3.10 and early 3.11
        return False
    return False


def test_undecodable_files_never_crash(repo, flake8) -> None:
    files = {
        "nul.py": b"x = 1\x00\n",
        "bad_utf8.py": b'x = "\xff\xfe"\n',
        "bad_cookie.py": b"# -*- coding: utf-8 -*-\nx = '\xff'\n",
        "unknown_codec.py": b"# coding: klingon\nx = 1\n",
    }
    for name, content in files.items():
        (repo.folder / name).write_bytes(content)
    output = flake8("--max-module-length=0", "--max-change-size=0", "-j2", *list(files)[1:])
    # flake8 reads undecodable files as latin-1, and so do we; the file with NUL bytes is binary to git.
    for name in ("bad_utf8.py", "bad_cookie.py", "unknown_codec.py"):
        assert f"{name}:1:1: RVW102 module is" in "\n".join(output)
    assert "not counted: nul.py (binary)" in "\n".join(output)
    # Undecodable bytes on stdin stop flake8 itself before any plugin runs (flake8 decodes stdin as UTF-8).
    result = subprocess.run([sys.executable, "-m", "flake8", "-"], input=b'x = "\xff"\n', capture_output=True,
                            cwd=repo.folder)
    assert b"UnicodeDecodeError" in result.stderr and b"flake8_reviewable" not in result.stderr


def test_nul_bytes_give_flake8s_own_answer_and_nothing_from_us(repo, flake8) -> None:
    (repo.folder / "nul.py").write_bytes(b"x = 1\x00\n")
    result = flake8.raw("--max-module-length=0", "-j2", "nul.py", "a.py")
    assert "flake8_reviewable" not in result.stderr
    if _nul_bytes_are_a_syntax_error():
        assert [line for line in result.stdout.splitlines() if line.startswith("nul.py")] == [
            "nul.py:1:1: E999 SyntaxError: source code string cannot contain null bytes"
        ]
        assert flake8("-", "--stdin-display-name=a.py", stdin="x = 1\x00\n", expect_rc=1) == [
            "a.py:1:1: E999 SyntaxError: source code string cannot contain null bytes"
        ]
    else:  # Python raises ValueError here, which flake8 itself does not catch: its crash, not ours
        assert "ValueError: source code string cannot contain null bytes" in result.stderr


@pytest.mark.slow
def test_ten_thousand_changed_files_are_measured_once_and_summarised_briefly(repo, flake8) -> None:
    git(repo.folder, "checkout", "-q", "main")
    for folder in range(100):
        for number in range(100):
            repo.write(f"pkg{folder}/m{number}.py", "x = 1\n")
    commit_all(repo.folder, "ten thousand files")
    git(repo.folder, "checkout", "-q", "-b", "wide")
    for path in repo.folder.glob("pkg*/m*.py"):
        path.write_text("x = 1\ny = 2\n")
    repo.write("a.py", body(6))
    output = flake8("--select=RVW403,RVW404", "--reviewable-base=main", "-j2", ".")
    assert output[0].startswith("./a.py:1:1: RVW403 the whole change is 10001 changed lines of code in 10001 files "
                                "(> 400)")
    assert output[1].startswith("./a.py:1:1: RVW404 the whole change's code spreads over 10001 files in 101 folders")
    # Once per run, and the advice names a few folders, not ten thousand files.
    assert len(output) == 2 and all(len(line) < 400 for line in output)
    buffer = flake8("--select=RVW403", "--reviewable-base=main", "-", "--stdin-display-name=a.py", stdin=body(7))
    assert buffer[0].startswith("a.py:1:1: RVW403 the whole change is 10002 changed lines of code in 10001 files")
