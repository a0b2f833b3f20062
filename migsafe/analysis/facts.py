"""Facts: what one operation does to production while it runs. Rules read these."""

from __future__ import annotations

from dataclasses import dataclass, field

from migsafe.analysis.locks import blocks_reads, blocks_writes, strongest


@dataclass
class StatementFacts:
    """One statement's effect, as classified."""

    sql: str
    kind: str  # a key of migsafe.analysis.locks.STATEMENTS, or "other"
    table: str | None = None
    locks: dict[str, str] = field(default_factory=dict)  # relation -> mode
    rewrites: bool = False
    scans: bool = False
    builds_index: bool = False
    concurrently: bool = False
    not_valid: bool = False
    column: str | None = None
    has_where: bool = True  # UPDATE / DELETE limited by a WHERE clause
    name: str | None = None  # the index created or dropped
    under_lock_timeout: bool = False  # a lock_timeout was in force when it ran
    detail: str = ""  # human explanation of the decision (e.g. "integer -> bigint is not binary-coercible")


@dataclass
class Facts:
    """Everything migsafe knows about one operation."""

    app_label: str
    migration: str
    operation_index: int
    operation: str
    operation_class: str
    file: str | None
    line: int | None
    sql: list[str]
    atomic_migration: bool
    statements: list[StatementFacts] = field(default_factory=list)
    data_loss: bool = False
    backward_incompatible: bool = False
    runs_python: bool = False
    # Tables that are empty in production when this runs: created earlier in the same
    # migration, or in a migration new on this branch.
    new_tables: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)  # why data_loss / backward_incompatible
    # Columns added NOT NULL (table, column, with a DEFAULT) and defaults dropped afterwards:
    # together they tell whether the database keeps a default for older code's inserts.
    added_not_null: list[tuple[str, str, bool]] = field(default_factory=list)
    dropped_defaults: set[tuple[str, str]] = field(default_factory=set)

    # Tables renamed by this operation: old name -> new name (locks are reported under the
    # new name, as pg_locks shows them once the operation is done).
    renames: dict[str, str] = field(default_factory=dict)

    def final_name(self, table: str | None) -> str | None:
        seen = set()
        while table in self.renames and table not in seen:
            seen.add(table)
            table = self.renames[table]
        return table

    @property
    def locks(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for statement in self.statements:
            for relation, mode in statement.locks.items():
                relation = self.final_name(relation)
                merged[relation] = strongest([merged.get(relation), mode])
        return merged

    def existing(self):
        """Statements on tables that exist (with rows) in production."""
        return [s for s in self.statements if s.table not in self.new_tables]

    @property
    def lock_mode(self) -> str | None:
        """The strongest lock taken, new tables included."""
        return strongest(self.locks.values())

    @property
    def existing_lock_mode(self) -> str | None:
        """The strongest lock on a table that exists (and has rows) in production."""
        return strongest(mode for table, mode in self.locks.items() if table not in self.new_tables)

    @property
    def blocks_reads(self) -> bool:
        return blocks_reads(self.existing_lock_mode)

    @property
    def blocks_writes(self) -> bool:
        return blocks_writes(self.existing_lock_mode)

    @property
    def rewrites_table(self) -> bool:
        return any(s.rewrites for s in self.existing())

    @property
    def scans_table(self) -> bool:
        return any(s.scans for s in self.existing())

    def as_dict(self, rules: list[str]) -> dict:
        from migsafe.render import identity

        return {
            **identity(self),
            "sql": list(self.sql),
            "locks": dict(sorted(self.locks.items())),
            "lock_mode": self.lock_mode,
            "blocks_reads": self.blocks_reads,
            "blocks_writes": self.blocks_writes,
            "rewrites_table": self.rewrites_table,
            "scans_table": self.scans_table,
            "data_loss": self.data_loss,
            "backward_incompatible": self.backward_incompatible,
            "rules": rules,
        }
