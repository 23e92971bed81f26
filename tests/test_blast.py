"""The blast radius (RVW405): altered definitions, the places that depend on them, and the rule in a run."""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import commit_all, git

from flake8_reviewable import resolution
from flake8_reviewable.blast import ANNOTATIONS, DELETED, RENAMED, SIGNATURE, Target, altered
from flake8_reviewable.cache import FactsCache
from flake8_reviewable.measurement import read_source
from flake8_reviewable.references import (
    MAX_SYNTAX_DEPTH,
    FileNames,
    find_places,
    module_of,
    names_of,
    references_in,
    syntax_depth,
)

BASE_STORE = """\
class Store:
    def load(self, key):
        return key

    def save(self, key):
        return self.load(key)


def helper(x):
    return x


def old_name(a):
    return a * 2


def removed():
    return 1
"""
STORE = """\
class Store:
    def load(self, key, default=None):
        return key

    def save(self, key):
        return self.load(key)


def helper(x):
    # a comment
    return x + 1


def new_name(a):
    return a * 2
"""
USER = """\
from . import store
from .store import helper as h
import pkg.store as ps
from pkg import Store


class Cached(Store):
    def get(self):
        return self.load(1)


def run(x):
    h(1)
    store.helper(2)
    ps.old_name(3)
    Store().load(4)
    x.save()
    helper = 5
    return helper
"""
OTHER = """\
from pkg.store import *


class Other:
    def save(self):
        return removed()
"""
PROJECT = {"pkg/__init__.py": "from .store import Store\n", "pkg/store.py": STORE, "pkg/user.py": USER,
           "pkg/other.py": OTHER}


def _altered(base: str, now: str):
    return altered(ast.parse(textwrap.dedent(base)), ast.parse(textwrap.dedent(now)))


def test_altered_definitions_are_compared_on_the_ast() -> None:
    found = {item.name: item for item in _altered(BASE_STORE, STORE)}
    assert sorted(found) == ["Store.load", "helper", "old_name", "removed"]
    assert (found["Store.load"].how, found["Store.load"].line, found["Store.load"].col) == (SIGNATURE, 2, 4)
    assert found["helper"].how == "changed" and found["helper"].line == 9
    assert (found["old_name"].how, found["old_name"].new_name, found["old_name"].line) == (RENAMED, "new_name", 14)
    assert (found["removed"].how, found["removed"].line) == (DELETED, 1)


def test_formatting_comments_and_docstrings_alter_nothing() -> None:
    base = "def f(a, b):\n    return a + b\n"
    now = 'def f(a,\n      b):\n    """Sum."""\n    # add them\n    return (a +\n            b)\n'
    assert _altered(base, now) == []


def test_a_deleted_class_is_reported_once_not_with_each_method() -> None:
    found = _altered("class A:\n    def m(self):\n        pass\n", "x = 1\n")
    assert [(item.name, item.how) for item in found] == [("A", DELETED)]


def test_decorators_and_bases_are_part_of_the_signature() -> None:
    assert _altered("@a\ndef f():\n    pass\n", "@b\ndef f():\n    pass\n")[0].how == SIGNATURE
    assert _altered("class A(B):\n    x = 1\n", "class A(C):\n    x = 1\n")[0].how == SIGNATURE


def test_a_signature_changed_only_in_its_annotations_is_told_apart() -> None:
    base = "def f(a, b=1, *rest, key=None, **options):\n    return a\n"
    typed = "def f(a: int, b: int = 1, *rest: str, key: str | None = None, **options: int) -> int:\n    return a\n"
    assert [item.how for item in _altered(base, typed)] == [ANNOTATIONS]
    # A body edit beside it says "changed"; any change a caller sees is still the signature.
    assert [item.how for item in _altered(base, typed.replace("return a", "return b"))] == ["changed"]
    for other in (base.replace("b=1", "b=2"), base.replace("b=1", "c=1"), base.replace("a, b", "a, /, b"),
                  base.replace(", **options", "")):
        assert [item.how for item in _altered(base, other)] == [SIGNATURE], other
    assert [item.how for item in _altered(base, "@cache\n" + typed)] == [SIGNATURE]


