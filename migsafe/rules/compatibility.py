"""MS2xx: data loss, and changes that break code still running during a rolling deploy."""

from __future__ import annotations

from migsafe.rules.registry import Rule, register


def _statements(facts, kind):
    return [s for s in facts.existing() if s.kind == kind]


@register
class ColumnDropped(Rule):
    id = "MS201"
    severity = "error"
    family = "compatibility"
    title = "Column dropped while code may still read it"
    why = (
        "The column's data is gone for good, and until every instance runs the new code, the old code "
        "still selects the column (Django lists every field) and fails."
    )
    fix = (
        "Two deploys: first remove the field from the model with SeparateDatabaseAndState (state only), "
        "deploy; then drop the column in a later migration. Back the data up first."
    )

    def check(self, facts, context):
        return [(f"drops column {s.table}.{s.column} and its data", self.fix) for s in _statements(facts, "drop_column")]


@register
class TableDropped(Rule):
    id = "MS202"
    severity = "error"
    family = "compatibility"
    title = "Table dropped while code may still use it"
    why = "Every row is lost, and running code that still queries the model fails until it is replaced."
    fix = (
        "Remove the model from the state first (SeparateDatabaseAndState), deploy, then drop the table "
        "in a later migration, after a backup (pg_dump -t <table>)."
    )

    def check(self, facts, context):
        return [(f"drops table {s.table} and all its rows", self.fix) for s in _statements(facts, "drop_table")]


@register
class Renamed(Rule):
    id = "MS203"
    severity = "error"
    family = "compatibility"
    title = "Column or table renamed under running code"
    why = "Code deployed before the migration still uses the old name and fails as soon as it runs."
    fix = (
        "Keep the database name (db_column / db_table) and rename only in Python; or add the new column, "
        "write to both, backfill, switch reads, then drop the old one."
    )

    def check(self, facts, context):
        found = []
        for s in facts.existing():
            if s.kind == "rename_column":
                found.append((f"renames column {s.table}.{s.column}", self.fix))
            elif s.kind == "rename_table":
                found.append((f"renames table {s.table}", self.fix))
        return found


@register
class NotNullWithoutDefault(Rule):
    id = "MS204"
    severity = "error"
    family = "compatibility"
    title = "NOT NULL column added without a database default"
    why = (
        "Django adds the column with a DEFAULT and drops the default straight away. Code still running "
        "the old version inserts rows without the column, and the database rejects them (NOT NULL)."
    )
    fix = (
        "Give it db_default= (Django 5.0+): the database keeps the default and older code's inserts "
        "work. Before 5.0: add it with null=True, deploy, backfill, then make it NOT NULL."
    )

    def check(self, facts, context):
        return [
            (f"adds NOT NULL column {table}.{column} and leaves no database default", self.fix)
            for table, column, had_default in facts.added_not_null
            if table not in facts.new_tables and (not had_default or (table, column) in facts.dropped_defaults)
        ]


@register
class MadeNotNull(Rule):
    id = "MS205"
    severity = "warning"
    family = "compatibility"
    title = "Column made NOT NULL while code may still write NULL"
    why = "Until every instance runs the new code, the old code may save None into the column and fail."
    fix = "Deploy code that never writes NULL first; then constrain the column (see MS102 for how)."

    def check(self, facts, context):
        return [
            (f"makes {s.table}.{s.column} NOT NULL", self.fix)
            for s in facts.existing() if s.kind in ("set_not_null", "set_not_null_checked")
        ]


@register
class TypeNarrowed(Rule):
    id = "MS206"
    severity = "error"
    family = "compatibility"
    title = "Column type narrowed"
    why = "Values that do not fit the new type make the migration fail halfway, or are cut to fit."
    fix = "Check the data first (SELECT max(length(col)) ...), clean it, and widen instead where possible."

    def check(self, facts, context):
        return [(reason, self.fix) for reason in facts.reasons if reason.startswith("narrows ")]
