"""Where the project's code loads related rows up front (select_related / prefetch_related):
the good query patterns the report can point at. Read with ast, never imported."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

METHODS = ("select_related", "prefetch_related")
_SKIP = {".git", ".tox", ".nox", ".venv", "venv", "env", "node_modules", "__pycache__", "site-packages",
         "build", "dist", "migrations", "tests"}


@dataclass(frozen=True)
class Call:
    file: str  # relative to the project root
    line: int
    method: str
    code: str  # the call's source line, stripped


def related_loading(root: Path) -> list[Call]:
    """Every select_related / prefetch_related call in the project's Python files."""
    calls = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if any(part in _SKIP for part in relative.parts[:-1]):
            continue
        try:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        lines = text.splitlines()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in METHODS:
                line = node.func.end_lineno or node.lineno
                calls.append(Call(relative.as_posix(), line, node.func.attr, lines[line - 1].strip()))
    return sorted(set(calls), key=lambda c: (c.file, c.line, c.method))
