"""What PostgreSQL does to a table for each kind of statement: the one place this knowledge lives.

Lock modes and their conflicts are PostgreSQL's (https://www.postgresql.org/docs/current/
explicit-locking.html). Each entry in STATEMENTS is checked against a real server by
`migsafe trace` in the test suite: the mode PostgreSQL reports in pg_locks and whether
pg_class.relfilenode changed.
"""

from __future__ import annotations

from dataclasses import dataclass

# Weakest to strongest.
LOCK_MODES = (
    "ACCESS SHARE",
    "ROW SHARE",
    "ROW EXCLUSIVE",
    "SHARE UPDATE EXCLUSIVE",
    "SHARE",
    "SHARE ROW EXCLUSIVE",
    "EXCLUSIVE",
    "ACCESS EXCLUSIVE",
)
_RANK = {mode: i for i, mode in enumerate(LOCK_MODES)}

# Which modes each mode conflicts with (PostgreSQL's table-level lock conflict table).
CONFLICTS = {
    "ACCESS SHARE": {"ACCESS EXCLUSIVE"},
    "ROW SHARE": {"EXCLUSIVE", "ACCESS EXCLUSIVE"},
    "ROW EXCLUSIVE": {"SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"},
    "SHARE UPDATE EXCLUSIVE": {
        "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE",
    },
    "SHARE": {"ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"},
    "SHARE ROW EXCLUSIVE": {
        "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE",
        "ACCESS EXCLUSIVE",
    },
    "EXCLUSIVE": {
        "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE",
        "EXCLUSIVE", "ACCESS EXCLUSIVE",
    },
    "ACCESS EXCLUSIVE": set(LOCK_MODES),
}

# pg_locks reports modes as lock method names.
PG_LOCKS_NAMES = {
    "AccessShareLock": "ACCESS SHARE",
    "RowShareLock": "ROW SHARE",
    "RowExclusiveLock": "ROW EXCLUSIVE",
    "ShareUpdateExclusiveLock": "SHARE UPDATE EXCLUSIVE",
    "ShareLock": "SHARE",
    "ShareRowExclusiveLock": "SHARE ROW EXCLUSIVE",
    "ExclusiveLock": "EXCLUSIVE",
    "AccessExclusiveLock": "ACCESS EXCLUSIVE",
}


def strongest(modes) -> str | None:
    modes = [m for m in modes if m]
    return max(modes, key=_RANK.__getitem__) if modes else None


def blocks_reads(mode: str | None) -> bool:
    """SELECT takes ACCESS SHARE: only what conflicts with it stops reads."""
    return bool(mode) and "ACCESS SHARE" in CONFLICTS[mode]


def blocks_writes(mode: str | None) -> bool:
    """INSERT/UPDATE/DELETE take ROW EXCLUSIVE."""
    return bool(mode) and "ROW EXCLUSIVE" in CONFLICTS[mode]


@dataclass(frozen=True)
class Effect:
    """What one kind of statement does to the table it targets (and to tables it references)."""

    lock: str  # on the target table ("" when the table itself is not locked)
    referenced_lock: str | None = None  # on tables it references (foreign keys)
    rewrites: bool = False
    scans: bool = False
    builds_index: bool = False
    since: int = 0  # PostgreSQL version number from which this holds (e.g. 110000)
    note: str = ""


