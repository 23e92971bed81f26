"""The blast radius's references resolved with ``ast`` instead of libcst: a prototype resolver, and how its answers
and cost compare with libcst's on real projects (evidence for issue #15's cost target; not package code).

    python benchmarks/ast_vs_libcst.py NAME=ROOT [NAME=ROOT ...] [--every N] [--out FILE.json]

For every ``.py`` file under ROOT, both resolvers give the (line, fully qualified name) of each reference: libcst
through the product's own ``resolution.resolve`` (all the names the file uses are of interest), the prototype
from the file's ``ast``. Both answers then go through the product's own matching (``blast.Matcher``: re-exports
and star imports of the whole project) to the definitions the project holds (``blast.shapes`` of every file), and
the sets of (line, definition) are compared per file. ``--every N`` resolves only every N-th file with libcst (in
sorted order); the ``ast`` resolver runs on every file. CPU times are ``time.process_time``.
"""
from __future__ import annotations

import ast
import builtins
import json
import os
import sys
import time
from dataclasses import dataclass, field

from flake8_reviewable.blast import FileReferences, Matcher, Target, shapes
from flake8_reviewable.references import MAX_SYNTAX_DEPTH, absolute_import, module_of, names_in, project_names
from flake8_reviewable.resolution import resolve

LOCAL = "<local>"  # a name bound in a function: libcst names it ``...<locals>...`` and the product drops it
_BUILTINS = frozenset(dir(builtins))
_SKIPPED = frozenset({".git", "__pycache__", ".tox", ".nox", ".eggs", ".venv", "build", "dist"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass
class Scope:
    """A Python scope: what each name is bound to in it (fully qualified names, or ``LOCAL``), each with where the
    statement that binds it ends (libcst counts an assignment in the access's own scope only when it came first)."""

    kind: str  # module, class, function, comprehension
    parent: Scope | None
    prefix: str  # the qualified name of what it binds (``pkg.mod.Class``), or LOCAL
    bindings: dict[str, list[tuple[str, tuple[int, int]]]] = field(default_factory=dict)
    declared: dict[str, str] = field(default_factory=dict)  # name -> "global" or "nonlocal"

    def own(self, name: str) -> str:
        return LOCAL if self.prefix == LOCAL else f"{self.prefix}.{name}"

    def bind(self, name: str, value: str | None = None, end: tuple[int, int] = (0, 0)) -> None:
        if name not in self.declared:
            self.bindings.setdefault(name, []).append((value or self.own(name), end))

    def values(self, name: str, before: tuple[int, int] | None = None) -> set[str]:
        return {value for value, end in self.bindings.get(name, ()) if before is None or end <= before}


def _end(node: ast.AST) -> tuple[int, int]:
    return node.end_lineno, node.end_col_offset


class _Binder(ast.NodeVisitor):
    """The names one scope's own code binds; nested scopes are left to their own binder."""

    def __init__(self, scope: Scope, package: str) -> None:
        self.scope = scope
        self.package = package
        self.end = (0, 0)  # where the statement binding the names now visited ends

    def bind_body(self, nodes: list[ast.AST]) -> None:
        for node in nodes:
            self.visit(node)

    def _statement(self, node: ast.AST) -> None:
        self.end = _end(node)
        self.generic_visit(node)

    visit_Assign = visit_AugAssign = visit_AnnAssign = visit_NamedExpr = _statement

    def visit_For(self, node: ast.AST) -> None:
        self.end = _end(node.target)
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_withitem(self, node: ast.withitem) -> None:
        self.end = _end(node.optional_vars or node.context_expr)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.scope.bind(node.id, None, self.end)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            first = alias.name.split(".")[0]
            self.scope.bind(alias.asname or first, alias.name if alias.asname else first, _end(node))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        origin = absolute_import(node.level, node.module or "", self.package)
        for alias in (alias for alias in node.names if alias.name != "*"):
            value = f"{origin}.{alias.name}" if origin else alias.name
            self.scope.bind(alias.asname or alias.name, value, _end(node))

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.declared.update(dict.fromkeys(node.names, "global"))

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.scope.declared.update(dict.fromkeys(node.names, "nonlocal"))

    def _nested(self, node: ast.AST) -> None:
        if not isinstance(node, ast.Lambda):
            self.scope.bind(node.name, None, _end(node))
        for part in _outer_parts(node):
            self.visit(part)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _nested

    def _comprehension(self, node: ast.AST) -> None:
        self.visit(node.generators[0].iter)
        for inner in ast.walk(node):  # ``(y := f(x))`` in a comprehension binds ``y`` in the scope that holds it
            if isinstance(inner, ast.NamedExpr) and isinstance(inner.target, ast.Name):
                self.scope.bind(inner.target.id, None, _end(inner))

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.scope.bind(node.name, None, _end(node.type) if node.type else (node.lineno, node.col_offset))
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.AST) -> None:
        if node.name:
            self.scope.bind(node.name, None, _end(node))
        self.generic_visit(node)

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.scope.bind(node.rest, None, _end(node))
        self.generic_visit(node)


_ARGUMENTS = ("posonlyargs", "args", "vararg", "kwonlyargs", "kwarg")


def _arguments(node: ast.AST) -> list[ast.arg]:
    found = []
    for name in _ARGUMENTS:
        value = getattr(node.args, name)
        found.extend(value if isinstance(value, list) else filter(None, [value]))
    return found


def _outer_parts(node: ast.AST) -> list[ast.AST]:
    """What a function, lambda or class evaluates in the scope that holds it."""
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *node.keywords]
    defaults = [*node.args.defaults, *filter(None, node.args.kw_defaults)]
    if isinstance(node, ast.Lambda):
        return defaults
    annotations = [arg.annotation for arg in _arguments(node) if arg.annotation]
    return [*node.decorator_list, *defaults, *annotations, *filter(None, [node.returns])]


