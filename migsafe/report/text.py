"""Small wording helpers shared by the report's sections."""

from __future__ import annotations

from collections import Counter


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def severities(findings: list) -> str:
    counts = Counter(f.severity for f in findings)
    return join_words([count(counts[level], level) for level in ("error", "warning", "info") if counts[level]])


def location(where) -> str:
    """`file:line` of a finding's location (or the app when it has no file)."""
    if where.file and where.line:
        return f"`{where.file}:{where.line}`"
    return f"`{where.file}`" if where.file else f"app `{where.app_label}`"


def listing(items: list[str], limit: int = 6) -> str:
    shown = join_words(items[:limit]) if len(items) <= limit else ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
