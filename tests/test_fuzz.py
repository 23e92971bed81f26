"""Property-based fuzzing with hypothesmith: any program Python accepts goes through every rule unharmed."""
from __future__ import annotations

import ast
import warnings

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from flake8_reviewable.references import names_in, references_in
from flake8_reviewable.session import Session


def _parses(source: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")
# derandomize: the same 300 programs every run, so CI's time and verdict do not depend on the draw.
@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(source=hypothesmith.from_grammar() | hypothesmith.from_node())
def test_any_valid_program_goes_through_every_rule_and_keeps_the_invariants(source: str) -> None:
    tree = _parses(source)
    if tree is None:  # the grammar strategy can produce code the compiler rejects (E999 territory)
        return
    lines = source.splitlines(keepends=True) or [""]
    session = Session.defaults()
    findings = list(session.findings("fuzz.py", lines, tree))
    facts = session.measurer.facts_of(source, tree)
    total_lines = max(len(lines), 1)
    for unit in facts.functions + ((facts.module,) if facts.module else ()):
        assert 0 <= unit.length <= total_lines
        assert 0 <= unit.max_depth <= 200 and len(unit.deepening) == unit.max_depth
        assert unit.cyclomatic >= (1 if unit.name != "<module>" else 0)
        assert unit.cognitive is None or unit.cognitive >= 0
    for finding in findings:
        assert 1 <= finding.position.line <= total_lines + 1
        assert finding.position.col >= 0 and finding.message.startswith("RVW")


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")
# The names resolver (libcst, for the blast radius) is a parser too: whatever Python accepts, it answers
# without raising, or the file simply gives no references.
@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(source=hypothesmith.from_grammar() | hypothesmith.from_node())
def test_any_valid_program_goes_through_the_names_resolver_unharmed(source: str) -> None:
    tree = _parses(source)
    if tree is None:
        return
    names = names_in(tree)
    found = references_in("pkg/fuzz.py", source, names, set(names.used), None)
    lines = max(len(source.splitlines()), 1)
    assert all(1 <= line <= lines + 1 for line, _ in found.names)
