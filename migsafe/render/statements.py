"""Split SQL into statements the way PostgreSQL (and sqlmigrate's output) separates them."""

from __future__ import annotations

import re

import sqlparse

_SIMPLE = re.compile(r"^[^;'\"$-]*;?\s*$", re.S)


def split_statements(text: str) -> list[str]:
    """Statements of TEXT, each stripped and ending with ';'.

    Most statements Django emits hold no ';' or quotes; only the rest pay for sqlparse.
    """
    text = text.strip()
    if not text:
        return []
    if _SIMPLE.match(text):
        return [text if text.endswith(";") else text + ";"]
    out = []
    for part in sqlparse.split(text):
        part = part.strip()
        if not part or part == ";":
            continue
        out.append(part if part.endswith(";") else part + ";")
    return out


def normalize(statement: str) -> str:
    """Whitespace-insensitive form used to compare offline and live SQL."""
    return " ".join(statement.split())
