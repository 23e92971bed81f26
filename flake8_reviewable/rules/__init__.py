"""The rules: one class per rule, each carrying its code, message, option, documentation and examples."""
from __future__ import annotations

# Importing the rule modules registers their rules.
from flake8_reviewable.rules import change, complexity, duplication, nesting, parsing, size  # noqa: F401
from flake8_reviewable.rules.base import Example, Finding, Option, Rule, UnitRule

ALL_RULES: tuple[type[Rule], ...] = tuple(sorted(Rule.registry, key=lambda rule: rule.code))
UNIT_RULES: tuple[type[UnitRule], ...] = tuple(rule for rule in ALL_RULES if issubclass(rule, UnitRule))
# Several rules may share one option (one limit); each is registered with flake8 once.
OPTIONS: tuple[Option, ...] = tuple({rule.option.flag: rule.option for rule in ALL_RULES if rule.option}.values())

__all__ = ["ALL_RULES", "OPTIONS", "UNIT_RULES", "Example", "Finding", "Option", "Rule", "UnitRule"]
