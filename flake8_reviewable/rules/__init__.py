"""The rules: one class per rule, each carrying its code, message, option, documentation and examples.

``ALL_RULES`` lists every rule once, in code order: a rule not listed here does not run.
"""
from __future__ import annotations

from flake8_reviewable.rules.base import Example, Finding, Option, Rule, UnitRule
from flake8_reviewable.rules.blast import BlastRadius
from flake8_reviewable.rules.change import (
    ChangeSize,
    ChangeSpread,
    ChangeUnmeasurable,
    FileChangeSize,
    ScatteredFileChange,
)
from flake8_reviewable.rules.complexity import BumpyRoad, CognitiveComplexity, CyclomaticComplexity
from flake8_reviewable.rules.duplication import DuplicateInFile, DuplicateInProject
from flake8_reviewable.rules.loosening import GateLoosened
from flake8_reviewable.rules.nesting import NestingDepth
from flake8_reviewable.rules.parsing import Unanalysable
from flake8_reviewable.rules.size import FunctionLength, ModuleLength

ALL_RULES: tuple[type[Rule], ...] = (
    Unanalysable,
    FunctionLength,
    ModuleLength,
    NestingDepth,
    CognitiveComplexity,
    CyclomaticComplexity,
    BumpyRoad,
    DuplicateInFile,
    DuplicateInProject,
    ChangeUnmeasurable,
    FileChangeSize,
    ScatteredFileChange,
    ChangeSize,
    ChangeSpread,
    BlastRadius,
    GateLoosened,
)
UNIT_RULES: tuple[type[UnitRule], ...] = tuple(rule for rule in ALL_RULES if issubclass(rule, UnitRule))
# Several rules may share one option (one limit); each is registered with flake8 once.
OPTIONS: tuple[Option, ...] = tuple({rule.option.flag: rule.option for rule in ALL_RULES if rule.option}.values())

__all__ = ["ALL_RULES", "OPTIONS", "UNIT_RULES", "Example", "Finding", "Option", "Rule", "UnitRule"]
