"""Cognitive complexity: the white paper's examples, then one test per counting rule, with exact scores."""
from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from flake8_reviewable.cognitive import cognitive_complexity
from flake8_reviewable.metrics import measure

PAPER = Path(__file__).parent / "cognitive" / "paper_examples.py"


def score(source: str, name: str = "f") -> int:
    """Cognitive complexity of the named outermost function, through the whole metric pass."""
    facts = measure(textwrap.dedent(source))
    return next(unit.cognitive for unit in facts.functions if unit.name == name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sum_of_primes", 7),  # the paper's Java example gets +1 for `continue OUT`; for/else gets it here
        ("get_words", 1),  # a switch (match) is one increment however many cases
        ("mixed", 4),  # `a && b && c || d || e && f`: three sequences of like operators, plus the if
        ("negated", 3),  # `a && !(b && c)`: the negated group starts a new sequence
        ("my_method", 9),  # the paper's nesting example: try adds nothing, catch is structural
        ("my_method2", 2),  # nested function: no increment, one nesting level for its body
        ("my_method2_lambda", 2),  # lambda: no increment, one nesting level for its body
        ("overridden_symbol_from", 19),  # Appendix C
        ("add_version", 35),  # Appendix C
        ("to_regexp", 20),  # Appendix C
        ("save", 20),  # Appendix C, callbacks as nested functions
    ],
)
def test_white_paper_examples(name: str, expected: int) -> None:
    source = PAPER.read_text(encoding="utf-8")
    function = next(node for node in ast.parse(source).body if getattr(node, "name", None) == name)
    assert cognitive_complexity(function, source.splitlines(True), is_method=False).total == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # if: +1 plus nesting; elif and else: +1 flat (paper: "hybrid" increments).
        ("def f(a):\n if a:\n  pass\n elif a > 1:\n  pass\n else:\n  pass\n", 3),
        # `else: if` is an else (+1) and a nested if (+1 + nesting 1), not an elif.
        ("def f(a):\n if a:\n  pass\n else:\n  if a > 1:\n   pass\n", 4),
        # Loops: structural; their else +1 (sonar-python), its body nested.
        ("def f(a):\n for x in a:\n  pass\n else:\n  if a:\n   pass\n", 4),
        ("def f(a):\n while a:\n  a -= 1\n", 1),
        ("async def f(a):\n async for x in a:\n  if x:\n   pass\n", 3),
        # try and finally add nothing and do not nest; each except clause is structural; try's else +1.
        ("def f(a):\n try:\n  if a:\n   pass\n except (KeyError, ValueError):\n  pass\n"
         " except OSError:\n  pass\n else:\n  pass\n finally:\n  if a:\n   pass\n", 5),
        # with adds nothing and does not nest.
        ("def f(a):\n with a:\n  if a:\n   pass\n", 1),
        # match: one structural increment for the whole statement; case bodies nested.
        ("def f(a):\n match a:\n  case 1:\n   if a:\n    pass\n  case _:\n   pass\n", 3),
        # Conditional expression: structural; its parts nested.
        ("def f(a, b):\n return 1 if a else (2 if b else 3)\n", 3),
        # Boolean sequences: +1 per run of like operators; `not` adds nothing.
        ("def f(a, b, c):\n return a and b and c\n", 1),
        ("def f(a, b, c):\n return a and b or c\n", 2),
        ("def f(a, b, c):\n return not a and not b\n", 1),
        ("def f(a, b, c, d):\n return a or b and c or d\n", 3),
        ("def f(a, b, c, d):\n return a or (b and c) or d\n", 2),
        ("def f(a, b, c):\n return a and (b and c)\n", 2),
        # break and continue (unlabelled) add nothing.
        ("def f(a):\n for x in a:\n  if x:\n   break\n  continue\n", 3),
        # Direct recursion: +1 once per function, however many calls.
        ("def f(n):\n return f(n - 1) + f(n - 2) if n > 1 else n\n", 2),
        # Lambda: no increment, its body one level deeper.
        ("def f(a):\n if a:\n  return lambda: 1 if a else 2\n", 4),
        # Nested function: no increment, folded in one level deeper.
        ("def f(a):\n def g():\n  if a:\n   pass\n return g()\n", 2),
        # Comprehensions add nothing (sonar-python).
        ("def f(a):\n return [x for x in a if x]\n", 0),
    ],
    ids=[
        "if-elif-else", "else-if", "for-else", "while", "async-for", "try-except-else-finally", "with", "match",
        "nested-ternary", "and-and", "and-or", "not", "or-and-or", "or-(and)-or", "and-(and)",
        "break-continue", "recursion", "lambda", "nested-def",
        "comprehension",
    ],
)
def test_each_counting_rule(source: str, expected: int) -> None:
    assert score(source) == expected


def test_method_recursion_is_a_call_through_self() -> None:
    source = """
        class Tree:
            def size(self):
                return 1 + sum(child.size() for child in self.children) + self.size()
    """
    assert score(source, "Tree.size") == 1


def test_decorator_wrapper_is_exempt_from_nesting_even_with_a_docstring() -> None:
    source = '''
        def f(func):
            """Retry on failure."""
            @wraps(func)
            def wrapper(*args):
                if args:
                    return func(*args)
            return wrapper

        def g(func):
            log(func)
            def wrapper(*args):
                if args:
                    return func(*args)
            return wrapper
    '''
    assert score(source) == 1
    assert score(source, "g") == 2


def test_decorator_generator_is_exempt_at_every_level() -> None:
    source = """
        def f(times):
            def decorator(func):
                def wrapper():
                    for _ in range(times):
                        func()
                return wrapper
            return decorator
    """
    assert score(source) == 1


def test_class_inside_a_function_restarts_its_methods_at_level_zero() -> None:
    source = """
        def f(a):
            if a:
                class Local:
                    def method(self, b):
                        return 1 if b else 2
                return Local
    """
    assert score(source) == 2


def test_nested_functions_are_folded_and_not_scored_on_their_own() -> None:
    facts = measure("def f(a):\n    def g(b):\n        return b or a\n    return g\n")
    assert [(unit.name, unit.cognitive) for unit in facts.functions] == [("f", 1), ("f.g", None)]


def test_hotspots_are_the_lines_adding_most_largest_first() -> None:
    source = """
        def f(a, b):
            if a:
                for x in a:
                    if x and b:
                        pass
            while b:
                pass
    """
    facts = measure(textwrap.dedent(source))
    assert facts.functions[0].cognitive == 8
    assert facts.functions[0].cognitive_hotspots == ((5, 4), (4, 2), (3, 1))


def test_class_bases_inside_a_function_are_read_and_its_methods_restart_even_under_an_if() -> None:
    assert score("def f(x, b, c):\n    class A(b if x else c):\n        pass\n    return A\n") == 1
    source = (
        "def f(x, y):\n    class A:\n        if x:\n            def m(self):\n"
        "                if y:\n                    pass\n    return A\n"
    )
    assert score(source) == 2
