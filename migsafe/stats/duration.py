"""How long an operation's heavy work lasts on a table of known size.

One linear model per kind of work, from the throughput the server showed (`migsafe
calibrate`) or the defaults: a rewrite copies the heap and TOAST and then builds every
index again (so a narrow table with many indexes rewrites slower than its size says); a
scan, an index build and a foreign key check go row by row (checking a row costs more
than reading its bytes, once the table is in cache). Estimates are for the blocking step, on a warm cache: the order of magnitude, not
a promise.
"""

from __future__ import annotations

from dataclasses import dataclass

from migsafe.stats.model import TableStats, Throughput

REWRITE, SCAN, INDEX, FOREIGN_KEY = "rewrite", "scan", "index build", "foreign key validation"

_FOREIGN_KEY_KINDS = {"add_foreign_key", "validate_foreign_key"}


@dataclass
class Work:
    """One statement's heavy work on one table, and how long it should take."""

    kind: str
    table: TableStats
    seconds: float


def work_kind(statement) -> str | None:
    """What STATEMENT (a StatementFacts) does row by row, None for catalog-only changes."""
    if statement.rewrites or statement.kind == "update":
        return REWRITE
    if statement.kind in _FOREIGN_KEY_KINDS:
        return FOREIGN_KEY
    if statement.builds_index:
        return INDEX
    if statement.scans:
        return SCAN
    return None


def seconds(kind: str, table: TableStats, throughput: Throughput, indexes: int) -> float:
    """Seconds of KIND of work on TABLE, which has INDEXES indexes."""
    if kind == REWRITE:
        return (table.table_bytes / throughput.rewrite_bytes_per_second
                + table.rows * indexes / throughput.index_rows_per_second)
    if kind == SCAN:
        return table.rows / throughput.scan_rows_per_second
    if kind == INDEX:
        return table.rows / throughput.index_rows_per_second
    return table.rows / throughput.fk_rows_per_second


def operation_work(facts, stats) -> list[Work]:
    """The heavy work of each statement of FACTS on a table present in STATS (tables created
    by the branch are empty in production and have none)."""
    found = []
    for statement in facts.existing():
        kind = work_kind(statement)
        table = stats.table(statement.table) if kind else None
        if table is not None:
            found.append(Work(kind, table, seconds(kind, table, stats.throughput, len(stats.indexes_of(table.name)))))
    return found
