"""What a change is made of: each changed file's kind, the lines that count, and the whole change.

Pure computation: git's answers come in as data. A reviewer pays for code; tests, docs and configuration
are shown beside it, data and vendored files are listed, and neither moved code nor a deleted file is
paid for twice:
- a file is *code* (Python, not a test), *tests* (Python under a ``test``/``tests`` folder, ``test_*.py``,
  ``*_test.py``, ``conftest.py``), *docs* (under ``doc``/``docs``, ``*.md``, ``*.rst``, ``*.txt`` but
  requirements files, changelogs, or ``linguist-documentation``), *data* (binary, lock files,
  ``linguist-generated``, ``linguist-vendored``, and any other file under a test folder: JSON, certificates,
  images), or *other* (configuration, non-Python code);
- a line deleted in one place and added unchanged (indentation aside) in another, in a run of at least
  ``MOVED_RUN`` lines, is *moved*: it counts once, where it arrived;
- a deleted Python file counts one line per definition it held, any other deleted file one line;
- the lines of a definition edited only in its decorators and signature (a type-hint pass, a renamed
  parameter) are a sweep: shown apart, not counted.
"""
from __future__ import annotations

import ast
import enum
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import PurePosixPath

from flake8_reviewable.git import LOCK_FILES, ChangedFile, FilePatch

MOVED_RUN = 3
# A change under this many changed code lines is not too spread, whatever its file count: a sweep (a
# dropped Python version, a type-hint pass, pragma comments) is one idea, reviewed at once.
MIN_SPREAD_LINES = 100
# A run of moved lines must hold this much text (letters and digits), so that three closing brackets or
# blank lines are not "moved code" (git's --color-moved asks the same of its blocks).
MOVED_MIN_CHARACTERS = 20
_TEST_FOLDERS = frozenset({"test", "tests", "testing"})
_DOC_FOLDERS = frozenset({"doc", "docs"})
_DOC_SUFFIXES = frozenset({".md", ".rst", ".txt", ".adoc"})
_CHANGELOG = re.compile(r"(changes|changelog|history|news|release[-_]?notes)(\.\w+)?$", re.IGNORECASE)
_PYTHON = frozenset({".py", ".pyi"})


class Kind(enum.Enum):
    """What a changed file is, for a reviewer."""

    CODE = "code"
    TESTS = "tests"
    DOCS = "docs"
    DATA = "data"
    OTHER = "other"


def kind_of(path: str, attributes: frozenset[str] = frozenset(), binary: bool = False) -> Kind:
    """The kind of a changed file from its path, its ``.gitattributes`` and whether git sees it as binary."""
    pure = PurePosixPath(path)
    folders = {part.lower() for part in pure.parts[:-1]}
    if binary or pure.name in LOCK_FILES or attributes & {"linguist-generated", "linguist-vendored"}:
        return Kind.DATA
    if "linguist-documentation" in attributes:
        return Kind.DOCS
    in_tests = not folders.isdisjoint(_TEST_FOLDERS)
    if pure.suffix in _PYTHON:
        return Kind.TESTS if in_tests or _is_test_name(pure.name) else Kind.CODE
    if in_tests:
        return Kind.DATA
    if not folders.isdisjoint(_DOC_FOLDERS) or _CHANGELOG.match(pure.name) or _is_doc_file(pure):
        return Kind.DOCS
    return Kind.OTHER


def _is_test_name(name: str) -> bool:
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def _is_doc_file(pure: PurePosixPath) -> bool:
    return pure.suffix.lower() in _DOC_SUFFIXES and not pure.name.lower().startswith("requirements")


