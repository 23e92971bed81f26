"""The independent parts of a change: the stack of smaller changes an author could send instead.

Pure computation over the changed Python files, their kinds, sizes, modules and imports (read by the
caller). A changed file that imports another changed file's module depends on it; files that import each
other, directly or in a cycle, are one part (the strongly connected components of the import graph). The
parts come in topological order, so each depends only on the parts before it. A test goes with the code
it imports (the latest part in the order, which needs the others before it); a test that imports no
changed code is a part of its own. Files the graph cannot see (docs, configuration) stay outside.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from flake8_reviewable.composition import Kind


@dataclass(frozen=True)
class PartFile:
    """A changed Python file: its path, kind, counted lines, module name and the modules it may import."""

    path: str
    kind: Kind
    lines: int
    module: str
    imports: frozenset[tuple[str, ...]] = frozenset()


@dataclass(frozen=True)
class Part:
    """One part of the stack: its files in path order, and the parts (by index) it needs first."""

    files: tuple[PartFile, ...]
    needs: tuple[int, ...] = ()

    def lines_of(self, kind: Kind) -> int:
        return sum(item.lines for item in self.files if item.kind is kind)


def imported_modules(tree: ast.Module, package: str) -> frozenset[tuple[str, ...]]:
    """Every import of a file, as the modules it may name, most specific first: ``import a.b`` names
    ``a.b``; ``from a import b`` names ``a.b`` (a submodule) or else ``a``; relative imports are resolved
    against ``package``. Imports under ``if TYPE_CHECKING:`` are left out: they order nothing at run time."""
    found: set[tuple[str, ...]] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update((alias.name,) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node.level, node.module or "", package)
            found.update(tuple(filter(None, [f"{module}.{alias.name}" if module else alias.name, module]))
                         for alias in node.names)
    return frozenset(found)


def _runtime_nodes(tree: ast.Module):
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            stack.extend(node.orelse)
        else:
            stack.extend(ast.iter_child_nodes(node))


def _absolute(level: int, module: str, package: str) -> str:
    if not level:
        return module
    parts = package.split(".") if package else []
    base = parts[:len(parts) - level + 1] if level <= len(parts) else []
    return ".".join([*base, *filter(None, [module])])


def dependencies(files: Sequence[PartFile]) -> dict[str, set[str]]:
    """For each changed file, the other changed files whose module it imports."""
    by_module = {item.module: item.path for item in files if item.module}
    found = {}
    for item in files:
        named = (next((by_module[name] for name in names if name in by_module), None) for names in item.imports)
        found[item.path] = {path for path in named if path is not None and path != item.path}
    return found


def split(files: Iterable[PartFile]) -> list[Part]:
    """The parts of the change, in an order where each depends only on the parts before it."""
    files = sorted(files, key=lambda item: item.path)
    edges = dependencies(files)
    groups = _ordered(_components(edges), edges)
    part_of = {path: index for index, group in enumerate(groups) for path in group}
    kinds = {item.path: item.kind for item in files}
    target = list(range(len(groups)))
    for index, group in enumerate(groups):
        if all(kinds[path] is Kind.TESTS for path in group):
            needed = {target[part_of[other]] for path in group for other in edges[path]} - {index}
            target[index] = max(needed, default=index)
    return _merged(groups, target, edges, {item.path: item for item in files})


def _merged(groups: list[list[str]], target: list[int], edges: Mapping[str, set[str]],
            by_path: Mapping[str, PartFile]) -> list[Part]:
    """The groups after each test group joined the part it goes with, numbered again in order."""
    kept = sorted(set(target))
    number = {old: new for new, old in enumerate(kept)}
    members: dict[int, list[str]] = {index: [] for index in kept}
    for index, group in enumerate(groups):
        members[target[index]].extend(group)
    group_of = {path: index for index, group in enumerate(groups) for path in group}
    parts = []
    for index in kept:
        paths = sorted(members[index])
        needs = {number[target[group_of[other]]] for path in paths for other in edges[path]}
        parts.append(Part(tuple(by_path[path] for path in paths), tuple(sorted(needs - {number[index]}))))
    return parts


def _components(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of the import graph (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for start in sorted(edges):
        if start not in index:
            _visit(start, edges, index, low, stack, found)
    return found


def _visit(start: str, edges, index: dict[str, int], low: dict[str, int], stack: list[str],
           found: list[list[str]]) -> None:
    work = [(start, iter(sorted(edges[start])))]
    index[start] = low[start] = len(index)
    stack.append(start)
    while work:
        node, children = work[-1]
        child = next((item for item in children if item not in index or item in stack), None)
        if child is None:
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                found.append(_pop_component(stack, node))
        elif child in index:
            low[node] = min(low[node], index[child])
        else:
            index[child] = low[child] = len(index)
            stack.append(child)
            work.append((child, iter(sorted(edges[child]))))


def _pop_component(stack: list[str], root: str) -> list[str]:
    at = stack.index(root)
    component = sorted(stack[at:])
    del stack[at:]
    return component


def _ordered(groups: list[list[str]], edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The components in topological order (Kahn's algorithm), ties taken by their first path."""
    group_of = {path: number for number, group in enumerate(groups) for path in group}
    needs = [{group_of[other] for path in group for other in edges[path]} - {number}
             for number, group in enumerate(groups)]
    done: list[int] = []
    while len(done) < len(groups):
        ready = [number for number in range(len(groups)) if number not in done and needs[number] <= set(done)]
        done.append(min(ready, key=lambda number: groups[number][0]))
    return [groups[number] for number in done]
