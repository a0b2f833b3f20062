"""The source of one migration operation as written in its file (the "current code")."""

from __future__ import annotations

import ast
import textwrap
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=None)
def _parsed(path: str) -> tuple[str, ast.Module | None]:
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    try:
        return text, ast.parse(text)
    except SyntaxError:
        return text, None


def operation_source(path: str | None, line: int | None) -> str | None:
    """The expression that starts on LINE inside an ``operations`` list, dedented."""
    if not path or not line:
        return None
    text, tree = _parsed(path)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.List):
            for element in node.elts:
                if element.lineno == line:
                    lines = text.splitlines()[element.lineno - 1:element.end_lineno]
                    return textwrap.dedent("\n".join(lines)).rstrip().rstrip(",")
    return None
