"""Errors that reach the user: each names the file (and line) at fault and says what to do."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path


class MigsafeError(Exception):
    """A usage or tool error: the CLI prints it and exits with status 2."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nhint: {self.hint}"


class ProjectImportError(MigsafeError):
    """The project's code cannot be imported (its settings raise, an app or a package is
    missing): `check` falls back to reading the migration files statically."""


@dataclass(frozen=True)
class Problem:
    """Something that stopped part of the project from being analysed.

    Problems are collected, not raised, so that everything unaffected is still analysed.
    """

    kind: str  # e.g. "migration-import", "missing-dependency", "dependency-cycle", "render"
    message: str
    file: str | None = None
    line: int | None = None
    app_label: str | None = None
    migration: str | None = None
    hint: str | None = None

    def location(self) -> str:
        if not self.file:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "app_label": self.app_label,
            "migration": self.migration,
            "hint": self.hint,
        }


def innermost_frame_in(exc: BaseException, path: str | Path) -> int | None:
    """Line of the deepest traceback frame that lies in ``path`` (the user's file)."""
    target = str(Path(path).resolve())
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        try:
            if str(Path(frame.filename).resolve()) == target:
                line = frame.lineno
        except OSError:
            continue
    if isinstance(exc, SyntaxError) and exc.filename:
        try:
            if str(Path(exc.filename).resolve()) == target:
                line = exc.lineno
        except OSError:
            pass
    return line


def describe_exception(exc: BaseException) -> str:
    text = str(exc).strip()
    name = type(exc).__name__
    return f"{name}: {text}" if text else name
