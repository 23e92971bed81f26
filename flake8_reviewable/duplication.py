"""Duplicated blocks: statement windows normalised so that renamed names and changed literals still match.

A window is a run of consecutive sibling statements holding at least ``min_size`` statements (nested
ones included). Its fingerprint hashes the shape of its statements (node types and operators; names and
literals replaced by placeholders) and the pattern in which names repeat across the whole window, so
``x = x + x`` and ``a = b + c`` differ while ``a = a + 1`` and ``b = b + 2`` match (consistent renaming).
Layout, comments and redundant parentheses never reach the ``ast``, so they never matter.
"""
from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from flake8_reviewable.scan import child_nodes, is_constant_literal

BUCKET_CAP = 64

_NAME_FIELDS = {ast.Name: "id", ast.arg: "arg", ast.Attribute: "attr", ast.keyword: "arg", ast.alias: "name"}
_SEPARATORS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_BODIES = ("body", "orelse", "finalbody")


@dataclass(frozen=True)
class Window:
    """A duplicated-block candidate: its fingerprint and lines, which run of sibling statements it starts
    in and at which statement, and the statement count of each of its siblings (nested ones included)."""

    fingerprint: str
    first: int
    last: int
    run: int
    start: int
    sizes: tuple[int, ...]
    # The column of the first statement, where a finding on the block sits.
    col: int = 0


@dataclass(frozen=True)
class _Statement:
    shape: str
    names: tuple[str, ...]
    size: int
    first: int
    last: int
    plain_binding: bool
    col: int = 0


# A statement's shape (its nodes' tokens in preorder), the names it uses in order, and its statement count.
_Shape = tuple[str, tuple[str, ...], int]


def windows(tree: ast.AST, min_size: int) -> tuple[Window, ...]:
    """Every window of at least ``min_size`` statements in the file, smallest per start."""
    found = []
    for number, run in enumerate(_runs(tree, {})):
        found.extend(_windows_of(run, number, min_size))
    return tuple(found)


def _runs(tree: ast.AST, shapes: dict[int, _Shape]) -> Iterator[list[_Statement]]:
    """Each maximal run of countable sibling statements, in every block of the file."""
    pending = [tree]
    while pending:
        node = pending.pop()
        for block in _blocks(node):
            run: list[_Statement] = []
            in_class = isinstance(node, ast.ClassDef)
            for statement in block:
                if _is_excluded(statement):
                    yield run
                    run = []
                else:
                    run.append(_describe(statement, in_class, shapes))
                if not _is_opaque(statement):
                    pending.append(statement)
            yield run


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    blocks = [getattr(node, name) for name in _BODIES if isinstance(getattr(node, name, None), list)]
    blocks.extend(handler.body for handler in getattr(node, "handlers", ()))
    blocks.extend(case.body for case in getattr(node, "cases", ()))
    return [block for block in blocks if block and isinstance(block[0], ast.stmt)]


def _is_excluded(statement: ast.stmt) -> bool:
    """Statements that never count and break a run: imports, definitions (their signatures), docstrings,
    ``__all__``, ``if TYPE_CHECKING:`` and ``try``/``except ImportError`` shims."""
    if isinstance(statement, _SEPARATORS) or _is_opaque(statement):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return isinstance(statement.value.value, str)
    targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
    return any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets)


def _is_opaque(statement: ast.stmt) -> bool:
    """Blocks whose insides are never compared: ``if TYPE_CHECKING:`` and import shims."""
    if isinstance(statement, ast.If):
        test = statement.test
        return getattr(test, "id", getattr(test, "attr", None)) == "TYPE_CHECKING"
    handlers = getattr(statement, "handlers", ())
    return any(_catches_import_error(handler.type) for handler in handlers)


def _catches_import_error(kind: ast.expr | None) -> bool:
    names = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any(getattr(name, "id", getattr(name, "attr", None)) in ("ImportError", "ModuleNotFoundError")
               for name in names)


def _describe(statement: ast.stmt, in_class: bool, shapes: dict[int, _Shape]) -> _Statement:
    shape, names, size = _shape(statement, shapes)
    binding = _is_plain_binding(statement, in_class)
    last = statement.end_lineno or statement.lineno
    return _Statement(shape, names, size, statement.lineno, last, binding, statement.col_offset)


