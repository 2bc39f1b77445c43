"""Errors that end the parsing of one document with a one-line, user-facing reason."""

from __future__ import annotations

from pathlib import Path


class DocumentError(Exception):
    """A file cannot be read as a goal document. ``str()`` is the one line users see."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")