# Keyed by the statement kinds migsafe.analysis.sql recognises. Statements whose effect
# depends on details (a column type change, a default) are refined in classify.py, from
# the entries here.
STATEMENTS: dict[str, Effect] = {
    "create_table": Effect("ACCESS EXCLUSIVE", referenced_lock="SHARE ROW EXCLUSIVE",
                           note="a new table is empty: nothing waits on it"),
    "drop_table": Effect("ACCESS EXCLUSIVE", referenced_lock="ACCESS EXCLUSIVE"),
    "add_column": Effect("ACCESS EXCLUSIVE", note="instant unless the default is volatile or the column is stored/identity"),
    "add_column_rewrite": Effect("ACCESS EXCLUSIVE", rewrites=True),
    "drop_column": Effect("ACCESS EXCLUSIVE", note="instant: the column is only marked dropped"),
    "alter_type": Effect("ACCESS EXCLUSIVE", rewrites=True, note="rewrites unless binary-coercible"),
    "alter_type_coercible": Effect("ACCESS EXCLUSIVE", note="binary-coercible: catalog change only"),
    "set_not_null": Effect("ACCESS EXCLUSIVE", scans=True, note="full scan to check for NULLs"),
    "set_not_null_checked": Effect("ACCESS EXCLUSIVE", since=120000,
                                   note="a validated CHECK (col IS NOT NULL) proves it: no scan"),
    "drop_not_null": Effect("ACCESS EXCLUSIVE"),
    "set_default": Effect("ACCESS EXCLUSIVE"),
    "drop_default": Effect("ACCESS EXCLUSIVE"),
    "add_check": Effect("ACCESS EXCLUSIVE", scans=True),
    "add_check_not_valid": Effect("ACCESS EXCLUSIVE"),
    "add_foreign_key": Effect("SHARE ROW EXCLUSIVE", referenced_lock="SHARE ROW EXCLUSIVE", scans=True),
    "add_foreign_key_not_valid": Effect("SHARE ROW EXCLUSIVE", referenced_lock="SHARE ROW EXCLUSIVE"),
    "add_unique": Effect("ACCESS EXCLUSIVE", scans=True, builds_index=True),
    "add_unique_using_index": Effect("ACCESS EXCLUSIVE"),
    "add_exclusion": Effect("ACCESS EXCLUSIVE", scans=True, builds_index=True),
    "validate_constraint": Effect("SHARE UPDATE EXCLUSIVE", scans=True),
    "validate_foreign_key": Effect("SHARE UPDATE EXCLUSIVE", referenced_lock="ROW SHARE", scans=True),
    "drop_constraint": Effect("ACCESS EXCLUSIVE"),
    "drop_foreign_key": Effect("ACCESS EXCLUSIVE", referenced_lock="ACCESS EXCLUSIVE"),
    "rename_constraint": Effect("ACCESS EXCLUSIVE"),
    "create_index": Effect("SHARE", scans=True, builds_index=True),
    "create_index_concurrently": Effect("SHARE UPDATE EXCLUSIVE", scans=True, builds_index=True),
    "drop_index": Effect("ACCESS EXCLUSIVE"),
    "drop_index_concurrently": Effect("SHARE UPDATE EXCLUSIVE"),
    "rename_index": Effect("", note="locks the index (SHARE UPDATE EXCLUSIVE since 12), not the table"),
    "create_view": Effect("", referenced_lock="ACCESS SHARE", note="reads the tables it selects from"),
    "rename_table": Effect("ACCESS EXCLUSIVE"),
    "rename_column": Effect("ACCESS EXCLUSIVE"),
    "set_tablespace": Effect("ACCESS EXCLUSIVE", rewrites=True),
    "add_identity": Effect("ACCESS EXCLUSIVE"),
    "drop_identity": Effect("ACCESS EXCLUSIVE"),
    "comment": Effect("SHARE UPDATE EXCLUSIVE"),
    "alter_table_other": Effect("ACCESS EXCLUSIVE"),
    "update": Effect("ROW EXCLUSIVE", scans=True, note="writes every matching row"),
    "delete": Effect("ROW EXCLUSIVE", scans=True),
    "insert": Effect("ROW EXCLUSIVE"),
    "truncate": Effect("ACCESS EXCLUSIVE"),
    "lock_table": Effect("ACCESS EXCLUSIVE"),
    "create_trigger": Effect("SHARE ROW EXCLUSIVE"),
    "no_table_lock": Effect("", note="session settings, reads, privileges, objects that hold no rows"),
}