def _shape(statement: ast.stmt, shapes: dict[int, _Shape]) -> _Shape:
    """The shape of a statement's subtree, reusing the shapes of the statements nested in it (kept in
    ``shapes`` by id): every statement is described in its own run and inside each enclosing one, and
    walking its nodes again at every level would make the work grow with the nesting depth."""
    known = shapes.get(id(statement))
    if known is not None:
        return known
    names: list[str] = []
    tokens: list[str] = []
    size = 1
    pending: list[ast.AST] = [statement]
    while pending:
        node = pending.pop()
        kind = _KINDS.get(type(node)) or _kind(type(node))
        if kind.statement and node is not statement:
            inner_shape, inner_names, inner_size = _shape(node, shapes)
            tokens.append(inner_shape)
            names.extend(inner_names)
            size += inner_size
            continue
        tokens.append(_token(node, kind, names))
        pending.extend(reversed(child_nodes(node)))
    shapes[id(statement)] = found = (" ".join(tokens), tuple(names), size)
    return found


@dataclass(frozen=True)
class _Kind:
    """What the walk needs of a node class, looked up once per class (the walk visits every node of the
    file, and per-node type tests were much of its time)."""

    token: str
    name_field: str | None
    statement: bool


_KINDS: dict[type, _Kind] = {}


def _kind(cls: type) -> _Kind:
    token = "" if issubclass(cls, ast.expr_context) else cls.__name__
    _KINDS[cls] = kind = _Kind(token, _NAME_FIELDS.get(cls), issubclass(cls, ast.stmt))
    return kind


def _token(node: ast.AST, kind: _Kind, names: list[str]) -> str:
    if kind.name_field is not None:
        name = getattr(node, kind.name_field, None)
        if name:
            names.append(name)
    if kind.token == "Constant":
        return f"Constant:{type(node.value).__name__}"
    return kind.token


def _is_plain_binding(statement: ast.stmt, in_class: bool) -> bool:
    """``NAME = constant`` (a data table), a name or attribute bound to a bare name (``self.x = x``), or
    any assignment directly in a class body (model fields, declarative settings): runs made only of these
    declare things; they hold no logic worth extracting."""
    if not isinstance(statement, (ast.Assign, ast.AnnAssign)):
        return False
    if in_class:  # `name: int`, `name = Field(...)`: a declaration, with or without a value
        return True
    value = statement.value
    return value is not None and (is_constant_literal(value) or isinstance(value, ast.Name))


def _windows_of(run: Sequence[_Statement], number: int, min_size: int) -> Iterator[Window]:
    for start in range(len(run)):
        total = 0
        for end in range(start, len(run)):
            total += run[end].size
            if total >= min_size:
                chosen = run[start:end + 1]
                if not all(item.plain_binding for item in chosen):
                    sizes = tuple(item.size for item in chosen)
                    yield Window(_fingerprint(chosen), chosen[0].first, chosen[-1].last, number, start, sizes,
                                 chosen[0].col)
                break


def _fingerprint(statements: Sequence[_Statement]) -> str:
    # Each name becomes the index of its first appearance in the window: consistent renaming matches.
    first_seen: dict[str, int] = {}
    pattern = [first_seen.setdefault(name, len(first_seen)) for item in statements for name in item.names]
    text = "\n".join(item.shape for item in statements) + "\n" + ",".join(map(str, pattern))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Copy:
    """Where a block sits: a path as flake8 prints it, and its first and last lines."""

    path: str
    line: int
    last: int
    run: int

    def repeats(self, path: str, window: Window) -> bool:
        """Whether this is the window's own run of siblings: a repetition (`a_1 = x`, `a_2 = x`, ...)
        within one block is not a copy of that block."""
        return self.path == path and self.run == window.run


