"""Exact numbers from the metric pass, one test per counting rule of design.md."""
from __future__ import annotations

import sys
import textwrap

import pytest

from flake8_reviewable.facts import Position
from flake8_reviewable.metrics import measure

needs_312 = pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 695/701 syntax is new in Python 3.12")


def units(source: str) -> dict:
    """Every measured function by qualified name, plus the module as '<module>'."""
    facts = measure(textwrap.dedent(source))
    assert facts.failure is None, facts.failure
    return {unit.name: unit for unit in (facts.module, *facts.functions)}


def length(source: str, name: str = "f") -> int:
    return units(source)[name].length


def depth(source: str, name: str = "f") -> int:
    return units(source)[name].max_depth


def test_blank_comment_and_docstring_lines_are_not_reviewable() -> None:
    source = '''
        def f(x):
            """Summary.

            More text.
            """
            # a comment

            y = x  # trailing comment: the line holds code
                # an indented comment
            return y
    '''
    assert length(source) == 2


def test_signature_and_decorators_are_not_counted_only_the_body() -> None:
    source = """
        @decorator(
            option=True,
        )
        def f(
            a,
            b,
        ):
            return a + b
    """
    assert length(source) == 1
    assert units(source)["f"].position == Position(5, 0)


def test_literal_of_constants_counts_as_one_line_and_other_literals_count_every_line() -> None:
    source = """
        def f():
            table = {
                "a": (1, -2.5),
                "b": [None, True, b"x"],
            }
            names = [
                first,
                second,
            ]
            text = '''
                long
                text
            '''
            return table, names, text
    """
    assert length(source) == 1 + 4 + 1 + 1


def test_multiline_fstring_counts_every_line_even_ones_that_look_blank_or_commented() -> None:
    source = '''
        def f(name):
            return f"""
            # hello

            {name}
            """
    '''
    assert length(source) == 5


@needs_312
def test_pep701_fstring_with_nested_quotes_and_comment() -> None:
    source = """
        def f(items):
            text = f"{", ".join(items)}"
            other = f'''{
                len(items)  # how many
            }'''
            return text, other
    """
    assert length(source) == 5


@needs_312
def test_pep695_generics_are_measured_like_any_function() -> None:
    source = """
        type Pair[T] = tuple[T, T]


        class Box[T]:
            def get[U](self, default: U) -> T | U:
                if self.value is None:
                    return default
                return self.value
    """
    found = units(source)
    assert found["Box.get"].length == 3 and found["Box.get"].max_depth == 1
    assert found["<module>"].length == 6


def test_semicolons_and_one_line_bodies() -> None:
    source = """
        def f(): a = 1; return a
        def g(x):
            if x: return 1
            return 2
    """
    assert length(source) == 1
    assert length(source, "g") == 2 and depth(source, "g") == 1


def test_module_length_counts_the_whole_file_except_docstrings_and_comments() -> None:
    source = '''
        """Module docstring."""
        import os

        # comment
        class A:
            """Class docstring."""

            def m(self):
                return os.sep
    '''
    assert units(source)["<module>"].length == 4


def test_each_compound_statement_opens_one_level_and_its_clauses_none() -> None:
    source = """
        def f(x):
            if x:                    # 1
                pass
            elif x > 1:
                for y in x:          # 2
                    while y:         # 3
                        pass
                    else:
                        pass
            else:
                try:                 # 2
                    with y:          # 3
                        pass
                except ValueError:
                    pass
                finally:
                    pass
    """
    assert depth(source) == 3


def test_match_opens_one_level_and_case_none() -> None:
    source = """
        def f(command):
            match command:
                case ["go", direction]:
                    if direction:
                        return 1
                case _:
                    return 0
    """
    found = units(source)["f"]
    assert found.max_depth == 2
    assert found.deepening == (Position(3, 4), Position(5, 12))


def test_async_forms_count_like_their_plain_forms() -> None:
    source = """
        async def f(session):
            async with session:
                async for row in session:
                    await row
    """
    assert depth(source) == 2
    assert units(source)["f"].length == 3


@pytest.mark.skipif(sys.version_info < (3, 11), reason="except* is new in Python 3.11")
def test_except_star_opens_no_level_beyond_its_try() -> None:
    source = """
        def f(task):
            try:
                task()
            except* ValueError:
                if task:
                    raise
    """
    assert depth(source) == 2
    assert units(source)["f"].length == 5


def test_lambdas_add_a_level_each() -> None:
    source = """
        def f(items):
            if items:
                return sorted(items, key=lambda item: (lambda: item)())
    """
    found = units(source)["f"]
    assert found.max_depth == 3
    assert found.deepening == (Position(3, 4), Position(4, 33), Position(4, 47))


def test_a_line_belongs_to_its_innermost_function_and_depth_counts_every_enclosing_level() -> None:
    source = """
        def outer(x):
            def inner(y):
                if y:
                    return y
            class Local:
                def method(self):
                    return x
            return inner
    """
    found = units(source)
    # inner's body sits one level into outer's, its if one more.
    assert found["outer.inner"].length == 2 and found["outer.inner"].max_depth == 2
    # Local's body is one level into outer's, the method's body two.
    assert found["outer.Local.method"].length == 1 and found["outer.Local.method"].max_depth == 2
    # Each nested definition is one line of outer: def inner, class Local, return inner.
    assert found["outer"].length == 3
    # outer's own blocks: the class body (depth 1); inner's blocks are inner's.
    assert found["outer"].max_depth == 1


