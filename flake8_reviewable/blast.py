"""The blast radius, pure part: which definitions a change alters, and which references depend on them.

A definition is a module-level function or class, or a method or class attribute of a module-level class
(``default_config = {...}`` in its body: a change to it alters the attribute, not every use of the class).
It is *altered* when its signature (arguments, return annotation, decorators, bases; an attribute's
annotation) or its body (an attribute's value) differs from the merge base, compared on the ``ast``
(a signature that differs only in its annotations is told apart: callers need not change for it)
(``ast.dump`` leaves positions out, so formatting and comments do not count, nor do docstrings, an
attribute's bare string in a class body included);
*deleted* when its name is gone; *renamed* when it is gone and exactly one new definition beside it has the
same body. A method or attribute of a deleted or renamed class is not reported again.

Matching references to altered definitions (``Targets.places``) is pure as well: libcst's answers for each
file (``references.FileReferences``) come in as data.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Method names of Python's own types: ``", ".join`` or ``d.get`` is as likely theirs as the project's.
_BUILTIN_METHODS = frozenset(name for kind in (str, bytes, bytearray, dict, list, set, frozenset, tuple, int,
                                               float, complex, object) for name in dir(kind))
CHANGED, SIGNATURE, ANNOTATIONS, DELETED, RENAMED = "changed", "signature", "annotations", "deleted", "renamed"


@dataclass(frozen=True)
class Altered:
    """A definition the change alters: its name in its module (``Store.load``), where it is reported (its
    ``def`` line now; line 1 for a deleted one), how it was altered, and its new name when renamed."""

    name: str
    line: int
    col: int
    how: str
    new_name: str = ""

    @property
    def owner(self) -> str:
        """The class name of a method (``Store``), else empty."""
        return self.name.rpartition(".")[0]


@dataclass(frozen=True)
class Radius:
    """An altered definition and the places outside the change that depend on it, as (path, line), sorted."""

    altered: Altered
    places: tuple[tuple[str, int], ...] = ()

    @property
    def files(self) -> int:
        return len({path for path, _ in self.places})


@dataclass(frozen=True)
class _Shape:
    line: int
    col: int
    signature: str
    body: str
    # The signature as a caller sees it, annotations left out: equal signatures have equal calls.
    call: str = ""


def shapes(tree: ast.Module) -> dict[str, _Shape]:
    """Every module-level function and class, and every method and class attribute of a module-level class,
    by name."""
    found: dict[str, _Shape] = {}
    for node in tree.body:
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            found[node.name] = _shape(node)
        if isinstance(node, ast.ClassDef):
            found.update((f"{node.name}.{name}", shape) for name, shape in _members(node))
    return found


def _members(node: ast.ClassDef) -> Iterator[tuple[str, _Shape]]:
    """A class's methods and attributes, by name."""
    for item in node.body:
        if isinstance(item, _FUNCTIONS):
            yield item.name, _shape(item)
        for name in attribute_names(item):
            yield name, _attribute_shape(item)


def attribute_names(statement: ast.stmt) -> list[str]:
    """The names a class-level statement binds as class attributes (``default_config = {...}``,
    ``timeout: float = 5``, ``a = b = 0``); none for any other statement."""
    if isinstance(statement, ast.AnnAssign):
        targets = [statement.target]
    elif isinstance(statement, ast.Assign):
        targets = statement.targets
    else:
        return []
    names = [node for target in targets for node in ast.walk(target)]
    if not all(isinstance(node, (ast.Name, ast.Tuple, ast.List, ast.Load, ast.Store)) for node in names):
        return []  # ``x[0] = 1`` or ``a.b = 1`` at class level: part of the class's own body
    return [node.id for node in names if isinstance(node, ast.Name)]


def _attribute_shape(statement: ast.Assign | ast.AnnAssign) -> _Shape:
    """A class attribute: its annotation as its signature, its value as its body (so that a renamed
    attribute is found by its unchanged value)."""
    annotation = ast.dump(statement.annotation) if isinstance(statement, ast.AnnAssign) else ""
    value = ast.dump(statement.value) if statement.value is not None else ""
    return _Shape(statement.lineno, statement.col_offset, annotation + "Attribute", value, "Attribute")