class ProjectIndex:
    """Fingerprint -> the places holding it, over every file of the run (buckets capped, counts kept).

    A place is one run of sibling statements: a run holding a shape several times (a repetition) counts
    once, at its first window. A bucket keeps the BUCKET_CAP first places in (path, line) order, whatever
    the order files are added in, so the copy a finding names never depends on ``-j`` or the paths' order.
    """

    def __init__(self) -> None:
        self.places: dict[str, list[Copy]] = {}
        self.counts: dict[str, int] = {}

    def add(self, path: str, file_windows: Iterable[Window]) -> None:
        self.add_places((window.fingerprint, Copy(path, window.first, window.last, window.run))
                        for window in file_windows)

    def add_places(self, windows_found: Iterable[tuple[str, Copy]]) -> None:
        """Add windows given in line order within each run: the first of a run per fingerprint is its place."""
        seen = set()
        for fingerprint, copy in windows_found:
            if (fingerprint, copy.path, copy.run) not in seen:
                seen.add((fingerprint, copy.path, copy.run))
                self._place(fingerprint, copy)

    def _place(self, fingerprint: str, copy: Copy) -> None:
        """Count one more place holding ``fingerprint``, and keep it if it is among the first."""
        self.counts[fingerprint] = self.counts.get(fingerprint, 0) + 1
        bucket = self.places.setdefault(fingerprint, [])
        bucket.append(copy)
        if len(bucket) >= 2 * BUCKET_CAP:  # trimmed in batches: sorting at every insertion would cost more
            _trim(bucket)

    def freeze(self) -> None:
        """Trim and sort every bucket, and drop the fingerprints seen once."""
        for bucket in self.places.values():
            _trim(bucket)
        self.places = {key: bucket for key, bucket in self.places.items() if self.counts[key] > 1}

    def with_file(self, path: str, file_windows: Iterable[Window]) -> ProjectIndex:
        """A frozen copy of this (unfrozen) index with one more file: an editor buffer."""
        index = ProjectIndex()
        index.places = {key: list(bucket) for key, bucket in self.places.items()}
        index.counts = dict(self.counts)
        index.add(path, file_windows)
        index.freeze()
        return index


def _trim(bucket: list[Copy]) -> None:
    bucket.sort(key=lambda copy: (copy.path, copy.line))
    del bucket[BUCKET_CAP:]


@dataclass(frozen=True)
class Duplicate:
    """A maximal duplicated block of the current file and its other copies."""

    first: int
    last: int
    size: int
    others: tuple[Copy, ...]
    total_others: int
    col: int = 0


def find_duplicates(path: str, file_windows: Sequence[Window], index: ProjectIndex) -> list[Duplicate]:
    """The maximal duplicated blocks of ``path``, each with the other copies of its first window."""
    matched = []
    for window in sorted(file_windows, key=lambda item: (item.first, item.last)):
        bucket = index.places.get(window.fingerprint)
        if not bucket:
            continue
        others = tuple(copy for copy in bucket if not copy.repeats(path, window))
        if others:
            matched.append((window, others, index.counts[window.fingerprint] - 1))
    return _merge(matched)


def _merge(matched: list[tuple[Window, tuple[Copy, ...], int]]) -> list[Duplicate]:
    """Overlapping duplicated windows of one run become one block while the copy they name continues (so
    a block and the copy it names are the same size: each names the other); a block inside another
    disappears."""
    groups: list[list] = []  # [first window, its copies, their count, sizes by statement index, last line]
    for window, others, total in matched:
        sizes = {window.start + offset: size for offset, size in enumerate(window.sizes)}
        group = groups[-1] if groups else None
        if group and _continues(group, window, others):
            group[3].update(sizes)
            group[4] = max(group[4], window.last)
            continue
        groups.append([window, others, total, sizes, window.last])
    blocks = [Duplicate(window.first, last, sum(sizes.values()), others, total, window.col)
              for window, others, total, sizes, last in groups]
    return _outermost(blocks)


def _continues(group: list, window: Window, others: tuple[Copy, ...]) -> bool:
    """Whether ``window`` overlaps the group's block in the same run and matches the same copy's run."""
    first, named = group[0], group[1][0]
    return (first.run == window.run and window.start <= max(group[3])
            and (others[0].path, others[0].run) == (named.path, named.run))


def _outermost(blocks: list[Duplicate]) -> list[Duplicate]:
    """The blocks that no block with another span contains, in their order (sorted sweep: linear after the
    sort, where comparing every pair was quadratic in a file with thousands of blocks)."""
    inside = set()
    reach, previous_span = 0, None  # the furthest last line of the blocks sorted before this span
    for index in sorted(range(len(blocks)), key=lambda item: (blocks[item].first, -blocks[item].last)):
        span = (blocks[index].first, blocks[index].last)
        if previous_span is not None and span != previous_span:
            reach = max(reach, previous_span[1])
        previous_span = span
        if reach >= span[1]:
            inside.add(index)
    return [block for index, block in enumerate(blocks) if index not in inside]