def test_a_class_attribute_is_a_definition_of_its_own() -> None:
    # flask's `default_config`: its change alters the attribute, not the class every module names.
    base = "class App(Base):\n    default_config = {'debug': False}\n    limit: int = 5\n    a = b = 0\n"
    now = "class App(Base):\n    default_config = {'debug': True}\n    limit: float = 5\n    a = b = 0\n"
    assert [(item.name, item.how, item.line) for item in _altered(base, now)] == [
        ("App.default_config", "changed", 2), ("App.limit", ANNOTATIONS, 3)]
    renamed = _altered(base, base.replace("limit", "ceiling"))
    assert [(item.name, item.how, item.new_name) for item in renamed] == [("App.limit", RENAMED, "App.ceiling")]
    assert [(item.name, item.how) for item in _altered(base, base.replace("    a = b = 0\n", ""))] == [
        ("App.a", DELETED), ("App.b", DELETED)]
    # A bare string documenting an attribute is no code (flask's app.py documents attributes so).
    documented = base.replace("    limit:", '    "The configuration."\n    limit:')
    assert _altered(base, documented) == [] and _altered(documented, documented.replace("The", "A")) == []
    # Other class-level statements are still the class's own body.
    guarded = "class App:\n    if DEBUG:\n        x = 1\n"
    assert [item.name for item in _altered(guarded, guarded.replace("1", "2"))] == ["App"]


def test_places_of_a_class_attribute_are_its_reads_not_the_class_uses(tmp_path, monkeypatch) -> None:
    project = {
        "pkg/__init__.py": "",
        "pkg/app.py": "class App:\n    default_config = {}\n    other = 1\n\n    def run(self):\n"
                      "        return self.default_config\n",
        "pkg/use.py": "from pkg.app import App\n\n\nclass Mine(App):\n    def get(self):\n"
                      "        return self.default_config\n\n\ndef make():\n    app = App()\n"
                      "    return app, App.default_config, App.other\n",
    }
    target = Target("pkg.app.App.default_config", "pkg.app.App")
    expected = {("pkg/app.py", 6), ("pkg/use.py", 6), ("pkg/use.py", 11)}
    assert _places_of(target, project, tmp_path, monkeypatch) == expected


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _places_of(target: Target, project: dict[str, str], folder: Path, monkeypatch) -> set[tuple[str, int]]:
    """The places of one target in a project written to ``folder`` (the current folder from then on)."""
    _write(folder, project)
    monkeypatch.chdir(folder)
    return find_places([target], sorted(project), read_source, None).get(target, set())


def _places(cache: FactsCache | None = None) -> dict[str, list[tuple[str, int]]]:
    items = _altered(BASE_STORE, STORE)
    targets = [Target(f"pkg.store.{item.name}", "pkg.store.Store" if item.owner else "",
                      item.how in (DELETED, RENAMED)) for item in items]
    found = find_places(targets, sorted(PROJECT), read_source, cache)
    return {target.qualified: sorted(places) for target, places in found.items()}


EXPECTED = {
    # self.load in Store and in a subclass (through a re-export), Store().load (load is defined once)
    "pkg.store.Store.load": [("pkg/store.py", 6), ("pkg/user.py", 9), ("pkg/user.py", 16)],
    # an alias and a module attribute; the local `helper` that shadows it is not one
    "pkg.store.helper": [("pkg/user.py", 13), ("pkg/user.py", 14)],
    "pkg.store.old_name": [("pkg/user.py", 15)],  # through `import pkg.store as ps`
    "pkg.store.removed": [("pkg/other.py", 6)],  # through a star import
}


