"""One problem, one finding: the counting rules that keep one piece of code from being flagged twice,
end to end with the real flake8 and exact values."""
from __future__ import annotations

X_BLOCK = """\
    rows = load(path)
    rows.sort(key=len)
    total = sum(rows)
    if total > limit:
        warn(total)
    log.info(rows)
    save(rows, path)
    audit(path)
"""
Y_BLOCK = """\
    client = connect(url)
    for attempt in range(3):
        reply = client.get(url)
    client.close()
    check(reply.status)
    cache[url] = reply.body
    notify(url)
"""


def test_a_block_and_the_copy_it_names_have_the_same_size_and_name_each_other(flake8) -> None:
    # a.py holds X then Y in one run; b.py holds X and the start of Y, c.py Y alone. The first release
    # merged every overlapping match of a.py into one block of 15 statements "duplicated in b.py", whose
    # own finding said 12.
    start_of_y = "".join(Y_BLOCK.splitlines(keepends=True)[:4])
    flake8.write("a.py", "def both():\n" + X_BLOCK + Y_BLOCK)
    flake8.write("b.py", "def only_x():\n" + X_BLOCK + start_of_y)
    flake8.write("c.py", "def only_y():\n" + Y_BLOCK)
    assert flake8("--select=RVW3", "a.py", "b.py", "c.py") == [
        "a.py:2:5: RVW302 block of 12 statements (>= 6) is duplicated in b.py:2: move it where both can use it",
        "a.py:10:5: RVW302 block of 7 statements (>= 6) is duplicated in c.py:2: move it where both can use it",
        "b.py:2:5: RVW302 block of 12 statements (>= 6) is duplicated in a.py:2: move it where both can use it",
        "c.py:2:5: RVW302 block of 7 statements (>= 6) is duplicated in a.py:10: move it where both can use it",
    ]


def test_a_decorator_factory_gets_one_length_finding_on_its_wrapper(flake8) -> None:
    body = "".join(f"            step_{n}(args)\n" for n in range(45))
    flake8.write("a.py", "def retry(times):\n    def decorator(function):\n        def wrapper(*args):\n" + body
                 + "            return function(*args)\n        return wrapper\n    return decorator\n")
    assert flake8("--select=RVW1", "a.py") == [
        "a.py:3:9: RVW101 function 'retry.decorator.wrapper' is 46 lines long (> 40): split it so it can be "
        "reviewed in one sitting",
    ]


def test_one_deep_nest_of_closures_is_one_nesting_finding(flake8) -> None:
    # rich's repr.py had three RVW201 for one nest: auto 7, auto.do_replace 6, auto_repr 5.
    flake8.write("a.py", "def auto(cls):\n    def do_replace(obj):\n        def auto_repr(self):\n"
                 "            for name in self:\n                if name:\n                    with lock:\n"
                 "                        yield name\n        return auto_repr\n    return do_replace\n")
    assert flake8("--select=RVW2", "a.py") == [
        "a.py:6:21: RVW201 function 'auto.do_replace.auto_repr' is nested 5 levels deep (> 4): return early or "
        "extract the inner block",
    ]


def test_nested_definitions_are_not_bumps(flake8) -> None:
    helper = "    def helper_{n}(row):\n        for cell in row:\n            if cell:\n                yield cell\n"
    flake8.write("a.py", "def table(rows):\n" + "".join(helper.format(n=n) for n in range(4)) + "    return rows\n")
    assert flake8("--select=RVW204", "a.py", expect_rc=0) == []


def test_asserts_add_no_cyclomatic_complexity(flake8) -> None:
    flake8.write("test_a.py", "def test_parse():\n" + "".join(f"    assert parse({n}) == {n}\n" for n in range(30)))
    assert flake8("--select=RVW203", "--max-cyclomatic-complexity=1", "test_a.py", expect_rc=0) == []


def test_module_length_says_reviewable_lines(flake8) -> None:
    flake8.write("a.py", '"""Docs."""\n\n# comment\n' + "".join(f"x{n} = {n}\n" for n in range(12)))
    assert flake8("--select=RVW102", "--max-module-length=10", "a.py") == [
        "a.py:1:1: RVW102 module is 12 reviewable lines long (> 10): split it into modules that can each be "
        "reviewed alone",
    ]


def test_cognitive_names_each_nested_function_once(flake8_api) -> None:
    # attrs' _make.py defines 'pipe_converter' in two branches; the message named it twice.
    flake8_api.write("a.py", "def make(fast):\n    if fast:\n        def convert(x):\n            if x:\n"
                     "                return x\n    else:\n        def convert(x):\n            if x:\n"
                     "                return -x\n    return convert\n")
    assert flake8_api("--select=RVW202", "--max-cognitive-complexity=1", "a.py") == [
        "a.py:1:1: RVW202 function 'make' (its nested 'convert' included) has cognitive complexity 8 (> 1), most "
        "from lines 4 (+3), 8 (+3), 2 (+1): flatten or extract those parts",
    ]