@dataclass(frozen=True)
class FileCount:
    """One changed file: its kind, git's counts, the moved lines among them, and the lines that count."""

    path: str
    old_path: str
    kind: Kind
    added: int
    deleted: int
    # Lines that arrived here from elsewhere in the change (counted once, here), by their number now.
    arrived: frozenset[int] = frozenset()
    # Lines that left for elsewhere in the change (counted where they arrived, not here), by their number at
    # the merge base.
    left: frozenset[int] = frozenset()
    # A deleted file: the definitions it held (Python), else 1; None for a file that still exists.
    deleted_definitions: int | None = None
    # Lines of signature edits in a sweep (definitions edited only in their decorators and signature).
    signature_lines: int = 0

    @property
    def moved_in(self) -> int:
        return len(self.arrived)

    @property
    def moved_out(self) -> int:
        return len(self.left)

    @property
    def lines(self) -> int:
        """The changed lines a reviewer reads here."""
        if self.deleted_definitions is not None:
            return self.deleted_definitions
        return max(0, self.added + self.deleted - self.moved_out - self.signature_lines)


@dataclass(frozen=True)
class ChangeSummary:
    """The whole change: every changed file with its kind, and the data files listed apart with why."""

    files: tuple[FileCount, ...]
    data: tuple[tuple[str, str], ...] = ()

    # The derived values are cached (cached_property writes the instance's __dict__, which a frozen
    # dataclass allows): every checked file asks for them, and a change can hold ten thousand files.
    def of_kind(self, kind: Kind) -> tuple[FileCount, ...]:
        return self._by_kind.get(kind, ())

    def lines_of(self, kind: Kind) -> int:
        return sum(item.lines for item in self.of_kind(kind))

    @cached_property
    def _by_kind(self) -> dict[Kind, tuple[FileCount, ...]]:
        kinds: dict[Kind, list[FileCount]] = {}
        for item in self.files:
            kinds.setdefault(item.kind, []).append(item)
        return {kind: tuple(items) for kind, items in kinds.items()}

    @cached_property
    def _by_path(self) -> dict[str, FileCount]:
        return {item.path: item for item in self.files}

    @cached_property
    def code(self) -> tuple[FileCount, ...]:
        """The changed code files: what the size and spread limits count."""
        return tuple(item for item in self.of_kind(Kind.CODE) if item.lines)

    @cached_property
    def code_by_size(self) -> tuple[FileCount, ...]:
        """The code files, most changed lines first (ties by path)."""
        return tuple(sorted(self.code, key=lambda item: (-item.lines, item.path)))

    def code_larger_than(self, limit: int) -> tuple[FileCount, ...]:
        """The code files with more changed lines than ``limit``, largest first."""
        return tuple(itertools.takewhile(lambda item: item.lines > limit, self.code_by_size))

    def several_larger_than(self, limit: int) -> bool:
        """Whether two or more code files are over ``limit`` (without listing them)."""
        return len(self.code_by_size) > 1 and self.code_by_size[1].lines > limit

    @property
    def lines(self) -> int:
        return sum(item.lines for item in self.code)

    @property
    def moved(self) -> int:
        return sum(item.moved_in for item in self.code)

    @property
    def signature_lines(self) -> int:
        return sum(item.signature_lines for item in self.of_kind(Kind.CODE))

    @property
    def directories(self) -> int:
        return len({str(PurePosixPath(item.path).parent) for item in self.code})

    def count_of(self, path: str) -> FileCount | None:
        return self._by_path.get(path)

    def by_top_level(self) -> list[tuple[str, int, int]]:
        """(top-level folder or file, code files, code lines), largest first: where a split could cut."""
        files: Counter[str] = Counter()
        lines: Counter[str] = Counter()
        for item in self.code:
            top = PurePosixPath(item.path).parts[0]
            files[top] += 1
            lines[top] += item.lines
        return sorted(((top, files[top], lines[top]) for top in files), key=lambda row: (-row[2], -row[1], row[0]))

    @property
    def entropy(self) -> float:
        """Normalised Shannon entropy of code lines over code files (Hassan 2009; Kamei et al. 2013): 0 when
        one file holds the whole change, 1 when every file holds an equal share."""
        sizes = [item.lines for item in self.code]
        total = sum(sizes)
        if len(sizes) < 2:
            return 0.0
        return -sum(size / total * math.log2(size / total) for size in sizes) / math.log2(len(sizes))

    def replace(self, path: str, added: int, deleted: int) -> ChangeSummary:
        """The same change with one file's counts replaced (an editor buffer instead of the file on disk)."""
        known = self.count_of(path)
        item = FileCount(path, known.old_path if known else path, known.kind if known else kind_of(path),
                         added, deleted)
        others = tuple(other for other in self.files if other.path != path)
        return ChangeSummary(tuple(sorted((*others, item), key=lambda other: other.path)), self.data)