def _chain(node: ast.Attribute) -> tuple[ast.AST, list[str]]:
    """The expression an attribute chain starts from, and the attributes read; a call or subscript in between is
    looked through, as libcst's ``get_full_name_for_node`` does (``Request(...).prepare`` is ``Request.prepare``)."""
    chain, base = [node.attr], node.value
    while isinstance(base, (ast.Attribute, ast.Call, ast.Subscript)):
        if isinstance(base, ast.Attribute):
            chain.insert(0, base.attr)
        base = base.func if isinstance(base, ast.Call) else base.value
    return base, chain


class AstResolver(ast.NodeVisitor):
    """Every reference of a module (each ``Name``, each ``Attribute`` of a chain that starts with a name) with its
    line and fully qualified names, as libcst's ``FullyQualifiedNameProvider`` would name it, from the ``ast``."""

    def __init__(self, module: str, package: str) -> None:
        self.module = module
        self.package = package
        self.found: set[tuple[int, str]] = set()
        self.scope = Scope("module", None, module)
        self.top = self.scope

    def resolve(self, tree: ast.Module) -> set[tuple[int, str]]:
        for node in ast.walk(tree):  # a name declared global anywhere is the module's
            if isinstance(node, ast.Global):
                for name in node.names:
                    self.top.bind(name, None, (node.lineno, node.col_offset))
        self._enter(self.scope, tree.body, tree.body)
        return self.found

    def _enter(self, scope: Scope, binds: list[ast.AST], visits: list[ast.AST]) -> None:
        _Binder(scope, self.package).bind_body(binds)
        outer, self.scope = self.scope, scope
        for node in visits:
            self.visit(node)
        self.scope = outer

    def _visible(self, name: str) -> Scope | None:
        """The scope whose binding of ``name`` the current scope sees (class bodies are skipped below their own)."""
        scope, first = self.scope, True
        while scope is not None:
            if not (scope.kind == "class" and not first):
                how = scope.declared.get(name)
                if how == "global":
                    return self.top
                if how or name in scope.bindings:
                    return scope
            scope, first = scope.parent, False
        return None

    def lookup(self, name: str, before: tuple[int, int] | None = None, fallback: bool = True) -> set[str]:
        """What ``name`` stands for here; with ``before``, in its own scope only what was bound before it, as libcst
        counts a use (an attribute chain's start counts every binding, and an unbound one stands for nothing)."""
        scope = self._visible(name)
        if scope is not None and scope.declared.get(name) == "nonlocal":
            return {LOCAL}
        found = scope.values(name, before if scope is self.scope else None) if scope is not None else set()
        if not found and scope is self.scope and scope is not None and scope.parent is not None:
            outer, self.scope = self.scope, scope.parent
            found = self.lookup(name)
            self.scope = outer
        if found or not fallback:
            return found
        return {f"builtins.{name}" if name in _BUILTINS else f"{self.module}.{name}"}

    def _add(self, line: int, names: set[str]) -> None:
        self.found.update((line, name) for name in names if LOCAL not in name)

    def visit_Name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Store):
            self._add(node.lineno, self.lookup(node.id, (node.lineno, node.col_offset)))
            return
        scope = self._visible(node.id)
        self._add(node.lineno, {scope.own(node.id) if scope is not None else f"{self.module}.{node.id}"})

    def visit_Attribute(self, node: ast.Attribute) -> None:
        base, chain = _chain(node)
        if isinstance(base, ast.Name):
            self._add(node.lineno, {f"{name}.{'.'.join(chain)}" for name in self.lookup(base.id, None, False)})
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        self._add(node.lineno, {f"{self.module}.{name}" for name in node.names})

    def visit_Import(self, node: ast.AST) -> None:
        return None

    visit_ImportFrom = visit_Import

    def _child(self, kind: str, name: str) -> Scope:
        own = self.scope.prefix
        prefix = f"{own}.{name}" if kind == "class" and own != LOCAL and self.scope.kind != "function" else LOCAL
        return Scope(kind, self.scope, prefix)

    def visit_FunctionDef(self, node: ast.AST) -> None:
        for part in _outer_parts(node):
            self.visit(part)
        scope = self._child("function", "")
        for argument in _arguments(node):
            scope.bind(argument.arg)
        body = node.body if isinstance(node.body, list) else [node.body]
        self._enter(scope, body, body)

    visit_AsyncFunctionDef = visit_Lambda = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for part in _outer_parts(node):
            self.visit(part)
        self._enter(self._child("class", node.name), node.body, node.body)

    def _comprehension(self, node: ast.AST) -> None:
        first, *rest = node.generators
        self.visit(first.iter)
        targets = [generator.target for generator in node.generators]
        parts = [*targets, *first.ifs, *[part for generator in rest for part in (generator.iter, *generator.ifs)]]
        results = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        self._enter(self._child("comprehension", ""), targets, [*parts, *results])

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension


