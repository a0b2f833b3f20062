"""MS1xx: locks that stop production traffic, and for how long."""

from __future__ import annotations

from migsafe.analysis.locks import blocks_writes
from migsafe.rules.registry import Rule, register


def _unguarded(facts):
    """Statements asking for ACCESS EXCLUSIVE on an existing table with no lock_timeout in force."""
    return [
        s for s in facts.existing()
        if s.locks.get(s.table) == "ACCESS EXCLUSIVE" and not s.under_lock_timeout
    ]


def _existing(facts, *kinds):
    return [s for s in facts.existing() if s.kind in kinds]


@register
class TableRewrite(Rule):
    id = "MS101"
    severity = "error"
    family = "locking"
    title = "Table rewritten under an ACCESS EXCLUSIVE lock"
    why = (
        "PostgreSQL copies every row into a new file while holding ACCESS EXCLUSIVE: nothing can read "
        "or write the table until the copy ends, which takes minutes on a large table."
    )
    fix = (
        "Add a new column with the new type, backfill it in batches, switch the code over, then drop "
        "the old column; for a volatile default, add the column without a default and backfill; a "
        "stored generated or identity column is computed by the same backfill-then-switch route."
    )

    def check(self, facts, context):
        found = []
        for statement in facts.existing():
            if statement.rewrites:
                reason = f" ({statement.detail})" if statement.detail else ""
                found.append((f"rewrites table {statement.table}{reason}", self.fix))
        return found


@register
class NotNullScan(Rule):
    id = "MS102"
    severity = "error"
    family = "locking"
    title = "SET NOT NULL scans the table under ACCESS EXCLUSIVE"
    why = (
        "To make a column NOT NULL, PostgreSQL reads every row to look for NULLs while holding ACCESS "
        "EXCLUSIVE, unless a validated CHECK (column IS NOT NULL) already proves it (PostgreSQL 12+)."
    )
    fix = (
        "Add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it in a later migration (SHARE UPDATE "
        "EXCLUSIVE, no blocking), then SET NOT NULL (instant) and drop the check."
    )

    def check(self, facts, context):
        return [
            (f"SET NOT NULL on {s.table}.{s.column} scans the whole table while blocking reads and writes", self.fix)
            for s in _existing(facts, "set_not_null")
        ]


@register
class BlockingIndexBuild(Rule):
    id = "MS103"
    severity = "error"
    family = "locking"
    title = "Index built without CONCURRENTLY on an existing table"
    why = (
        "CREATE INDEX holds a SHARE lock for the whole build: reads go on but every INSERT, UPDATE "
        "and DELETE waits. Unique and exclusion constraints build their index under ACCESS EXCLUSIVE."
    )
    fix = (
        "Use AddIndexConcurrently in its own migration with atomic = False (for db_index=True, or an "
        "index Django adds with a field: keep the field change state-only and add the index concurrently); "
        "for a unique constraint, CREATE UNIQUE INDEX CONCURRENTLY then ADD CONSTRAINT ... USING INDEX."
    )

    def check(self, facts, context):
        builds: dict[tuple[str, str], int] = {}
        for s in facts.existing():
            if s.builds_index and not s.concurrently:
                kind = "" if s.kind == "create_index" else s.kind.split("_", 1)[1]
                key = (facts.final_name(s.table), kind)
                builds[key] = builds.get(key, 0) + 1
        found = []
        for (table, kind), count in builds.items():
            if kind:
                what = f"the index of {'a' if count == 1 else count} {kind} constraint{'s' if count > 1 else ''}"
            else:
                what = "an index" if count == 1 else f"{count} indexes"
            blocked = "reads and writes are" if kind else "writes are"
            found.append((f"builds {what} on {table} while {blocked} blocked", self.fix))
        return found


@register
class BlockingIndexDrop(Rule):
    id = "MS104"
    severity = "warning"
    family = "locking"
    title = "Index dropped without CONCURRENTLY"
    why = "DROP INDEX takes ACCESS EXCLUSIVE on the table; behind a long query it queues every other query."
    fix = "Use RemoveIndexConcurrently in a migration with atomic = False."

    def check(self, facts, context):
        drops: dict[str, int] = {}
        for s in _existing(facts, "drop_index"):
            drops[s.table] = drops.get(s.table, 0) + 1
        return [(f"drops {'an index' if n == 1 else f'{n} indexes'} on {table} with an ACCESS EXCLUSIVE lock",
                 self.fix) for table, n in drops.items()]