@dataclass(frozen=True)
class Composition:
    """What ``summarize`` needs besides git's counts: attributes, the patch, deleted files' base texts."""

    attributes: Mapping[str, frozenset[str]]
    patches: Mapping[str, FilePatch]
    deleted_texts: Mapping[str, str]
    # Per code file, the changed lines that are signature edits of a sweep (see change.signature_lines).
    signature_lines: Mapping[str, int] = field(default_factory=dict)


def summarize(files: Iterable[ChangedFile], composition: Composition) -> ChangeSummary:
    """Sort the changed files by kind, find the moved lines, and count what a reviewer reads."""
    arrived, left = moved_lines(composition.patches.values())
    counted, data = [], []
    for item in sorted(files, key=lambda other: other.path):
        kind = kind_of(item.path, composition.attributes.get(item.path, frozenset()), item.binary)
        if kind is Kind.DATA:
            data.append((item.path, _data_reason(item, composition.attributes.get(item.path, frozenset()))))
            continue
        count = FileCount(item.path, item.old_path, kind, item.added, item.deleted,
                          arrived.get(item.path, frozenset()), left.get(item.path, frozenset()),
                          signature_lines=composition.signature_lines.get(item.path, 0))
        if item.path in composition.deleted_texts:
            count = replace(count, deleted_definitions=_definitions_in(item.path, composition.deleted_texts[item.path]))
        counted.append(count)
    return ChangeSummary(tuple(counted), tuple(data))


def _data_reason(item: ChangedFile, attributes: frozenset[str]) -> str:
    if item.binary:
        return "binary"
    if PurePosixPath(item.path).name in LOCK_FILES:
        return "lock file"
    if "linguist-generated" in attributes:
        return "generated"
    if "linguist-vendored" in attributes:
        return "vendored"
    return "test data"


def _definitions_in(path: str, text: str) -> int:
    """What a deleted file costs a reviewer: its definitions (a Python file), else one line."""
    if PurePosixPath(path).suffix not in _PYTHON:
        return 1
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return 1
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return max(1, sum(isinstance(node, kinds) for node in ast.walk(tree)))


def moved_lines(patches: Iterable[FilePatch]) -> tuple[dict[str, frozenset[int]], dict[str, frozenset[int]]]:
    """Per path, the added lines that arrived from elsewhere in the change (numbered now) and the deleted
    lines that left for elsewhere (numbered at the base): runs of at least MOVED_RUN lines, compared with
    indentation stripped."""
    patches = list(patches)
    arrivals = _shingles(patches, added=True)
    departures = _shingles(patches, added=False)
    shared = arrivals.keys() & departures.keys()
    return _lines_by_path(arrivals, shared), _lines_by_path(departures, shared)


def _shingles(patches: Sequence[FilePatch], added: bool) -> dict[tuple[str, ...], set[tuple[str, int]]]:
    """Each run of MOVED_RUN consecutive added (or deleted) lines, stripped, and where its lines are."""
    found: dict[tuple[str, ...], set[tuple[str, int]]] = {}
    for patch in patches:
        lines = patch.added if added else patch.deleted
        for index in range(len(lines) - MOVED_RUN + 1):
            window = lines[index:index + MOVED_RUN]
            if window[-1][0] - window[0][0] != MOVED_RUN - 1:
                continue  # not consecutive in the file
            texts = tuple(text.strip() for _, text in window)
            if sum(char.isalnum() for text in texts for char in text) >= MOVED_MIN_CHARACTERS:
                found.setdefault(texts, set()).update((patch.path, number) for number, _ in window)
    return found


def _lines_by_path(shingles: dict[tuple[str, ...], set[tuple[str, int]]], shared: set) -> dict[str, frozenset[int]]:
    places: dict[str, set[int]] = {}
    for key in shared:
        for path, number in shingles[key]:
            places.setdefault(path, set()).add(number)
    return {path: frozenset(numbers) for path, numbers in places.items()}