def test_places_that_depend_on_altered_definitions(tmp_path, monkeypatch) -> None:
    _write(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    # x.save() does not count: save is defined twice in the project.
    assert _places() == EXPECTED


def test_a_warm_run_resolves_nothing_again(tmp_path, monkeypatch) -> None:
    _write(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    cache = FactsCache.open(tmp_path / "cache", secret=b"s" * 32)
    assert _places(cache) == EXPECTED

    def no_libcst(*args):
        raise AssertionError("resolved again")

    monkeypatch.setattr(resolution, "resolve", no_libcst)
    assert _places(cache) == EXPECTED


def test_module_names_follow_packages_from_the_file_up(tmp_path, monkeypatch) -> None:
    _write(tmp_path, {"src/pkg/__init__.py": "", "src/pkg/sub/__init__.py": "", "src/pkg/sub/m.py": ""})
    monkeypatch.chdir(tmp_path)
    assert module_of("src/pkg/sub/m.py") == ("pkg.sub.m", "pkg.sub")
    assert module_of("src/pkg/sub/__init__.py") == ("pkg.sub", "pkg.sub")
    _write(tmp_path, {"src/pkg/sansio/app.py": "from ..globals import g\n"})  # a namespace folder in a package
    assert module_of("src/pkg/sansio/app.py") == ("pkg.sansio.app", "pkg.sansio")
    assert module_of("src/loose.py") == ("loose", "")


def test_each_operand_of_a_boolean_operation_is_a_level() -> None:
    assert syntax_depth(ast.parse("x = a and b and c and d\n")) == syntax_depth(ast.parse("x = a\n")) + 4


def test_syntax_too_deep_for_libcst_is_skipped_never_crashing(monkeypatch) -> None:
    text = "x = " + " and ".join(["load"] * (MAX_SYNTAX_DEPTH + 10)) + "\n"
    names = names_of(text, None)
    assert names.depth > MAX_SYNTAX_DEPTH and "load" in names.used

    def no_libcst(*args):
        raise AssertionError("handed to libcst")

    monkeypatch.setattr(resolution, "resolve", no_libcst)
    assert references_in("deep.py", text, names, {"load"}, None).names == ()


def test_a_file_libcst_cannot_read_is_no_source_of_references() -> None:
    # Python parses it, libcst's grammar may not: either way, no exception escapes.
    found = references_in("odd.py", "x = load\n", FileNames(("load",)), {"load"}, None)
    assert found.names == ((1, "odd.load"),)


def test_libcst_is_not_imported_without_altered_definitions() -> None:
    code = ("import sys; import flake8_reviewable.plugin, flake8_reviewable.references as r; "
            "assert r.find_places([], ['x.py'], lambda p: 'x = 1', None) == {}; print('libcst' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def _repository(flake8_api) -> None:
    base = dict(PROJECT, **{"pkg/store.py": BASE_STORE})
    _write(flake8_api.folder, base)
    commit_all(flake8_api.folder, "base")
    _write(flake8_api.folder, PROJECT)


def test_the_rule_in_a_run_against_the_base(flake8_api) -> None:
    _repository(flake8_api)
    output = flake8_api("--select=RVW405", "--max-blast-radius=0", "pkg/store.py")
    assert output == [
        "pkg/store.py:1:1: RVW405 'removed' was removed and 1 place in 1 file outside this change depends on it "
        "(> 0): pkg/other.py:6: update them in this change, or keep it until nothing depends on it",
        "pkg/store.py:2:5: RVW405 'Store.load' changed its signature and 3 places in 2 files outside this change "
        "depend on it (> 0): pkg/store.py:6, pkg/user.py:9, pkg/user.py:16: review them with this change, or keep "
        "the old signature beside the new one",
        "pkg/store.py:9:1: RVW405 'helper' changed and 2 places in 1 file outside this change depend on it (> 0): "
        "pkg/user.py:13, pkg/user.py:14: review them with this change",
        "pkg/store.py:14:1: RVW405 'old_name' was renamed to 'new_name' and 1 place in 1 file outside this change "
        "depends on it (> 0): pkg/user.py:15: update them in this change, or keep the old name as an alias",
    ]


def test_places_on_lines_the_change_added_do_not_count(flake8_api) -> None:
    _repository(flake8_api)
    _write(flake8_api.folder, {"pkg/user.py": USER.replace("    h(1)\n", "    h(1, 0)\n")})
    output = flake8_api("--select=RVW405", "--max-blast-radius=0", "--reviewable-scope=changed")
    helper = [line for line in output if "'helper'" in line]
    assert helper == ["./pkg/store.py:9:1: RVW405 'helper' changed and 1 place in 1 file outside this change depends "
                      "on it (> 0): pkg/user.py:14: review them with this change"]


def test_nothing_without_a_base_and_nothing_under_the_limit(flake8_api) -> None:
    _repository(flake8_api)
    assert flake8_api("--select=RVW405", "--max-blast-radius=0", "--reviewable-base=none") == []
    assert flake8_api("--select=RVW405") == []


@pytest.mark.parametrize("buffer", [STORE])
def test_an_editor_buffer_against_its_base(flake8, buffer: str) -> None:
    _write(flake8.folder, dict(PROJECT, **{"pkg/store.py": BASE_STORE}))
    commit_all(flake8.folder, "base")
    output = flake8("--select=RVW405", "--max-blast-radius=2", "-", "--stdin-display-name=pkg/store.py",
                    stdin=buffer)
    assert output == [
        "pkg/store.py:2:5: RVW405 'Store.load' changed its signature and 3 places in 2 files outside this change "
        "depend on it (> 2): pkg/store.py:6, pkg/user.py:9, pkg/user.py:16: review them with this change, or keep "
        "the old signature beside the new one",
    ]


def test_self_methods_count_in_subclasses_of_subclasses(tmp_path, monkeypatch) -> None:
    project = dict(PROJECT, **{
        "pkg/mid.py": "from pkg.store import Store\n\n\nclass Mid(Store):\n    pass\n",
        "pkg/leaf.py": "from pkg.mid import Mid\n\n\nclass Leaf(Mid):\n    def get(self):\n"
                       "        return self.load(2)\n",
        "pkg/alien.py": "class Alien:\n    def load(self):\n        return 1\n\n    def get(self):\n"
                        "        return self.load()\n",
    })
    _write(tmp_path, project)
    monkeypatch.chdir(tmp_path)
    found = find_places([Target("pkg.store.Store.load", "pkg.store.Store")], sorted(project), read_source, None)
    # load is now defined twice: self.load in Store and its subclasses counts, not in Alien; and
    # Store().load, which libcst resolves through the class.
    assert sorted(found[Target("pkg.store.Store.load", "pkg.store.Store")]) == [
        ("pkg/leaf.py", 6), ("pkg/store.py", 6), ("pkg/user.py", 9), ("pkg/user.py", 16)]


def test_a_method_named_like_a_builtin_one_counts_only_through_self(tmp_path, monkeypatch) -> None:
    # httpx's URL.join is its only `join`, but `", ".join(parts)` is str's: 140 places counted where a
    # handful depend on it (docs/blast-radius.md).
    project = {
        "pkg/__init__.py": "",
        "pkg/urls.py": "class URL:\n    def join(self, other):\n        return other\n\n"
                       "    def child(self, name):\n        return self.join(name)\n",
        "pkg/text.py": "def words(parts):\n    return ', '.join(parts)\n",
    }
    target = Target("pkg.urls.URL.join", "pkg.urls.URL")
    assert _places_of(target, project, tmp_path, monkeypatch) == {("pkg/urls.py", 6)}


def test_an_attribute_named_like_a_method_makes_it_no_longer_unique(tmp_path, monkeypatch) -> None:
    # flask's Scaffold.url_defaults counted BlueprintSetupState's own self.url_defaults (docs/blast-radius.md).
    project = {
        "pkg/__init__.py": "",
        "pkg/scaffold.py": "class Scaffold:\n    def url_defaults(self, f):\n        return f\n",
        "pkg/state.py": "class State:\n    def __init__(self):\n        self.url_defaults = {}\n\n"
                        "    def get(self):\n        return self.url_defaults\n",
        "pkg/app.py": "def setup(app):\n    return app.url_defaults(len)\n",
    }
    target = Target("pkg.scaffold.Scaffold.url_defaults", "pkg.scaffold.Scaffold")
    assert _places_of(target, project, tmp_path, monkeypatch) == set()
    del project["pkg/state.py"]
    (tmp_path / "pkg" / "state.py").unlink()
    assert find_places([target], sorted(project), read_source, None) == {target: {("pkg/app.py", 2)}}


def test_a_keyword_argument_is_no_use_of_a_definition_of_that_name(tmp_path, monkeypatch) -> None:
    # `sorted(models, reverse=True)` in a module that imports django.urls.reverse (docs/tried: ast vs libcst).
    project = {
        "pkg/__init__.py": "",
        "pkg/urls.py": "def reverse(name):\n    return name\n",
        "pkg/use.py": "from pkg.urls import reverse\n\n\ndef f(items):\n    ordered = sorted(items, reverse=True)\n"
                      "    return ordered, reverse('home')\n",
    }
    assert _places_of(Target("pkg.urls.reverse"), project, tmp_path, monkeypatch) == {("pkg/use.py", 6)}


def test_a_file_deeper_than_libcst_can_parse_is_skipped_in_a_run(flake8_api) -> None:
    # libcst's native parser crashes the process past about 3,000 levels: the run must not hand it this file,
    # committed with the base (so its reference would count), and skips it as a source of references.
    _write(flake8_api.folder, {"pkg/deep.py": "from pkg.store import helper\n\nx = "
                               + " and ".join(["helper(1)"] * 3100) + "\n"})
    _repository(flake8_api)
    output = flake8_api("--select=RVW405", "--max-blast-radius=0", "pkg/store.py")
    assert [line for line in output if "'helper'" in line] == [
        "pkg/store.py:9:1: RVW405 'helper' changed and 2 places in 1 file outside this change depend on it (> 0): "
        "pkg/user.py:13, pkg/user.py:14: review them with this change"]


def test_pre_commit_file_list_gives_the_findings_of_a_full_run(flake8_api) -> None:
    # pre-commit runs `flake8 <staged files>` on a feature branch, base `auto` (here the local `main`): the
    # files that depend on the change are not named, and must count as in a run of the whole repository.
    _write(flake8_api.folder, dict(PROJECT, **{"pkg/store.py": BASE_STORE}))
    commit_all(flake8_api.folder, "base")
    git(flake8_api.folder, "checkout", "-q", "-b", "feature")
    _write(flake8_api.folder, {"pkg/notes.py": "NOTE = 1\n"})
    commit_all(flake8_api.folder, "an earlier commit of the branch")
    _write(flake8_api.folder, {"pkg/store.py": STORE})
    git(flake8_api.folder, "add", "pkg/store.py")
    staged = flake8_api("--select=RVW405", "--max-blast-radius=0", "pkg/store.py")
    full = flake8_api("--select=RVW405", "--max-blast-radius=0", ".")
    assert staged == [line.removeprefix("./") for line in full if line.startswith("./pkg/store.py:")]
    assert len(staged) == 4 and any("pkg/user.py:16" in line for line in staged)