def ast_references(tree: ast.Module, module: str, package: str) -> set[tuple[int, str]]:
    return AstResolver(module, package).resolve(tree)


def libcst_references(text: str, module: str, package: str, used: tuple[str, ...]) -> set[tuple[int, str]]:
    return set(resolve(text, module, package, frozenset(used)).names)


def python_files(root: str) -> list[str]:
    found = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if name not in _SKIPPED and not name.endswith(".egg"))
        found.extend(os.path.join(folder, name) for name in sorted(files) if name.endswith(".py"))
    return sorted(found)


@dataclass
class FileData:
    path: str
    text: str
    tree: ast.Module
    module: str
    package: str
    parse_cpu: float


def load(root: str) -> list[FileData]:
    loaded = []
    for path in python_files(root):
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            text = handle.read()
        start = time.process_time()
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        loaded.append(FileData(path, text, tree, *module_of(path), time.process_time() - start))
    return loaded


def matcher_for(files: list[FileData]) -> tuple[Matcher, dict[str, tuple[str, ...]]]:
    """The product's matching, with every definition of the project as a target; and each file's used names."""
    start = time.process_time()
    names = {item.path: names_in(item.tree) for item in files}
    print(json.dumps({"names_in_cpu_s_all_files": round(time.process_time() - start, 3)}))
    definitions = [Target(f"{item.module}.{name}") for item in files for name in shapes(item.tree)]
    return Matcher(definitions, project_names(names)), {path: found.used for path, found in names.items()}


