"""The rule classes: unique codes, complete docs, a fresh docs page, and every example run through flake8."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from conftest import commit_all

from flake8_reviewable.docs import SECTIONS, render_rules_page
from flake8_reviewable.rules import ALL_RULES, OPTIONS, Example, Rule

ROOT = Path(__file__).resolve().parent.parent

EXAMPLES = [
    pytest.param(rule, example, id=f"{rule.code}-{kind}-{number}")
    for rule in ALL_RULES
    for kind, examples in (("valid", rule.valid), ("invalid", rule.invalid))
    for number, example in enumerate(examples)
]


def test_codes_are_unique_and_follow_flake8s_pattern() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"RVW[0-9]{3}", code) for code in codes)


def test_every_rule_class_in_the_rules_package_is_listed_once_in_code_order() -> None:
    # A rule class that rules/__init__.py forgot to list would be documented nowhere and never run.
    import importlib
    import pkgutil

    import flake8_reviewable.rules as package

    defined = set()
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        defined.update(
            value for value in vars(module).values()
            if inspect.isclass(value) and issubclass(value, Rule) and "code" in vars(value)
        )
    assert defined == set(ALL_RULES) and len(ALL_RULES) == len(defined)
    assert [rule.code for rule in ALL_RULES] == sorted(rule.code for rule in ALL_RULES)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_docstring_has_the_four_parts_in_order(rule: type[Rule]) -> None:
    headings = re.findall(r"^## (.+)$", inspect.cleandoc(rule.__doc__ or ""), flags=re.MULTILINE)
    assert tuple(headings) == SECTIONS


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_every_rule_has_valid_and_invalid_examples(rule: type[Rule]) -> None:
    assert rule.valid and rule.invalid
    assert all(example.expected for example in rule.invalid)
    assert all(line.split(": ", 1)[1].startswith(rule.code) for example in rule.invalid for line in example.expected)


@pytest.mark.parametrize("option", OPTIONS, ids=lambda option: option.flag)
def test_every_option_is_documented_in_its_rules_options_section(option) -> None:
    owners = [rule for rule in ALL_RULES if rule.option == option]
    for rule in owners:
        options_part = inspect.cleandoc(rule.__doc__ or "").split("## Options", 1)[1]
        assert f"`{option.flag}` (default {option.default})" in options_part


def test_committed_rules_page_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_rules_page(), "regenerate it: python -m flake8_reviewable.docs docs/rules.md"


@pytest.mark.parametrize(("rule", "example"), EXAMPLES)
def test_example_gives_exactly_its_expected_findings(flake8, rule: type[Rule], example: Example) -> None:
    if example.base is not None:
        flake8.write("example.py", example.base)
        commit_all(flake8.folder, "base")
    flake8.write("example.py", example.source)
    for name, text in example.others.items():
        flake8.write(name, text)
    options = [f"{flag}={value}" for flag, value in example.options.items()]
    output = flake8("--select=RVW", *options, "example.py", *example.others)
    ours = [line for line in output if line.startswith("example.py:")]
    assert ours == [f"example.py:{line}" for line in example.expected]
