"""The blast-radius case of the benchmark: a copy of Django made a git repository, and a change that alters
10 definitions, as a pull request might (design.md, "Targets": "a change of 10 altered definitions on Django").

    python benchmarks/blast_scenario.py DJANGO_SOURCES DESTINATION

copies the sources, commits them (the base), then edits the working tree. The definitions are chosen by hand,
to be realistic and to cost what a real change costs: widely used functions (``force_str``, ``escape``,
``reverse``, ``gettext``), methods with common names (``QuerySet.get``, ``QuerySet.filter``, ``Model.save``),
a class's bases (``cached_property``), a signature change (``get_object_or_404``) and a deletion (``get_text_list``).
Each edit is an exact text replacement that must match once, so the scenario is the same on every run and
fails loudly on another Django version. Standard library only.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

DJANGO_VERSION = "5.2.19"
GIT = ("git", "-c", "core.fsmonitor=false", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
       "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main")

# (file, old text, new text): each alters one definition.
EDITS = (
    ("django/utils/encoding.py",  # a function used everywhere: its body
     "    # Handle the common case first for performance reasons.\n    if issubclass(type(s), str):\n",
     "    # Handle the common case first for performance reasons.\n    if type(s) is str or isinstance(s, str):\n"),
    ("django/utils/html.py",  # another: its body
     "    return SafeString(html.escape(str(text)))\n",
     "    return SafeString(html.escape(str(text), quote=True))\n"),
    ("django/urls/base.py",
     "    if urlconf is None:\n        urlconf = get_urlconf()\n    resolver = get_resolver(urlconf)\n",
     "    urlconf = get_urlconf() if urlconf is None else urlconf\n    resolver = get_resolver(urlconf)\n"),
    ("django/utils/translation/__init__.py",
     "def gettext(message):\n    return _trans.gettext(message)\n",
     "def gettext(message):\n    return _trans.gettext(str(message))\n"),
    ("django/db/models/query.py",  # a method named `get`
     "        num = len(clone)\n        if num == 1:\n",
     "        num = len(clone)\n        if num == 1:  # the common case first\n            pass\n"
     "        if num == 1:\n"),
    ("django/db/models/query.py",  # a method named `filter`
     '        self._not_support_combined_queries("filter")\n        return self._filter_or_exclude(False, args, '
     'kwargs)\n',
     '        self._not_support_combined_queries("filter")\n        clone = self._filter_or_exclude(False, args, '
     'kwargs)\n        return clone\n'),
    ("django/db/models/base.py",  # a method named `save`
     '        # RemovedInDjango60Warning.\n        if args:\n            force_insert, force_update, using, '
     'update_fields = self._parse_save_params(\n                *args,\n                method_name="save",\n',
     '        # RemovedInDjango60Warning.\n        if args:\n            force_insert, force_update, using, '
     'update_fields = self._parse_save_params(\n                *args,\n                method_name="Model.save",\n'),
    ("django/utils/functional.py",  # a class: its bases (a class attribute is a definition of its own)
     "class cached_property:\n",
     "class cached_property(object):\n"),
    ("django/shortcuts.py",  # a signature
     "def get_object_or_404(klass, *args, **kwargs):\n",
     "def get_object_or_404(klass, *args, message=None, **kwargs):\n"),
)
DELETED = ("django/utils/text.py", "@keep_lazy_text\ndef get_text_list(", "\n\n\n")  # decorator to next blank lines


def _git(folder: Path, *arguments: str) -> None:
    subprocess.run([*GIT, *arguments], cwd=folder, check=True, stdout=subprocess.DEVNULL)


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if text.count(old) != 1:
        raise SystemExit(f"{path}: the edit's text occurs {text.count(old)} times, not once")
    path.write_text(text.replace(old, new), encoding="utf-8")


def _delete(path: Path, start: str, end: str) -> None:
    text = path.read_text(encoding="utf-8")
    first = text.index(start)
    last = text.index(end, first)
    path.write_text(text[:first] + text[last + len(end):], encoding="utf-8")


def change(root: Path) -> None:
    """Edit the working tree of ``root``: the 10 altered definitions."""
    for name, old, new in EDITS:
        _replace_once(root / name, old, new)
    _delete(root / DELETED[0], DELETED[1], DELETED[2])


def build(sources: Path, destination: Path) -> Path:
    """A git repository at ``destination`` holding ``sources`` committed, and the change in its working tree."""
    shutil.copytree(sources, destination, symlinks=True)
    _git(destination, "init", "-q")
    _git(destination, "add", "-A")
    _git(destination, "commit", "-q", "-m", "base")
    change(destination)
    return destination


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