def in_project(matcher: Matcher, found: set[tuple[int, str]]) -> set[tuple[int, str]]:
    places = matcher.places(FileReferences(tuple(sorted(found))))
    return {(line, target.qualified) for line, target in places}


@dataclass
class Tally:
    files: int = 0
    compared: int = 0
    both: int = 0
    only_libcst: list = field(default_factory=list)
    only_ast: list = field(default_factory=list)
    ast_cpu: float = 0.0  # every file, on the parsed tree
    parse_cpu: float = 0.0  # every file
    compared_ast_cpu: float = 0.0  # the compared files only, on the parsed tree
    compared_parse_cpu: float = 0.0
    libcst_cpu: list = field(default_factory=list)  # per compared file, parse and resolution
    libcst_failed: list = field(default_factory=list)
    raw: list = field(default_factory=lambda: [0, 0, 0])  # every qualified name: both, only libcst, only ast
    raw_examples: list = field(default_factory=list)
    match_cpu: float = 0.0  # the product's matching of the ast resolver's references, every file
    names_cpu: float = 0.0  # the product's ``names_in`` (the pre-filter's walk), every file
    stored: list = field(default_factory=list)  # each file's references as a cache entry might hold them


def timed_ast(item: FileData, tally: Tally) -> set[tuple[int, str]]:
    start = time.process_time()
    found = ast_references(item.tree, item.module, item.package)
    tally.ast_cpu += time.process_time() - start
    tally.stored.append(_entry(found))
    return found


def _entry(found: set[tuple[int, str]]) -> str:
    """What a cache entry of the file's references could hold: lines by qualified name, builtins left out."""
    lines: dict[str, list[int]] = {}
    for line, name in sorted(found):
        if not name.startswith("builtins."):
            lines.setdefault(name, []).append(line)
    return json.dumps(lines, separators=(",", ":"))


def warm_load(stored: list[str]) -> tuple[int, int, float]:
    """Entries, bytes, and the CPU seconds to decode them all (the warm run's cost, without reading the files)."""
    start = time.process_time()
    for text in stored:
        json.loads(text)
    return len(stored), sum(len(text) for text in stored), round(time.process_time() - start, 3)


def _markers(tree: ast.Module) -> dict[tuple[int, str], str]:
    """Names on a line that are no reference in Python, which libcst's collector still names: keyword arguments,
    ``nonlocal`` names, ``except ... as`` and ``match`` captures."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg:
            found[(node.lineno, node.arg)] = "keyword argument name"
        elif isinstance(node, ast.Nonlocal):
            found.update(dict.fromkeys(((node.lineno, name) for name in node.names), "nonlocal statement"))
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            found[(node.lineno, node.name)] = "except-as or match capture"
    return found


def classify(markers: dict[tuple[int, str], str], line: int, name: str) -> str:
    if name == "builtins.None":
        return "attribute of a literal (libcst: builtins.None)"
    return markers.get((line, name.rpartition(".")[2]), "other")


def timed_match(matcher: Matcher, found: set[tuple[int, str]], tally: Tally) -> set[tuple[int, str]]:
    start = time.process_time()
    places = in_project(matcher, found)
    tally.match_cpu += time.process_time() - start
    return places


def _raw(item: FileData, ours: set[tuple[int, str]], theirs: set[tuple[int, str]], tally: Tally) -> None:
    """Every qualified name, the project's or not (comprehension variables left out: the ``ast`` resolver drops
    them, the product's matching never reaches a definition with them)."""
    theirs = {(line, name) for line, name in theirs if "<comprehension>" not in name}
    counts = (len(ours & theirs), len(theirs - ours), len(ours - theirs))
    tally.raw = [total + count for total, count in zip(tally.raw, counts)]
    if counts[1] or counts[2]:
        lines, markers = item.text.splitlines(), _markers(item.tree)
        for side, extra in (("libcst", theirs - ours), ("ast", ours - theirs)):
            tally.raw_examples.extend((side, classify(markers, line, name), item.path, line, name,
                                       lines[line - 1].strip()[:80]) for line, name in sorted(extra))


