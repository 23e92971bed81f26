"""The blast radius across the project: which places depend on the definitions a change alters.

libcst's ``FullyQualifiedNameProvider`` resolves imports, aliases, relative imports and ``module.attr``
chains, at about eleven times the cost of its own parse; so it runs only on files that use one of the
plain names of interest (a pre-filter on the names each file uses, measured on the ``ast`` and cached by
content), and what it finds in a file is cached by content, module and names of interest, so a warm run
resolves nothing again. libcst is imported only when there is something to resolve, and a file nested
deeper than ``MAX_SYNTAX_DEPTH`` is never handed to it (its native parser crashes the process past about
3,000 levels): it is skipped as a source of references.
"""
from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from flake8_reviewable.blast import FileReferences, Matcher, Names, Target, attribute_names
from flake8_reviewable.cache import FactsCache
from flake8_reviewable.metrics import parsed

MAX_SYNTAX_DEPTH = 1000


@dataclass(frozen=True)
class FileNames:
    """The pre-filter's view of a file: the plain names it uses; the functions it defines and the attributes
    it assigns, in a class body or to ``x.m`` (by name, repeats kept: a method whose name is also an
    attribute is not defined once); its module-level ``from`` imports (level, module, name, alias; name ``*``
    for a star import); how deeply its syntax nests; and its classes' bases by plain name."""

    used: tuple[str, ...] = ()
    defined: tuple[str, ...] = ()
    imports: tuple[tuple[int, str, str, str], ...] = ()
    depth: int = 0
    classes: tuple[tuple[str, str], ...] = ()


def syntax_depth(tree: ast.AST) -> int:
    """How deeply the syntax nests, as libcst will nest it: each operand of ``a and b and c`` is a level,
    since libcst nests boolean operations pairwise. Iterative: the tree may be deep."""
    deepest, stack = 0, [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        step = len(node.values) if isinstance(node, ast.BoolOp) else 1
        stack.extend((child, depth + step) for child in ast.iter_child_nodes(node))
    return deepest


def names_in(tree: ast.Module) -> FileNames:
    """The ``FileNames`` of a parsed file."""
    used, defined, classes = set(), [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
            if isinstance(node.ctx, ast.Store):  # ``self.url_defaults = {}``: another thing of that name
                defined.append(node.attr)
        elif isinstance(node, ast.alias):
            used.update(node.name.split("."))
            used.add(node.asname or "")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defined.append(node.name)
        elif isinstance(node, ast.ClassDef):
            classes.extend((node.name, _plain_name(base)) for base in node.bases)
            defined.extend(_attributes_of(node))
    imports = tuple((node.level, node.module or "", alias.name, alias.asname or alias.name)
                    for node in tree.body if isinstance(node, ast.ImportFrom) for alias in node.names)
    used.discard("")
    return FileNames(tuple(sorted(used)), tuple(defined), imports, syntax_depth(tree), tuple(classes))


def _attributes_of(node: ast.ClassDef) -> list[str]:
    """The attributes a class body assigns: each another thing of its name."""
    return [name for item in node.body for name in attribute_names(item)]


def _plain_name(node: ast.expr) -> str:
    """``Store`` for a base written ``Store`` or ``store.Store``; empty for any other expression."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def names_of(text: str, cache: FactsCache | None) -> FileNames:
    """The ``FileNames`` of a text, cached by content; empty when Python cannot parse it."""
    found = cache.load(text, FileNames, "names") if cache else None
    if found is None:
        tree = parsed(text)
        found = names_in(tree) if tree is not None else FileNames()
        if cache:
            cache.store(text, found, "names")
    return found


@lru_cache(maxsize=4096)
def _is_package(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "__init__.py"))


def module_of(path: str) -> tuple[str, str]:
    """The module a file is imported as, and its package: its folders up to the first that holds no
    ``__init__.py`` (so ``src/pkg/store.py`` is ``pkg.store``), a folder without one inside a package
    included (flask's ``src/flask/sansio/app.py`` is ``flask.sansio.app``, a namespace package: named
    ``app``, its relative imports went above the top and libcst resolved nothing in it)."""
    folder, name = os.path.split(os.path.abspath(path))
    stem = name.rsplit(".", 1)[0]
    parts = [] if stem == "__init__" else [stem]
    while (_is_package(folder) or _is_package(os.path.dirname(folder))) and os.path.dirname(folder) != folder:
        folder, part = os.path.split(folder)
        parts.insert(0, part)
    module = ".".join(parts)
    return module, module if stem == "__init__" else module.rpartition(".")[0]


def absolute_import(level: int, module: str, package: str) -> str:
    """The module a ``from`` import names, relative imports resolved against ``package``."""
    if not level:
        return module
    parts = package.split(".") if package else []
    base = parts[:len(parts) - level + 1] if level <= len(parts) else []
    return ".".join([*base, *filter(None, [module])])


def project_names(names_by_path: Mapping[str, FileNames]) -> Names:
    """Re-exports, star imports and definition counts of the whole project."""
    project = Names()
    for path, names in names_by_path.items():
        module, package = module_of(path)
        for level, source, name, alias in names.imports:
            origin = absolute_import(level, source, package)
            if name == "*":
                project.stars.setdefault(module, set()).add(origin)
            elif f"{module}.{alias}" != f"{origin}.{name}":
                project.aliases[f"{module}.{alias}"] = f"{origin}.{name}"
        for name in names.defined:
            project.definitions[name] = project.definitions.get(name, 0) + 1
        for name, base in names.classes:
            project.bases.setdefault(name, set()).add(base)
    return project


Read = Callable[[str], "str | None"]


def find_places(
    targets: Sequence[Target], paths: Iterable[str], read: Read, cache: FactsCache | None
) -> dict[Target, set[tuple[str, int]]]:
    """Every place (path, line) in the project's files that depends on each target."""
    if not targets:
        return {}
    names_by_path = {path: names_of(text, cache) for path in paths if (text := read(path)) is not None}
    project = project_names(names_by_path)
    interest = {target.plain for target in targets}
    matcher = Matcher(targets, project)
    places: dict[Target, set[tuple[str, int]]] = {}
    for path, names in names_by_path.items():
        if names.used and not interest.isdisjoint(names.used):
            aliases = {alias for _, _, name, alias in names.imports if name in interest}
            references = references_in(path, read(path), names, (interest & set(names.used)) | aliases, cache)
            for line, target in matcher.places(references):
                places.setdefault(target, set()).add((path, line))
    return places


def references_in(path: str, text: str | None, names: FileNames, interest: set[str],
                  cache: FactsCache | None) -> FileReferences:
    """What libcst resolves in one file for these plain names, cached by content, module and names."""
    module, package = module_of(path)
    salt = f"references:{module}:{package}:{','.join(sorted(interest))}"
    found = cache.load(text, FileReferences, salt) if cache and text is not None else None
    if found is None:
        found = FileReferences()
        if text is not None and names.depth <= MAX_SYNTAX_DEPTH:
            found = _resolved(text, module, package, interest)
        if cache and text is not None:
            cache.store(text, found, salt)
    return found


def _resolved(text: str, module: str, package: str, interest: set[str]) -> FileReferences:
    from flake8_reviewable.resolution import resolve

    try:
        return resolve(text, module, package, frozenset(interest))
    except Exception:  # noqa: BLE001 - a file libcst cannot read is no source of references, never a crash
        return FileReferences()
