"""``flake8 --format=reviewable``: flake8's usual lines, then the review summary of the change.

flake8 imports every installed formatter on every run, whichever ``--format`` it uses, so this module
imports nothing of the plugin's: the summary's gathering and rendering (``summary``, which needs change
awareness) are imported when this formatter stops, not by an editor's run that never uses it.
"""
from __future__ import annotations

import os
import sys
from collections import Counter

from flake8.formatting.default import Default
from flake8.violation import Violation


class ReviewSummary(Default):
    """flake8's default lines, then the review summary of the change (``--format=reviewable``)."""

    def after_init(self) -> None:
        # Default.after_init would take --format's value ("reviewable") as the line format: keep flake8's.
        self.codes: Counter[str] = Counter()

    def handle(self, error: Violation) -> None:
        self.codes[error.code] += 1
        super().handle(error)

    def stop(self) -> None:
        from flake8_reviewable import summary

        try:
            text, page = summary.of_run(self.codes)
        except Exception as error:  # the summary must never end flake8's run with a traceback
            text, page = summary.no_summary(f"it failed ({type(error).__name__}: {error})"), None
        for line in text:
            self._write(line)
        _append_step_summary(page, os.environ.get("GITHUB_STEP_SUMMARY"))
        super().stop()


def _append_step_summary(page: str | None, path: str | None) -> None:
    if not page or not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(page)
    except OSError as error:
        print(f"flake8-reviewable: cannot append the summary to {path}: {error}", file=sys.stderr)
