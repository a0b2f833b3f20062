"""The backup to take before an operation that destroys data: the exact commands, for the
tables and columns it drops or narrows, and how to restore from them."""

from __future__ import annotations

_DESTRUCTIVE = ("drop_table", "drop_column", "alter_type")


def targets(facts) -> list[tuple[str, str | None]]:
    """(table, column or None for the whole table) that FACTS destroys."""
    if not facts.data_loss:
        return []
    found = []
    for statement in facts.existing():
        if statement.kind in _DESTRUCTIVE and statement.table:
            column = None if statement.kind == "drop_table" else statement.column
            if (statement.table, column) not in found:
                found.append((statement.table, column))
    return found


def commands(facts, review) -> list[str]:
    """Shell commands that save what FACTS destroys (run them against production first)."""
    out = []
    stamp = review.today.isoformat()
    for table, column in targets(facts):
        if column is None:
            out.append(f'pg_dump "$DATABASE_URL" --table={table} --format=custom --file={table}-{stamp}.dump')
            out.append(f"# restore: pg_restore --dbname=\"$DATABASE_URL\" --table={table} {table}-{stamp}.dump")
            continue
        model = review.model_of(table)
        key = model.pk_column if model else None
        selected = f"{key}, {column}" if key and key != column else column
        out.append(f'pg_dump "$DATABASE_URL" --table={table} --data-only --format=custom '
                   f"--file={table}-{stamp}.dump")
        out.append(f'psql "$DATABASE_URL" -c "\\copy (SELECT {selected} FROM {table}) TO '
                   f"'{table}.{column}-{stamp}.csv' WITH (FORMAT csv, HEADER)\"")
    return out