@register
class BlockingValidation(Rule):
    id = "MS105"
    severity = "error"
    family = "locking"
    title = "Constraint validated while writes are blocked"
    why = (
        "Adding a CHECK or FOREIGN KEY constraint checks every existing row while holding a lock that "
        "blocks writes (ACCESS EXCLUSIVE for CHECK; SHARE ROW EXCLUSIVE on both tables for a FOREIGN KEY)."
    )
    fix = (
        "Add the constraint NOT VALID (AddConstraintNotValid, or RunSQL for a foreign key), then "
        "ValidateConstraint in a following migration: validation takes SHARE UPDATE EXCLUSIVE only."
    )

    def check(self, facts, context):
        found = []
        for s in _existing(facts, "add_check", "add_foreign_key"):
            what = "CHECK" if s.kind == "add_check" else "FOREIGN KEY"
            found.append((f"adds a {what} constraint to {s.table} and validates every row while blocking writes", self.fix))
        if facts.atomic_migration:
            # NOT VALID then VALIDATE in one transaction: the scan runs under the ADD's lock.
            held = {t for earlier in context.before(facts) for t, m in earlier.locks.items() if blocks_writes(m)}
            for s in facts.existing():
                if s.kind.startswith("validate_") and s.table in held:
                    found.append((f"validates a constraint on {s.table} while this transaction still holds the "
                                  "lock taken when it was added", self.fix))
                held |= {t for t, m in s.locks.items() if blocks_writes(m)}
        return found


@register
class NoLockTimeout(Rule):
    id = "MS106"
    severity = "warning"
    family = "locking"
    title = "ACCESS EXCLUSIVE lock requested without lock_timeout"
    why = (
        "A statement waiting for ACCESS EXCLUSIVE behind a long transaction makes every query that "
        "arrives after it wait too: a brief lock becomes an outage. lock_timeout makes it give up instead."
    )
    fix = (
        "Start the migration with RunSQL(\"SET LOCAL lock_timeout = '5s'\", reverse_sql=migrations.RunSQL.noop) "
        "(SET LOCAL ends with the migration's transaction; in an atomic = False migration use SET and RESET "
        "lock_timeout afterwards) and retry on timeout."
    )

    def check(self, facts, context):
        if any(_unguarded(earlier) for earlier in context.before(facts)):
            return []  # said once per migration
        tables = sorted({facts.final_name(s.table) for s in _unguarded(facts)})
        if not tables:
            return []
        return [(f"waits for ACCESS EXCLUSIVE on {', '.join(tables)} with no lock_timeout set", self.fix)]


@register
class LockHeldDuringSlowStep(Rule):
    id = "MS107"
    severity = "warning"
    family = "locking"
    title = "A lock is held while a later slow step runs in the same transaction"
    why = (
        "In an atomic migration every lock is held until COMMIT. A lock taken by one operation keeps "
        "blocking traffic while a later operation rewrites, scans, builds an index or runs Python."
    )
    fix = "Move the slow step into its own migration (atomic = False where it can be), after the quick one."

    def check(self, facts, context):
        if not facts.atomic_migration:
            return []
        slow = facts.runs_python or facts.rewrites_table or facts.scans_table
        if not slow:
            return []
        held = {}
        for earlier in context.before(facts):
            for table, mode in earlier.locks.items():
                if table not in earlier.new_tables and mode in ("ACCESS EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE", "EXCLUSIVE"):
                    held.setdefault(table, (mode, earlier.operation_index))
        if not held:
            return []
        step = "runs Python" if facts.runs_python else "rewrites or scans a table"
        locks = ", ".join(f"{mode} on {table} (operation {index})" for table, (mode, index) in sorted(held.items()))
        return [(f"{step} while this migration still holds {locks}", self.fix)]


@register
class ConcurrentlyInTransaction(Rule):
    id = "MS108"
    severity = "error"
    family = "locking"
    title = "CONCURRENTLY inside an atomic migration"
    why = (
        "CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction block: Django refuses the "
        "contrib.postgres operations (NotSupportedError) and PostgreSQL refuses the SQL: the migration fails."
    )
    fix = "Set atomic = False on the migration (and keep the concurrent operation alone in it)."

    def check(self, facts, context):
        if facts.atomic_migration and (
            "Concurrently" in facts.operation_class or any(s.concurrently for s in facts.statements)
        ):
            return [("runs a CONCURRENTLY statement in an atomic migration: it fails", self.fix)]
        return []


@register
class NotRerunnable(Rule):
    id = "MS109"
    severity = "info"
    family = "locking"
    title = "Concurrent index build cannot simply be re-run after a failure"
    why = (
        "If CREATE INDEX CONCURRENTLY fails (lock_timeout, deadlock, duplicate key), it leaves an INVALID "
        "index behind and the migration is not recorded: running it again fails with 'already exists', "
        "and IF NOT EXISTS would skip the build and keep the invalid index."
    )
    fix = (
        "Write it with RunSQL in a non-atomic migration: DROP INDEX CONCURRENTLY IF EXISTS <name>, then "
        "CREATE INDEX CONCURRENTLY <name> (state_operations=[AddIndex(...)] keeps the state right); or, on "
        "failure, drop the invalid index by hand before migrating again."
    )

    def check(self, facts, context):
        found = []
        dropped: set[str] = set()  # leftover indexes the operation drops first
        for s in facts.statements:
            if s.kind == "drop_index_concurrently":
                dropped.add(s.name)
            elif s.kind == "create_index_concurrently" and s.table not in facts.new_tables and s.name not in dropped:
                found.append((f"a failed build leaves an INVALID index on {s.table}: re-running fails, or with "
                              "IF NOT EXISTS silently keeps the invalid index", self.fix))
        return found