def _shape(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> _Shape:
    decorators = "".join(ast.dump(part) for part in node.decorator_list)
    if isinstance(node, ast.ClassDef):
        header = [*node.bases, *node.keywords]
        # Methods and attributes are definitions of their own, and a bare string documents an attribute
        # (flask's app.py): the class's body is the rest.
        body = [item for item in node.body
                if not isinstance(item, _FUNCTIONS) and not attribute_names(item) and not _is_string(item)]
        call = decorators + "".join(ast.dump(part) for part in header)
    else:
        header = [node.args, *filter(None, [node.returns])]
        body = node.body
        call = decorators + _call_shape(node.args)
    signature = decorators + "".join(ast.dump(part) for part in header) + type(node).__name__
    return _Shape(node.lineno, node.col_offset, signature, "".join(ast.dump(item) for item in _code(body)),
                  call + type(node).__name__)


def _call_shape(arguments: ast.arguments) -> str:
    """What a caller depends on: the parameters' names, kinds and defaults, without their annotations."""
    names = [[item.arg for item in group] for group in (arguments.posonlyargs, arguments.args, arguments.kwonlyargs)]
    rest = [item.arg if item else None for item in (arguments.vararg, arguments.kwarg)]
    defaults = [ast.dump(item) if item else None for item in (*arguments.defaults, *arguments.kw_defaults)]
    return repr((names, rest, defaults))


def _code(body: list[ast.stmt]) -> list[ast.stmt]:
    """A body without its docstring."""
    return body[1:] if body and _is_string(body[0]) else body


def _is_string(statement: ast.stmt) -> bool:
    """A statement that is only a string: a docstring, or an attribute's."""
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and isinstance(
        statement.value.value, str)


def altered(base: ast.Module, now: ast.Module) -> list[Altered]:
    """The definitions of ``base`` that ``now`` alters, in the order they are reported."""
    before, after = shapes(base), shapes(now)
    new = [name for name in after if name not in before]
    found = []
    for name, old in before.items():
        if name in after:
            how = _how_altered(old, after[name])
            if how is not None:
                found.append(Altered(name, after[name].line, after[name].col, how))
        elif "." not in name or name.rpartition(".")[0] in after:  # a method of a gone class: the class says it
            found.append(_gone(name, old, after, new))
    return found


def _how_altered(old: _Shape, new: _Shape) -> str | None:
    """A new call shape first (callers may break), then a new body, then annotations alone."""
    if old.call != new.call:
        return SIGNATURE
    if old.body != new.body:
        return CHANGED
    return ANNOTATIONS if old.signature != new.signature else None


def _gone(name: str, old: _Shape, after: Mapping[str, _Shape], new: Sequence[str]) -> Altered:
    owner = name.rpartition(".")[0]
    same = [other for other in new if other.rpartition(".")[0] == owner and after[other].body == old.body]
    if len(same) == 1 and old.body:
        return Altered(name, after[same[0]].line, after[same[0]].col, RENAMED, same[0])
    return Altered(name, 1, 0, DELETED)


@dataclass(frozen=True)
class Target:
    """An altered definition by its fully qualified name (``pkg.store.Store.load``), and its class's for a
    method."""

    qualified: str
    owner: str = ""
    # Deleted or renamed: the project no longer defines it, so its name is unique with one fewer definition.
    gone: bool = False

    @property
    def plain(self) -> str:
        return self.qualified.rpartition(".")[2]


@dataclass
class Names:
    """What matching needs to know of the whole project: re-exports (``pkg.Store`` is ``pkg.store.Store``),
    star imports by module, how often each function name is defined, and the class hierarchy by plain
    names (read on the ``ast`` of every file, so finding subclasses costs no libcst run)."""

    aliases: dict[str, str] = field(default_factory=dict)
    stars: dict[str, set[str]] = field(default_factory=dict)
    definitions: dict[str, int] = field(default_factory=dict)
    bases: dict[str, set[str]] = field(default_factory=dict)

    def canonical(self, name: str) -> set[str]:
        """``name`` and every name it stands for through re-exports and star imports (bounded)."""
        seen, todo = {name}, [name]
        while todo and len(seen) < 64:
            for other in self._one_step(todo.pop()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    def _one_step(self, name: str) -> Iterable[str]:
        parts = name.split(".")
        for cut in range(len(parts), 1, -1):
            prefix, rest = ".".join(parts[:cut]), parts[cut:]
            if prefix in self.aliases:
                yield ".".join([self.aliases[prefix], *rest])
            # Sorted: ``canonical`` stops at 64 names, and a set's order changes with the hash seed.
            for source in sorted(self.stars.get(".".join(parts[:cut - 1]), ())):
                yield ".".join([source, *parts[cut - 1:]])

    def subclasses(self, owner: str) -> set[str]:
        """The plain names of ``owner`` and of every class that inherits from it, directly or not."""
        found, todo = {owner}, [owner]
        while todo:
            current = todo.pop()
            for child, parents in self.bases.items():
                if child not in found and current in parents:
                    found.add(child)
                    todo.append(child)
        return found


@dataclass(frozen=True)
class FileReferences:
    """What libcst resolved in one file, for the plain names of interest: each reference's line and fully
    qualified name (a name libcst cannot resolve, as the module's own, for star imports), each attribute
    ``x.m`` (with the enclosing class's name when ``x`` is ``self`` or ``cls``)."""

    names: tuple[tuple[int, str], ...] = ()
    attributes: tuple[tuple[int, str, str], ...] = ()


class Matcher:
    """Which references of a file depend on which targets."""

    def __init__(self, targets: Sequence[Target], names: Names) -> None:
        self.names = names
        self.by_name = {target.qualified: target for target in targets}
        self.methods: dict[str, list[Target]] = {}
        for target in targets:
            if target.owner:
                self.methods.setdefault(target.plain, []).append(target)
        self.families = {target: names.subclasses(_plain(target.owner)) for target in targets if target.owner}
        self._canonical: dict[str, set[str]] = {}

    def canonical(self, name: str) -> set[str]:
        if name not in self._canonical:
            self._canonical[name] = self.names.canonical(name)
        return self._canonical[name]

    def places(self, references: FileReferences) -> set[tuple[int, Target]]:
        """The lines of this file that depend on a target, with the target."""
        found = set()
        for line, name in references.names:
            found.update((line, self.by_name[other]) for other in self.canonical(name) if other in self.by_name)
        for line, attribute, owner in references.attributes:
            for target in self.methods.get(attribute, ()):
                if self._depends(target, attribute, owner):
                    found.add((line, target))
        return found

    def _depends(self, target: Target, attribute: str, owner: str) -> bool:
        """``self.m``/``cls.m`` in the class or a subclass, or ``x.m`` where ``m`` is defined only once and
        is no method of Python's own types (``str.join``, ``dict.get``)."""
        if owner and _plain(owner) in self.families[target]:
            return True
        if attribute in _BUILTIN_METHODS:
            return False
        return self.names.definitions.get(attribute, 0) + target.gone <= 1


def _plain(name: str) -> str:
    return name.rpartition(".")[2]
