"""MS4xx: data migrations (RunPython, RunSQL writing rows), their reversibility, and raw SQL migsafe cannot read."""

from __future__ import annotations

from migsafe.rules.registry import Rule, register


def _operation(context, facts):
    return context.operation(facts)


@register
class DataWithSchema(Rule):
    id = "MS401"
    severity = "warning"
    family = "data"
    title = "Data migration in the same transaction as schema changes"
    why = (
        "In one atomic migration the schema change's locks are held while the data migration runs, "
        "and a failure in either rolls both back after holding them the whole time."
    )
    fix = "Put the data migration in a migration of its own, between the schema migrations it needs."

    def check(self, facts, context):
        if not (facts.atomic_migration and facts.runs_python):
            return []
        ddl = [other for other in context.migration.operations if other is not facts and other.existing_lock_mode
               in ("ACCESS EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE", "EXCLUSIVE")]
        if not ddl:
            return []
        others = ", ".join(str(o.operation_index) for o in ddl)
        return [(f"runs Python in the same transaction as schema operation(s) {others}", self.fix)]


@register
class RunPythonWithoutReverse(Rule):
    id = "MS402"
    severity = "warning"
    family = "data"
    title = "RunPython without reverse_code"
    why = "The migration cannot be unapplied: a rollback of the deploy stops here with IrreversibleError."
    fix = "Give reverse_code (a real reverse, or migrations.RunPython.noop when undoing needs nothing)."

    def check(self, facts, context):
        operation = _operation(context, facts)
        if type(operation).__name__ == "RunPython" and getattr(operation, "reverse_code", None) is None:
            return [("RunPython has no reverse_code: the migration cannot be unapplied", self.fix)]
        return []


@register
class RunSQLWithoutReverse(Rule):
    id = "MS403"
    severity = "warning"
    family = "data"
    title = "RunSQL without reverse_sql"
    why = "The migration cannot be unapplied: a rollback of the deploy stops here with IrreversibleError."
    fix = "Give reverse_sql (the SQL that undoes it, or migrations.RunSQL.noop when nothing needs undoing)."

    def check(self, facts, context):
        operation = _operation(context, facts)
        if type(operation).__name__ == "RunSQL" and getattr(operation, "reverse_sql", None) is None:
            return [("RunSQL has no reverse_sql: the migration cannot be unapplied", self.fix)]
        return []


@register
class DataMigrationInTransaction(Rule):
    id = "MS404"
    severity = "info"
    family = "data"
    title = "Data migration runs in one transaction"
    why = (
        "A RunPython in an atomic migration updates every row in a single transaction: row locks are "
        "held until the end, and on a large table it runs long and bloats the table."
    )
    fix = "Batch it: atomic = False on the migration and update a few thousand rows per transaction."

    def check(self, facts, context):
        if facts.runs_python and facts.atomic_migration:
            return [("runs Python inside the migration's single transaction", self.fix)]
        return []


@register
class WholeTableWrite(Rule):
    id = "MS405"
    severity = "warning"
    family = "data"
    title = "UPDATE or DELETE of a whole table in one statement"
    why = "One statement writes every row: it holds row locks on all of them until commit and bloats the table."
    fix = "Batch it by primary key ranges, each in its own transaction (atomic = False)."

    def check(self, facts, context):
        found = []
        for s in facts.existing():
            if s.kind in ("update", "delete") and not s.has_where:
                found.append((f"{s.kind.upper()} of every row of {s.table} in one statement", self.fix))
        return found


@register
class UnknownLocks(Rule):
    id = "MS406"
    severity = "warning"
    family = "data"
    title = "Statement whose locks migsafe cannot tell"
    why = (
        "migsafe reads each statement to know which tables it locks, in which mode, and whether it "
        "rewrites or scans them. A statement it cannot read (a DO block, CALL, CLUSTER, REINDEX, a "
        "statement in another schema, SQL its parser rejects) is checked by no other rule: it may "
        "take an ACCESS EXCLUSIVE lock or rewrite a table without a word."
    )
    fix = (
        "Find out what it locks (`migsafe trace --database-url ...` shows the locks PostgreSQL takes), then "
        "say so on the operation: # migsafe: ignore[MS406] <what it locks and why that is fine>; or split "
        "it into plain statements migsafe reads (ALTER TABLE, CREATE INDEX, UPDATE ...)."
    )

    def check(self, facts, context):
        unknown = list(dict.fromkeys(s.sql for s in facts.statements if s.kind == "other"))
        if not unknown:
            return []
        first = " ".join(unknown[0].split())
        first = first if len(first) <= 80 else first[:77] + "..."
        if len(unknown) == 1:
            return [(f"cannot tell what this statement locks, rewrites or scans: {first}", self.fix)]
        return [(f"cannot tell what {len(unknown)} statements lock, rewrite or scan; the first: {first}", self.fix)]
