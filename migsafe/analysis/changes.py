"""Change: one thing a SQL statement does, as the catalog understood it before applying it.

The catalog is the one SQL parser in migsafe: while it applies a statement it reports what
the statement does together with what it knew just before (a column's old type, whether a
validated NOT NULL check exists, which tables reference a dropped one). The classifier
turns changes into lock, rewrite and scan facts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    kind: str  # a key of migsafe.analysis.locks.STATEMENTS, or "other"
    table: str | None = None
    # Other tables the statement locks: FK targets of added constraints, tables whose
    # foreign keys a DROP ... CASCADE removes.
    related: tuple[str, ...] = ()
    column: str | None = None
    old_type: str | None = None
    new_type: str | None = None
    default: str | None = None  # the DEFAULT expression of an added column, as written
    not_null: bool = False
    generated: bool = False  # GENERATED ALWAYS AS (...) STORED, identity or serial
    not_valid: bool = False
    concurrently: bool = False
    proven_not_null: bool = False  # SET NOT NULL with a validated CHECK (col IS NOT NULL)
    using: bool = False  # ALTER COLUMN TYPE ... USING
    creates_table: bool = False
    lock_mode: str | None = None  # LOCK TABLE ... IN <mode> MODE
    new_name: str | None = None  # ALTER TABLE ... RENAME TO
    has_where: bool = True  # UPDATE / DELETE with a top-level WHERE
    name: str | None = None  # the index of CREATE INDEX / DROP INDEX