def test_module_code_is_one_unit_and_function_bodies_are_not_part_of_it() -> None:
    source = """
        if DEBUG:
            class Settings:
                verbose = True

                def level(self):
                    if self.verbose:
                        for _ in range(3):
                            return 1
    """
    found = units(source)
    assert found["<module>"].max_depth == 2
    assert found["Settings.level"].max_depth == 2


def test_first_block_past_a_limit_is_the_first_in_source_order() -> None:
    source = """
        def f(a):
            for x in a:
                if x:
                    pass
            while a:
                with a:
                    try:
                        pass
                    finally:
                        pass
    """
    found = units(source)["f"]
    assert found.max_depth == 3
    assert found.first_block_deeper_than(1) == Position(4, 8)
    assert found.first_block_deeper_than(2) == Position(8, 12)
    assert found.first_block_deeper_than(3) is None


def test_valid_python_a_second_parser_refused_is_measured() -> None:
    # libcst gave up on both (RVW001 in the first release): 6,000 implicitly joined strings, and an
    # annotated target in parentheses (CPython's test/typinganndata/ann_module.py).
    facts = measure("TEXT = (" + " ".join(['"a"'] * 6000) + ")\n(pars): bool = True\n")
    assert facts.failure is None and facts.module.length == 2


def test_lambdas_nested_past_radons_recursion_are_a_failure_with_the_reason() -> None:
    facts = measure("def f():\n    return " + "lambda: " * 600 + "0\n")
    assert facts.functions == () and facts.module is None
    assert facts.failure.reason == "its syntax nests too deeply for radon's cyclomatic complexity visitor"


def test_crlf_line_endings_and_form_feeds_measure_like_plain_lines() -> None:
    source = "def f(x):\r\n\x0c\r\n    if x:\r\n        return 1\r\n    return 2\r\n"
    facts = measure(source)
    assert facts.functions[0].length == 3 and facts.functions[0].max_depth == 1


def bump_lines(source: str, name: str = "f") -> list[int]:
    return [start.line for start in units(source)[name].bumps]


def test_a_bump_is_a_maximal_run_of_top_level_statements_reaching_depth_two() -> None:
    source = """
        def f(rows):
            for row in rows:
                if row:
                    pass
            with lock:
                while rows:
                    pass
            total = 0
            if rows:
                pass
            try:
                for row in rows:
                    pass
            finally:
                pass
    """
    # Lines 3 and 6 touch, so they are one bump; line 9 is shallow, line 10 only depth 1, line 12 deep again.
    assert bump_lines(source) == [3, 12]


def test_one_top_level_statement_is_at_most_one_bump_and_shallow_code_has_none() -> None:
    source = """
        def f(rows):
            for row in rows:
                if row:
                    pass
                log(row)
                if not row:
                    pass

        def g(rows):
            if rows:
                return 1
            for row in rows:
                print(row)
    """
    assert bump_lines(source) == [3]
    assert bump_lines(source, "g") == []


def test_lambdas_count_towards_bumps_and_nested_definitions_do_not() -> None:
    source = """
        def f(rows):
            if rows:
                rows.sort(key=lambda row: row.id)
            name = "x"
            def helper(row):
                if row:
                    return row
            return helper
    """
    assert bump_lines(source) == [3]
    assert bump_lines(source, "f.helper") == []


def test_cyclomatic_complexity_is_radons_for_functions_methods_and_closures() -> None:
    from radon.complexity import cc_visit

    source = textwrap.dedent("""
        def outer(a, b):
            def inner(c):
                return [x for x in c if x] if c else None
            if a and b or a:
                return inner
            for i in a:
                try:
                    pass
                except ValueError:
                    pass
                except KeyError:
                    pass
            else:
                assert b
            return None

        class Shape:
            def area(self, kind):
                match kind:
                    case "square":
                        return 1
                    case "circle":
                        return 2
                    case _:
                        return 0

            async def load(self):
                while True:
                    if await self.ready():
                        break
    """)
    expected = {}
    for block in cc_visit(source, no_assert=True):
        expected[block.lineno] = block.complexity
        for closure in getattr(block, "closures", ()):
            expected[closure.lineno] = closure.complexity
    ours = {unit.position.line: unit.cyclomatic for unit in measure(source).functions}
    assert ours == {line: value for line, value in expected.items() if line in ours}
    assert sorted(ours) == [2, 3, 19, 28]
    assert ours[2] == 8 and ours[3] == 4  # the `assert b` adds nothing


def test_syntax_too_deep_for_a_recursive_visitor_is_a_failure_not_an_exception() -> None:
    facts = measure("def f():\n    return " + "-" * 450 + "1\n")
    assert facts.failure is not None and "nests too deeply" in facts.failure.reason


def test_constant_literals_last_line_counts_when_code_follows_it_there() -> None:
    source = """
        def f(module):
            message = ("first part "
                       "second part" % module)
            table = (
                1,
                2,
            ), module  # a comment
            return message, table
    """
    # message: both lines hold code (the `% module` follows the literal); the table's last line holds more code.
    assert length(source) == 2 + 2 + 1
