"""Compare our complexity numbers with radon's and complexipy's on Django, and write ``docs/complexity-comparison.md``.

    python docs/scripts/compare_complexity.py [--corpus-dir .corpora] [--output docs/complexity-comparison.md]

Downloads the pinned Django sdist when it is missing (``.corpora/`` is git-ignored) and reads every ``.py``
file of it, tests included. Cyclomatic complexity must equal radon's own ``cc_visit`` for every function.
Cognitive complexity is compared with complexipy's, and each disagreement is traced to its causes: the
function is rewritten one construct at a time, in a form both tools score alike, and each rewrite is
charged with the part of the gap it closes.
"""
from __future__ import annotations

import argparse
import ast
import copy
import io
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import time
import tokenize
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from importlib import metadata
from pathlib import Path

import complexipy
from radon.complexity import cc_visit
from radon.visitors import Class

from flake8_reviewable.cognitive import cognitive_complexity, is_wrapper
from flake8_reviewable.metrics import measure

REPO = Path(__file__).resolve().parents[2]
DJANGO = ("django", "5.2.19")
PACKAGES = ("flake8-reviewable", "radon", "complexipy", "libcst")
LIMIT = 15  # RVW202's default, and Sonar's
EXAMPLES = 2  # examples shown per cause
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
LOOPS_AND_TRIES = (ast.For, ast.AsyncFor, ast.While, ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
BLOCK_FIELDS = ("body", "orelse", "finalbody")
PLACEHOLDER = "placeholder_"
NESTING = (ast.IfExp, ast.Lambda)  # expressions whose insides both tools nest one level deeper

# ---------------------------------------------------------------------------------------------- causes

COMPREHENSION = "comprehension"
LOOP_ELSE = "`else` of a loop or `try`"
WRAPPER_OURS = "decorator wrapper we exempt, complexipy does not"
WRAPPER_THEIRS = "decorator wrapper complexipy exempts, we do not"
RECURSION = "recursion"
DEF_IN_BLOCK = "`def` inside a block"
CLASS_IN_FUNCTION = "class inside a function"
TERNARY_CONDITION = "ternary or lambda inside a ternary's condition"
SAME_OPERATOR = "same operator in parentheses: `a or (b or c)`"
SKIPPED_PREFIX = "expression complexipy skips: "
ROUND_TRIP = "not traced: rewriting the source changed complexipy's score"
UNEXPLAINED = "unexplained"

# Where complexipy does not look for boolean operators, ternaries and lambdas: (parent node, field) -> label.
SKIPPED_CONTEXTS = {
    ("keyword", "value"): "keyword argument",
    ("BoolOp", "values"): "operand of a boolean operator, `a and g(b or c)`",
    ("UnaryOp", "operand"): "operand of `not`, `not g(a or b)`",
    ("FormattedValue", "value"): "f-string",
    ("Attribute", "value"): "attribute base, `(a or b).x`",
    ("Subscript", "value"): "subscript, `x[a or b]`",
    ("Subscript", "slice"): "subscript, `x[a or b]`",
    ("Slice", "lower"): "subscript, `x[a or b]`",
    ("Slice", "upper"): "subscript, `x[a or b]`",
    ("Await", "value"): "`await`",
    ("Yield", "value"): "`yield`",
    ("YieldFrom", "value"): "`yield`",
    ("NamedExpr", "value"): "walrus, `(n := a or b)`",
    ("FunctionDef", "decorator_list"): "decorator or default of a nested `def`",
    ("AsyncFunctionDef", "decorator_list"): "decorator or default of a nested `def`",
    ("arguments", "defaults"): "decorator or default of a nested `def`",
    ("arguments", "kw_defaults"): "decorator or default of a nested `def`",
    ("match_case", "guard"): "`match` subject or guard",
    ("Match", "subject"): "`match` subject or guard",
    ("ExceptHandler", "type"): "`except` clause type",
    ("Starred", "value"): "starred argument, `f(*(a or b))`",
    ("BinOp", "left"): "arithmetic operand, `(a or b) + c`",
    ("BinOp", "right"): "arithmetic operand, `(a or b) + c`",
    ("Call", "func"): "called expression, `(a or b)()`",
    ("Dict", "keys"): "dictionary key",
    ("Delete", "targets"): "`del` target",
    ("ClassDef", "bases"): "class header or class-level statement",
    ("ClassDef", "keywords"): "class header or class-level statement",
    ("ClassDef", "body"): "class header or class-level statement",
}

# What each cause is, and which side follows G. Ann Campbell's white paper.
EXPLANATIONS = {
    COMPREHENSION: (
        "complexipy adds 1 + nesting for each `for` of a comprehension and 1 for each `if`, and nests the "
        "element; we, like sonar-python, add nothing. The paper does not mention comprehensions; it exempts "
        "\"shorthand\" that reads as one step. We follow sonar-python, SonarSource's own reading."
    ),
    LOOP_ELSE: (
        "We add 1 for the `else` of a `for`, `while` or `try` and nest its body, as sonar-python does (the "
        "same ElseClause as an `if`'s); complexipy adds nothing and does not nest it. The paper only knows "
        "`else` after `if`, where it is a hybrid increment; we and sonar-python extend that to Python's other "
        "`else` clauses, which are a break in the linear flow too."
    ),
    WRAPPER_OURS: (
        "The paper (Appendix A) exempts a decorator: a function made only of a nested function and a `return`. "
        "We also accept a docstring before the nested `def` (a documented choice), which complexipy counts "
        "as a third statement. Neither sonar-python nor the paper's letter allows the docstring; the paper's "
        "intent (a decorator is not a nesting) is on our side."
    ),
    WRAPPER_THEIRS: (
        "complexipy exempts any function made of exactly a `def` and a `return` of anything: `return "
        "wraps(f)(wrapper)`, a bare `return`, or a helper followed by `return \", \".join(map(helper, xs))`, "
        "which is no decorator at all; it then scores nothing in that `return`. We, like sonar-python, require "
        "`return name`. The paper's letter (\"a nested function and a return statement\") is loose enough for "
        "complexipy's rule, but its intent is decorators, and it would still score what the `return` holds."
    ),
    RECURSION: (
        "The paper adds 1 for each function in a recursion cycle. We add 1 for a direct call to itself, "
        "including `self.name()` in a method and a nested function calling itself; complexipy only sees "
        "`name()` in a reported function, so it misses `self.name()` and counts a method `f` calling a "
        "module-level `f`. We follow the paper (sonar-python does not count recursion at all)."
    ),
    DEF_IN_BLOCK: (
        "A nested `def` inside an `if`, loop, `with` or `try`: we nest its body one level below that block; "
        "complexipy adds no level for it. The paper (Appendix B2) says nested functions increase the nesting "
        "level; we and sonar-python follow it."
    ),
    CLASS_IN_FUNCTION: (
        "We, like sonar-python, read the methods of a class defined inside a function from nesting level 0 "
        "and score its class-level statements; complexipy keeps the enclosing level (so a class in an `if` "
        "costs one more per increment) and skips class-level statements. The paper does not cover classes."
    ),
    TERNARY_CONDITION: (
        "A conditional expression or lambda inside a ternary's condition: we, like sonar-python, nest all "
        "three parts of a ternary; complexipy nests only its two branches. The paper nests whatever is inside a "
        "ternary (Appendix B3), so we follow it."
    ),
    SAME_OPERATOR: (
        "`a or (b or c)`: Python's `ast` keeps two sequences (the parentheses made them two), and we, like "
        "sonar-python (whose flattening stops at parentheses), count 2; complexipy counts 1. The paper counts "
        "sequences of like operators, so it would count 1: complexipy follows the paper here."
    ),
    SKIPPED_PREFIX: (
        "complexipy reads boolean operators, ternaries and lambdas only in some places (conditions, assigned, "
        "returned and raised values, positional arguments...). The paper counts every sequence of logical "
        "operators and every ternary wherever it appears, as we and sonar-python do."
    ),
    ROUND_TRIP: "The function could not be rewritten faithfully, so its disagreement was not traced.",
    UNEXPLAINED: "Left over after every rewrite: none of the causes above explains it.",
}


# ---------------------------------------------------------------------------------------------- corpus


def django_root(corpus_dir: Path) -> Path:
    """Django's source tree under ``corpus_dir``, downloaded and extracted when missing."""
    name, version = DJANGO
    if not find_sdist(corpus_dir):
        corpus_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
        subprocess.run([*command, "-d", str(corpus_dir), f"{name}=={version}"], check=True, stdout=sys.stderr)
    sdist = find_sdist(corpus_dir)
    root = corpus_dir / f"{name}-{version}"
    if not root.is_dir():
        with tarfile.open(sdist) as archive:
            options = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            archive.extractall(corpus_dir, **options)
    return root


def find_sdist(corpus_dir: Path) -> Path | None:
    """The downloaded sdist, whatever case the registry gave its file name."""
    wanted = "{}-{}.tar.gz".format(*DJANGO)
    return next((path for path in corpus_dir.glob("*.tar.gz") if path.name.lower() == wanted), None)


def read_source(path: Path) -> tuple[str, ast.Module]:
    with tokenize.open(path) as handle:
        text = handle.read()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like
        return text, ast.parse(text, filename=str(path))


# ---------------------------------------------------------------------------------------------- records


@dataclass
class Pair:
    """One function as we and the other tool score it; ``causes`` maps a cause to the points it adds to
    our score minus theirs."""

    where: str
    name: str
    ours: int
    theirs: int
    causes: dict[str, int] = field(default_factory=dict)


@dataclass
class Findings:
    """The compared functions, and those only one side reports, of one file or of all."""

    cyclomatic: list[Pair] = field(default_factory=list)
    only_ours_cyclomatic: list[str] = field(default_factory=list)
    only_radon: list[str] = field(default_factory=list)
    cognitive: list[Pair] = field(default_factory=list)
    only_ours_cognitive: list[str] = field(default_factory=list)
    only_complexipy: list[str] = field(default_factory=list)
    # Functions where sonar-python counts more boolean-operator sequences than we do: where -> extra points.
    or_and_or: list[tuple[str, int]] = field(default_factory=list)

    def extend(self, other: Findings) -> None:
        for item in fields(Findings):
            getattr(self, item.name).extend(getattr(other, item.name))


@dataclass
class FileResult(Findings):
    path: str = ""
    skipped: str = ""


def analyse_file(path: Path, root: Path) -> FileResult:
    result = FileResult(path=path.relative_to(root).as_posix())
    try:
        text, tree = read_source(path)
    except (SyntaxError, UnicodeDecodeError, ValueError) as error:
        result.skipped = f"Python cannot parse it ({type(error).__name__})"
        return result
    facts = measure(text, tree)
    if facts.failure:
        result.skipped = f"we cannot analyse it: {facts.failure.reason}"
        return result
    lines = io.StringIO(text, newline="").readlines()  # split as the scorer's lines are, not at form feeds
    definitions = {node.lineno: node for node in ast.walk(tree) if isinstance(node, FUNCTIONS)}
    compare_cyclomatic(result, facts.functions, text)
    compare_cognitive(result, facts.functions, text, definitions, lines)
    for unit in (unit for unit in facts.functions if unit.cognitive is not None):
        extra = sonar_extra_sequences(definitions[unit.position.line], lines)
        if extra:
            result.or_and_or.append((f"{result.path}:{unit.position.line} {unit.name}", extra))
    return result


# ---------------------------------------------------------------------------------------------- cyclomatic


def radon_functions(text: str) -> dict[int, tuple[str, int]]:
    """radon's own blocks, closures and methods of inner classes included: def line -> (name, complexity)."""
    found = {}
    pending = list(cc_visit(text))
    while pending:
        block = pending.pop()
        if isinstance(block, Class):
            pending.extend([*block.methods, *block.inner_classes])
        else:
            found[block.lineno] = (block.fullname, block.complexity)
            pending.extend(block.closures)
    return found


def compare_cyclomatic(result: FileResult, units: Sequence, text: str) -> None:
    theirs = radon_functions(text)
    ours = {unit.position.line: unit for unit in units}
    for line, unit in ours.items():
        where = f"{result.path}:{line} {unit.name}"
        if line in theirs:
            result.cyclomatic.append(Pair(where, unit.name, unit.cyclomatic, theirs[line][1]))
        else:
            result.only_ours_cyclomatic.append(where)
    result.only_radon.extend(f"{result.path}:{line} {name}" for line, (name, _) in theirs.items() if line not in ours)


# ---------------------------------------------------------------------------------------------- cognitive


def first_line(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Where complexipy says a function starts: its first decorator, else its ``def``."""
    return min([function.lineno, *(decorator.lineno for decorator in function.decorator_list)])


def compare_cognitive(result: FileResult, units: Sequence, text: str, definitions: dict, lines: list[str]) -> None:
    """Match our outermost functions with complexipy's by first line and qualified name, then trace each gap."""
    try:
        reported = complexipy.code_complexity(text, no_ignore=True, with_plans=False).functions
    except ValueError:  # complexipy cannot parse the file: none of our functions is matched
        reported = []
    theirs = {(function.line_start, function.name.replace("::", ".")): function.complexity for function in reported}
    for unit in (unit for unit in units if unit.cognitive is not None):
        node = definitions[unit.position.line]
        key = (first_line(node), unit.name)
        where = f"{result.path}:{unit.position.line} {unit.name}"
        if key not in theirs:
            result.only_ours_cognitive.append(where)
            continue
        pair = Pair(where, unit.name, unit.cognitive, theirs.pop(key))
        if pair.ours != pair.theirs:
            pair.causes = Tracer(node, lines, "." in unit.name).trace(pair.ours, pair.theirs)
        result.cognitive.append(pair)
    result.only_complexipy.extend(f"{result.path}:{line} {name}" for line, name in theirs)


def complexipy_score(function: ast.FunctionDef | ast.AsyncFunctionDef, is_method: bool) -> int:
    """complexipy's score of ``function`` alone, written back to source (inside a class when a method)."""
    if is_method:
        owner = ast.parse("class Owner:\n    pass\n").body[0]
        owner.body = [function]
        module = ast.Module(body=[owner], type_ignores=[])
    else:
        module = ast.Module(body=[function], type_ignores=[])
    reported = complexipy.code_complexity(ast.unparse(module), no_ignore=True, with_plans=False).functions
    return min(reported, key=lambda entry: entry.line_start).complexity


class Tracer:
    """Rewrites a copy of one function, construct by construct, charging each rewrite with the part of the
    gap between our score and complexipy's that it closes."""

    def __init__(self, function: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str], is_method: bool):
        self.function = copy.deepcopy(function)
        self.lines = lines
        self.is_method = is_method
        self.causes: Counter[str] = Counter()
        keep_else_if(self.function, lines)

    def scores(self) -> tuple[int, int]:
        ours = cognitive_complexity(self.function, self.lines, self.is_method).total
        return ours, complexipy_score(self.function, self.is_method)

    def gap(self) -> int:
        ours, theirs = self.scores()
        return ours - theirs

    def trace(self, ours: int, theirs: int) -> dict[str, int]:
        try:
            if self.scores() == (ours, theirs):
                return self.trace_gap(ours - theirs)
        except ValueError:  # complexipy could not parse the rewritten source
            pass
        return {ROUND_TRIP: ours - theirs}

    def trace_gap(self, gap: int) -> dict[str, int]:
        for cause, rewrite in REWRITES:
            rewrite(self.function)
            gap = self.charge(cause, gap)
        gap = self.trace_expressions(gap)
        if gap:
            self.causes[UNEXPLAINED] += gap
        return dict(self.causes)

    def charge(self, cause: str, gap: int) -> int:
        """Charge ``cause`` with how much the last rewrite closed the gap; the gap now."""
        now = self.gap()
        if now != gap:
            self.causes[cause] += gap - now
        return now

    def trace_expressions(self, gap: int) -> int:
        """Replace each boolean operator, ternary and lambda (innermost first) by a name; keep the change
        only when the two scores move apart, and charge it to where the expression sits."""
        parents = parent_links(self.function)
        candidates = [node for node in ast.walk(self.function) if isinstance(node, (ast.BoolOp, ast.IfExp, ast.Lambda))]
        for node in reversed(candidates):
            parent, name, index = parents[id(node)]
            put(parent, name, index, placeholder(node))
            now = self.gap()
            if now == gap:
                put(parent, name, index, node)
                continue
            self.causes[expression_context(node, parents)] += gap - now
            gap = now
        return gap


# ---------------------------------------------------------------------------------------------- rewrites


def placeholder(node: ast.AST) -> ast.Name:
    return ast.copy_location(ast.Name(PLACEHOLDER, ast.Load()), node)


def statement_blocks(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """(node, field) of every statement list in ``tree``: bodies, ``else`` and ``finally`` blocks."""
    for node in list(ast.walk(tree)):
        for name in BLOCK_FIELDS:
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield node, name


def keep_else_if(function: ast.AST, lines: list[str]) -> None:
    """``ast.unparse`` turns ``else: if`` into ``elif``; a ``pass`` after the ``if`` keeps it an ``else``."""
    for node in ast.walk(function):
        if isinstance(node, ast.If) and len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
            branch = node.orelse[0]
            if lines[branch.lineno - 1][branch.col_offset:branch.col_offset + 4] != "elif":
                node.orelse.append(ast.Pass())


def replace_comprehensions(function: ast.AST) -> None:
    """A comprehension becomes a call taking its element, iterables and conditions: both tools score that alike."""

    class Flatten(ast.NodeTransformer):
        def flatten(self, node):
            self.generic_visit(node)
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for generator in node.generators:
                parts.extend([generator.iter, *generator.ifs])
            return ast.copy_location(ast.Call(ast.Name("comprehension_", ast.Load()), parts, []), node)

        visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = flatten

    Flatten().visit(function)


def hoist_else(function: ast.AST) -> None:
    """The ``else`` of a loop or ``try`` becomes plain statements after it."""
    for node, name in statement_blocks(function):
        setattr(node, name, without_else(getattr(node, name)))


def without_else(block: list[ast.stmt]) -> list[ast.stmt]:
    result = []
    for statement in block:
        result.append(statement)
        if isinstance(statement, LOOPS_AND_TRIES) and statement.orelse:
            result.extend(without_else(statement.orelse))
            statement.orelse = []
    return result


def complexipy_wrapper(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """complexipy's decorator test: exactly a ``def`` and then a ``return``."""
    body = function.body
    return len(body) == 2 and isinstance(body[0], FUNCTIONS) and isinstance(body[1], ast.Return)


def break_wrappers(function: ast.AST, ours: bool) -> None:
    """An assignment at the start of each function that only one tool (``ours`` or not) calls a decorator."""
    for node in [node for node in ast.walk(function) if isinstance(node, FUNCTIONS)]:
        if (is_wrapper(node) is not None) == ours and complexipy_wrapper(node) != ours:
            filler = ast.Assign([ast.Name("_", ast.Store())], ast.Constant(0), lineno=node.lineno)
            node.body.insert(1 if ast.get_docstring(node, clean=False) is not None else 0, filler)


def rename_self_calls(function: ast.AST) -> None:
    """A function's calls to its own name (``f()``, ``self.f()``, ``cls.f()``) call another name."""
    for node in [node for node in ast.walk(function) if isinstance(node, FUNCTIONS)]:
        for call in own_nodes(node):
            callee = getattr(call, "func", None)
            if isinstance(callee, ast.Name) and callee.id == node.name:
                callee.id += "_"
            elif isinstance(callee, ast.Attribute) and callee.attr == node.name:
                callee.attr += "_"


def own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of a function's body, without the insides of nested functions and classes."""
    pending = list(function.body)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            pending.extend(ast.iter_child_nodes(node))


def hoist_nested_defs(function: ast.AST) -> None:
    """A ``def`` inside a block of a function moves to the end of that function's own body."""
    for node in [node for node in ast.walk(function) if isinstance(node, FUNCTIONS)]:
        for owner, name, definition in defs_in_blocks(node):
            block = getattr(owner, name)
            block.remove(definition)
            if not block:
                block.append(ast.copy_location(ast.Pass(), definition))
            node.body.append(definition)


def defs_in_blocks(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[ast.AST, str, ast.stmt]]:
    found = []
    pending = [block for statement in function.body for block in child_blocks(statement)]
    while pending:
        owner, name = pending.pop()
        for statement in getattr(owner, name):
            if isinstance(statement, FUNCTIONS):
                found.append((owner, name, statement))
            pending.extend(child_blocks(statement))
    return found


def child_blocks(statement: ast.stmt) -> list[tuple[ast.AST, str]]:
    """(node, field) of the statement lists a compound statement opens; none for a ``def`` or a class."""
    if isinstance(statement, (*FUNCTIONS, ast.ClassDef)):
        return []
    owners = [statement, *getattr(statement, "handlers", ()), *getattr(statement, "cases", ())]
    return [(owner, name) for owner in owners for name in BLOCK_FIELDS if getattr(owner, name, None)]


def remove_classes(function: ast.AST) -> None:
    """Classes defined inside the function are deleted, with everything in them."""
    for node, name in statement_blocks(function):
        block = getattr(node, name)
        kept = [statement for statement in block if not isinstance(statement, ast.ClassDef)]
        if len(kept) < len(block):
            setattr(node, name, kept or [ast.copy_location(ast.Pass(), block[-1])])


def blank_nested_conditions(function: ast.AST) -> None:
    """A ternary's condition that holds a ternary or a lambda becomes a plain name."""
    for node in list(ast.walk(function)):
        if isinstance(node, ast.IfExp) and any(isinstance(inner, NESTING) for inner in ast.walk(node.test)):
            node.test = placeholder(node.test)


REWRITES: tuple[tuple[str, Callable[[ast.AST], None]], ...] = (
    (COMPREHENSION, replace_comprehensions),
    (LOOP_ELSE, hoist_else),
    (WRAPPER_OURS, lambda function: break_wrappers(function, ours=True)),
    (WRAPPER_THEIRS, lambda function: break_wrappers(function, ours=False)),
    (RECURSION, rename_self_calls),
    (DEF_IN_BLOCK, hoist_nested_defs),
    (CLASS_IN_FUNCTION, remove_classes),
    (TERNARY_CONDITION, blank_nested_conditions),
)


def parent_links(tree: ast.AST) -> dict[int, tuple[ast.AST, str, int | None]]:
    """id(child) -> (parent, field, index in that field's list or None)."""
    links = {}
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            links.update(child_links(parent, name, value))
    return links


def child_links(parent: ast.AST, name: str, value: object) -> dict[int, tuple[ast.AST, str, int | None]]:
    if isinstance(value, list):
        return {id(child): (parent, name, index) for index, child in enumerate(value) if isinstance(child, ast.AST)}
    return {id(value): (parent, name, None)} if isinstance(value, ast.AST) else {}


def put(parent: ast.AST, name: str, index: int | None, node: ast.AST) -> None:
    if index is None:
        setattr(parent, name, node)
    else:
        getattr(parent, name)[index] = node


def expression_context(node: ast.AST, parents: dict) -> str:
    """The nearest enclosing place where complexipy does not read expressions."""
    parent, name, _ = parents[id(node)]
    if isinstance(node, ast.BoolOp) and isinstance(parent, ast.BoolOp) and type(parent.op) is type(node.op):
        return SAME_OPERATOR
    child = node
    while id(child) in parents:
        parent, name, _ = parents[id(child)]
        label = SKIPPED_CONTEXTS.get((type(parent).__name__, name))
        if label:
            return SKIPPED_PREFIX + label
        child = parent
    parent, name, _ = parents[id(node)]
    return f"{UNEXPLAINED} ({type(node).__name__} in {type(parent).__name__}.{name})"


# ---------------------------------------------------------------------------------------------- sonar-python


def sonar_extra_sequences(function: ast.AST, lines: list[str]) -> int:
    """How many more boolean-operator sequences sonar-python counts than we do in ``function``.

    sonar-python flattens ``a or b and c or d`` into ``or, and, or``: three sequences, as the paper reads it.
    Our scorer counts one per ``ast.BoolOp``, two here: it misses the ``or`` run that resumes after an
    unparenthesised ``and`` in the middle of an ``or`` chain.
    """
    extra = 0
    for node in ast.walk(function):
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            inner = node.values[1:-1]
            extra += sum(1 for value in inner if is_bare_and(value, lines))
    return extra


def is_bare_and(node: ast.AST, lines: list[str]) -> bool:
    """An ``and`` sequence not wrapped in its own parentheses."""
    if not (isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And)):
        return False
    before = lines[node.lineno - 1].encode()[: node.col_offset].decode(errors="replace").rstrip()
    line = node.lineno - 1
    while not before and line > 0:
        line -= 1
        before = lines[line].split("#")[0].rstrip()
    return not before.endswith("(")


# ---------------------------------------------------------------------------------------------- summary


@dataclass
class Summary(Findings):
    """Everything the report shows, gathered from all files."""

    jobs: int = 1
    seconds: float = 0.0
    files: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        self.files += 1
        if result.skipped:
            self.skipped.append((result.path, result.skipped))
        self.extend(result)


def collect(root: Path, jobs: int) -> Summary:
    summary = Summary(jobs=jobs)
    paths = sorted(root.rglob("*.py"))
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for result in pool.map(analyse_file, paths, [root] * len(paths), chunksize=8):
            summary.add(result)
    summary.seconds = time.perf_counter() - start
    return summary


def percent(count: int, total: int) -> str:
    return f"{100 * count / total:.2f}%" if total else "n/a"


@dataclass
class CauseStats:
    functions: int = 0
    raises_ours: int = 0
    raises_theirs: int = 0
    points: int = 0
    # Functions where this is the only cause: those that raise our score first, then those that raise theirs.
    raising_ours: list[Pair] = field(default_factory=list)
    raising_theirs: list[Pair] = field(default_factory=list)

    def examples(self) -> list[Pair]:
        mixed = [*self.raising_ours[:1], *self.raising_theirs[:1]]
        rest = [pair for pair in [*self.raising_ours, *self.raising_theirs] if pair not in mixed]
        return [*mixed, *rest][:EXAMPLES]


def cause_stats(pairs: Iterable[Pair]) -> dict[str, CauseStats]:
    stats: dict[str, CauseStats] = defaultdict(CauseStats)
    for pair in pairs:
        for cause, points in pair.causes.items():
            entry = stats[cause]
            entry.functions += 1
            entry.raises_ours += points > 0
            entry.raises_theirs += points < 0
            entry.points += points
            examples = entry.raising_ours if points > 0 else entry.raising_theirs
            if len(examples) < EXAMPLES and len(pair.causes) == 1:
                examples.append(pair)
    return dict(sorted(stats.items(), key=lambda item: (-item[1].functions, item[0])))


# ---------------------------------------------------------------------------------------------- report


def versions() -> list[str]:
    rows = ["| software | version |", "|---|---|", f"| Django (the corpus) | {DJANGO[1]} |"]
    rows += [f"| {package} | {metadata.version(package)} |" for package in PACKAGES]
    return [*rows, f"| Python | {platform.python_version()} |"]


def corpus_section(summary: Summary) -> list[str]:
    reasons = Counter(reason for _, reason in summary.skipped)
    lines = [
        "## Corpus",
        "",
        f"Every `.py` file of Django {DJANGO[1]}'s sdist, tests included: {summary.files:,} files, "
        f"{len(summary.skipped)} of them skipped.",
        "",
    ]
    lines += [f"- {count} skipped: {reason}" for reason, count in reasons.most_common()]
    return [*lines, "", *versions(), ""]


def cyclomatic_section(summary: Summary) -> list[str]:
    pairs = summary.cyclomatic
    mismatches = [pair for pair in pairs if pair.ours != pair.theirs]
    lines = [
        "## Cyclomatic complexity (RVW203) against radon",
        "",
        "Our value for each function comes from radon's `ComplexityVisitor` run on that function's node. It is "
        "compared with radon's own `radon.complexity.cc_visit` on the whole file: its functions, the methods "
        "of its classes and inner classes, and every function's `.closures`, recursively, matched by `def` line.",
        "",
        "| functions | count |",
        "|---|---|",
        f"| matched by `def` line | {len(pairs):,} |",
        f"| same value | {len(pairs) - len(mismatches):,} ({percent(len(pairs) - len(mismatches), len(pairs))}) |",
        f"| different value | {len(mismatches)} |",
        f"| only ours (radon drops them) | {len(summary.only_ours_cyclomatic)} |",
        f"| only radon's | {len(summary.only_radon)} |",
        "",
    ]
    lines += [f"- mismatch: `{pair.where}`: ours {pair.ours}, radon {pair.theirs}" for pair in mismatches]
    if summary.only_ours_cyclomatic:
        lines += [
            "Functions only we report are methods of classes defined inside a function: radon's visitor keeps a "
            "function's closures but drops the classes in it. Examples: "
            + ", ".join(f"`{where}`" for where in summary.only_ours_cyclomatic[:3]) + ".",
            "",
        ]
    return lines


def matching_section(summary: Summary) -> list[str]:
    return [
        "### How functions are matched",
        "",
        "We score every function not nested in another function (module-level functions, methods of classes at "
        "any depth of class nesting, functions inside module-level `if`/`try`/`with` blocks); nested ones are "
        "folded into their outer function. complexipy reports the same set and folds the same way. A function is "
        "matched by its first line (complexipy's `line_start` is the first decorator's line, so ours is taken "
        "from the `ast` node's decorators) and its qualified name (complexipy writes `Class::method`, we write "
        "`Class.method`). complexipy runs on the file's text with `no_ignore=True`, so `# noqa: complexipy` "
        f"comments do not hide functions. Unmatched: {len(summary.only_ours_cognitive)} of ours, "
        f"{len(summary.only_complexipy)} of complexipy's.",
        "",
    ]


def agreement_section(pairs: list[Pair]) -> list[str]:
    total = len(pairs)
    same = sum(pair.ours == pair.theirs for pair in pairs)
    above = Counter((pair.ours > LIMIT, pair.theirs > LIMIT) for pair in pairs)
    mad = statistics.fmean(abs(pair.ours - pair.theirs) for pair in pairs) if pairs else 0.0
    return [
        "### Agreement",
        "",
        "| | value |",
        "|---|---|",
        f"| matched functions | {total:,} |",
        f"| same score | {same:,} ({percent(same, total)}) |",
        f"| mean absolute difference | {mad:.3f} |",
        f"| mean score, ours / complexipy's | {mean(pair.ours for pair in pairs):.3f} / "
        f"{mean(pair.theirs for pair in pairs):.3f} |",
        f"| ours higher / complexipy's higher | {sum(p.ours > p.theirs for p in pairs):,} / "
        f"{sum(p.ours < p.theirs for p in pairs):,} |",
        f"| same answer to \"above {LIMIT}?\" | {above[True, True] + above[False, False]:,} "
        f"({percent(above[True, True] + above[False, False], total)}) |",
        f"| above {LIMIT}: both / only ours / only complexipy's | {above[True, True]} / {above[True, False]} / "
        f"{above[False, True]} |",
        "",
    ]


def mean(values: Iterable[int]) -> float:
    values = list(values)
    return statistics.fmean(values) if values else 0.0


def causes_section(pairs: list[Pair]) -> list[str]:
    stats = cause_stats(pairs)
    disagreeing = sum(pair.ours != pair.theirs for pair in pairs)
    lines = [
        "### Why they disagree",
        "",
        f"Each of the {disagreeing:,} disagreeing functions is traced automatically. A copy of its `ast` is "
        "rewritten one construct at a time into a form both tools score alike (a comprehension becomes a call "
        "of its parts, a loop's `else` block becomes plain statements after the loop, a `def` inside a block "
        "moves to the function's body, ...); after each rewrite both tools score the copy again (complexipy "
        "on `ast.unparse` of it) and the rewrite is charged with the part of the gap it closed. Last, each "
        "boolean operator, ternary and lambda, innermost first, is replaced by a name: when that moves the two "
        "scores apart, the difference is charged to the nearest enclosing place that complexipy does not read. "
        "A function can have several causes, so the function counts add up to more than the total.",
        "",
        "| cause | functions | raises ours | raises complexipy's | net points, ours − complexipy's |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {cause} | {entry.functions:,} | {entry.raises_ours:,} | {entry.raises_theirs:,} | {entry.points:+,} |"
        for cause, entry in stats.items()
    ]
    untraced = sum(entry.functions for cause, entry in stats.items() if cause.startswith((UNEXPLAINED, ROUND_TRIP)))
    lines += ["", f"Functions with some of their gap unexplained or not traced: {untraced}."]
    absent = [cause for cause in traced_causes() if cause not in stats]
    if absent:
        lines += ["", "Traced, but absent from this corpus: " + "; ".join(absent) + "."]
    return [*lines, "", *cause_details(stats)]


def traced_causes() -> list[str]:
    skipped = [SKIPPED_PREFIX + label for label in dict.fromkeys(SKIPPED_CONTEXTS.values())]
    return [*(cause for cause, _ in REWRITES), SAME_OPERATOR, *skipped]


def cause_details(stats: dict[str, CauseStats]) -> list[str]:
    lines = ["#### Each cause, and which side follows the paper", ""]
    for cause, explanation in EXPLANATIONS.items():
        found = {name: entry for name, entry in stats.items() if name.startswith(cause)}
        if not found:
            continue
        lines.append(f"- **{cause.rstrip(': ')}**: {explanation}")
        if list(found) == [cause]:
            lines.append(f"  Examples: {example(found[cause].examples())}")
        else:
            lines += [f"  - {name[len(cause):]}: {example(entry.examples()[:1])}" for name, entry in found.items()]
    return [*lines, ""]


def example(pairs: list[Pair]) -> str:
    """Where the functions are and how each tool scores them; these differ for this cause alone."""
    shown = [f"`{pair.where}` (ours {pair.ours}, complexipy {pair.theirs})" for pair in pairs]
    return "; ".join(shown) + "." if shown else "none with this cause alone."


def sonar_section(summary: Summary) -> list[str]:
    hits = summary.or_and_or
    shown = ", ".join(f"`{where}`" for where, _ in hits[:3])
    found = (
        f"In this corpus: {len(hits)} functions, {sum(extra for _, extra in hits)} points in all (e.g. {shown})."
        if hits else "It does not occur in this corpus: every `and` in the middle of an `or` there is in parentheses."
    )
    return [
        "## `a or b and c or d`: three sequences",
        "",
        "For `a or b and c or d` the paper reads three sequences of like operators (`or`, `and`, `or`), and "
        "sonar-python, which flattens unparenthesised `and`/`or` chains, counts 3; so do we (the `or` run "
        "resumes after the unparenthesised `and`). complexipy counts one per `ast.BoolOp`, so 2. It happens "
        f"wherever an unparenthesised `and` sits between two operands of an `or`. {found}",
        "",
    ]


def reproduce_section(summary: Summary) -> list[str]:
    return [
        "## How to reproduce",
        "",
        "```sh",
        f"python -m pip install -e . complexipy=={metadata.version('complexipy')}",
        "python docs/scripts/compare_complexity.py --corpus-dir .corpora",
        "```",
        "",
        f"The script downloads `django=={DJANGO[1]}` with `pip download --no-deps --no-binary :all:` into the "
        f"corpus directory when it is missing and extracts it there. The last run took {summary.seconds:.0f} s "
        f"with {summary.jobs} worker processes (`--jobs`).",
        "",
    ]


def render(summary: Summary) -> str:
    pairs = summary.cognitive
    lines = [
        "# Complexity numbers compared with radon and complexipy",
        "",
        "Written by `docs/scripts/compare_complexity.py`; do not edit by hand. It checks RVW203's cyclomatic "
        "complexity against radon, and RVW202's cognitive complexity against complexipy, an independent "
        "implementation of G. Ann Campbell's white paper, on all of Django.",
        "",
        *corpus_section(summary),
        *cyclomatic_section(summary),
        "## Cognitive complexity (RVW202) against complexipy",
        "",
        *matching_section(summary),
        *agreement_section(pairs),
        *causes_section(pairs),
        *sonar_section(summary),
        *reproduce_section(summary),
    ]
    return "\n".join(lines)


def print_summary(summary: Summary, output: Path) -> None:
    cyclomatic = summary.cyclomatic
    cognitive = summary.cognitive
    same_cyclomatic = sum(pair.ours == pair.theirs for pair in cyclomatic)
    same_cognitive = sum(pair.ours == pair.theirs for pair in cognitive)
    print(f"{summary.files} files ({len(summary.skipped)} skipped) in {summary.seconds:.1f} s")
    print(f"cyclomatic: {same_cyclomatic}/{len(cyclomatic)} as radon ({percent(same_cyclomatic, len(cyclomatic))})")
    print(f"cognitive: {same_cognitive}/{len(cognitive)} as complexipy ({percent(same_cognitive, len(cognitive))})")
    for cause, entry in cause_stats(cognitive).items():
        print(f"  {entry.functions:6} functions, {entry.points:+6} points: {cause}")
    print(f"wrote {output}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-dir", type=Path, default=REPO / ".corpora")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "complexity-comparison.md")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    arguments = parser.parse_args(argv)
    summary = collect(django_root(arguments.corpus_dir), arguments.jobs)
    arguments.output.write_text(render(summary), encoding="utf-8")
    print_summary(summary, arguments.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