def compare_file(item: FileData, matcher: Matcher, used: tuple[str, ...], tally: Tally) -> None:
    cpu = tally.ast_cpu
    raw_ours = timed_ast(item, tally)
    ours = timed_match(matcher, raw_ours, tally)
    start = time.process_time()
    try:
        raw_theirs = libcst_references(item.text, item.module, item.package, used)
        theirs = in_project(matcher, raw_theirs)
    except Exception as error:  # noqa: BLE001 - a file libcst cannot read is reported, not a crash
        tally.libcst_failed.append(f"{item.path}: {type(error).__name__}: {error}"[:200])
        return
    tally.libcst_cpu.append(time.process_time() - start)
    tally.compared += 1
    tally.compared_ast_cpu += tally.ast_cpu - cpu
    tally.compared_parse_cpu += item.parse_cpu
    tally.both += len(ours & theirs)
    _raw(item, raw_ours, raw_theirs, tally)
    lines, markers = item.text.splitlines(), _markers(item.tree) if ours != theirs else {}
    for kept, extra in ((tally.only_libcst, theirs - ours), (tally.only_ast, ours - theirs)):
        kept.extend((classify(markers, line, name), item.path, line, name, lines[line - 1].strip()[:100])
                    for line, name in sorted(extra))


def run_project(root: str, every: int) -> Tally:
    files = load(root)
    start = time.process_time()
    matcher, used = matcher_for(files)
    tally = Tally(files=len(files), parse_cpu=sum(item.parse_cpu for item in files))
    tally.names_cpu = time.process_time() - start
    for index, item in enumerate(files):
        if index % every == 0 and _depth_ok(item.tree):
            compare_file(item, matcher, used[item.path], tally)
        else:
            timed_match(matcher, timed_ast(item, tally), tally)
    return tally


def _depth_ok(tree: ast.Module) -> bool:
    from flake8_reviewable.references import syntax_depth

    return syntax_depth(tree) <= MAX_SYNTAX_DEPTH


def summary(name: str, tally: Tally) -> dict:
    union = tally.both + len(tally.only_ast) + len(tally.only_libcst)
    libcst = sorted(tally.libcst_cpu)
    return {"project": name, "files": tally.files, "compared": tally.compared,
            "libcst": tally.both + len(tally.only_libcst), "ast": tally.both + len(tally.only_ast),
            "both": tally.both, "only_libcst": len(tally.only_libcst), "only_ast": len(tally.only_ast),
            "agreement": round(tally.both / union, 4) if union else 1.0,
            "ast_cpu_s_all_files": round(tally.ast_cpu, 3), "parse_cpu_s_all_files": round(tally.parse_cpu, 3),
            "ast_ms_per_file": round(1000 * tally.compared_ast_cpu / max(tally.compared, 1), 2),
            "parse_ms_per_file": round(1000 * tally.compared_parse_cpu / max(tally.compared, 1), 2),
            "libcst_ms_per_file": round(1000 * sum(libcst) / max(len(libcst), 1), 1),
            "libcst_median_ms": round(1000 * libcst[len(libcst) // 2], 1) if libcst else 0.0,
            "libcst_cpu_s": round(sum(libcst), 2), "libcst_failed": tally.libcst_failed,
            "match_cpu_s_all_files": round(tally.match_cpu, 3), "names_and_project_cpu_s": round(tally.names_cpu, 3),
            "raw_both_only_libcst_only_ast": tally.raw, "warm_entries_bytes_cpu_s": warm_load(tally.stored),
            "examples_raw": tally.raw_examples,
            "examples_only_libcst": tally.only_libcst, "examples_only_ast": tally.only_ast}


def main(arguments: list[str]) -> None:
    every = int(arguments[arguments.index("--every") + 1]) if "--every" in arguments else 1
    out = arguments[arguments.index("--out") + 1] if "--out" in arguments else ""
    results = []
    for argument in (item for item in arguments if "=" in item):
        name, root = argument.split("=", 1)
        result = summary(name, run_project(root, every))
        results.append(result)
        print(json.dumps({key: value for key, value in result.items() if not key.startswith("examples")}))
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
