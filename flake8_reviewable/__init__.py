"""flake8-reviewable: tells where code or a change stops being reviewable by a human."""

__version__ = "0.1.0"
