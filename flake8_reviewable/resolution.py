"""libcst's fully qualified names for one file's references: the only module that imports libcst, and only
imported (by ``references``) when a change alters a definition."""
from __future__ import annotations

import libcst as cst
from libcst.metadata import FullyQualifiedNameProvider, MetadataWrapper, PositionProvider
from libcst.metadata.name_provider import ModuleNameAndPackage

from flake8_reviewable.blast import FileReferences

_OWNERS = frozenset({"self", "cls"})


def resolve(text: str, module: str, package: str, interest: frozenset[str]) -> FileReferences:
    """The references of ``text`` (the module ``module`` of ``package``) whose plain name is of interest."""
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True,
                              cache={FullyQualifiedNameProvider: ModuleNameAndPackage(module, package)})
    collector = _Collector(module, interest)
    wrapper.visit(collector)
    return FileReferences(tuple(sorted(collector.names)), tuple(sorted(collector.attributes)))


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (FullyQualifiedNameProvider, PositionProvider)

    def __init__(self, module: str, interest: frozenset[str]) -> None:
        super().__init__()
        self.module = module
        self.interest = interest
        self.names: set[tuple[int, str]] = set()
        self.attributes: set[tuple[int, str, str]] = set()
        self.skipped: set[int] = set()  # names that are no reference: a definition's, an attribute's own
        self.enclosing: list[str] = []

    def visit_Import(self, node: cst.Import) -> bool:
        return False  # an import is not a use; the names it binds are resolved where they are used

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.skipped.add(id(node.name))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:  # ``sorted(items, reverse=True)`` names a parameter, not ``reverse``
            self.skipped.add(id(node.keyword))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.skipped.add(id(node.name))
        self.skipped.update(id(name) for name in _attribute_targets(node))
        self.enclosing.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.enclosing.pop()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skipped.add(id(node.attr))
        attribute = node.attr.value
        if attribute not in self.interest:
            return
        line = self._line(node)
        self.names.update((line, name) for name in self._qualified(node))
        is_own = isinstance(node.value, cst.Name) and node.value.value in _OWNERS and self.enclosing
        self.attributes.add((line, attribute, self.enclosing[-1] if is_own else ""))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value not in self.interest or id(node) in self.skipped:
            return
        # A name libcst cannot resolve may come from a star import: it is named as the module's own.
        found = self.get_metadata(FullyQualifiedNameProvider, node, set())
        names = _outside_functions(found) if found else {f"{self.module}.{node.value}"}
        self.names.update((self._line(node), name) for name in names)

    def _qualified(self, node: cst.CSTNode) -> set[str]:
        return _outside_functions(self.get_metadata(FullyQualifiedNameProvider, node, set()))

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line


def _attribute_targets(node: cst.ClassDef) -> list[cst.Name]:
    """The names a class body assigns (its attributes, definitions of their own: not references)."""
    lines = [line for line in getattr(node.body, "body", ()) if isinstance(line, cst.SimpleStatementLine)]
    statements = [statement for line in lines for statement in line.body]
    targets = [statement.target for statement in statements if isinstance(statement, cst.AnnAssign)]
    targets += [target.target for statement in statements if isinstance(statement, cst.Assign)
                for target in statement.targets]
    names = []
    while targets:
        target = targets.pop()
        if isinstance(target, cst.Name):
            names.append(target)
        elif isinstance(target, (cst.Tuple, cst.List)):
            targets.extend(element.value for element in target.elements)
    return names


def _outside_functions(found) -> set[str]:
    """The qualified names that are not a function's local names."""
    return {item.name for item in found if "<locals>" not in item.name}
