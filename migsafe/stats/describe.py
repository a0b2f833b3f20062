"""Production figures as findings, JSON and the report say them."""

from __future__ import annotations


def size_text(size: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{int(size)} B"


def duration_text(seconds: float) -> str:
    if seconds >= 5400:
        return f"~{seconds / 3600:.1f} h"
    if seconds >= 120:
        return f"~{seconds / 60:.0f} min"
    return f"~{seconds:.1f} s" if seconds >= 0.1 else "<0.1 s"


def rows_text(rows: int) -> str:
    return f"{rows:,} row{'' if rows == 1 else 's'}"


def rates(table, stats) -> tuple[float | None, float | None]:
    """(writes per second, scans per second) of TABLE since the counters started."""
    elapsed = stats.seconds_observed()
    if not elapsed:
        return None, None
    return table.writes / elapsed, table.scans / elapsed


def table_dict(table, stats) -> dict:
    """The `table_stats` JSON of a finding."""
    writes, scans = rates(table, stats)
    return {
        "schema": table.schema,
        "table": table.name,
        "model": table.model,
        "rows": table.rows,
        "total_bytes": table.total_bytes,
        "table_bytes": table.table_bytes,
        "index_bytes": table.index_bytes,
        "seq_scan": table.seq_scan,
        "idx_scan": table.idx_scan,
        "writes_per_second": round(writes, 3) if writes is not None else None,
        "scans_per_second": round(scans, 3) if scans is not None else None,
    }


def table_note(table, seconds: float | None = None) -> str:
    """"table shop_order: 1,000,000 rows, 107.0 MB, estimated blocking ~2.3 s"."""
    text = f"table {table.name}: {rows_text(table.rows)}, {size_text(table.total_bytes)}"
    return text + (f", estimated blocking {duration_text(seconds)}" if seconds is not None else "")
