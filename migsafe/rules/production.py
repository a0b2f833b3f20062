"""Rules that need production statistics (`--stats` / `--stats-url`): they run only when
the check has them, after the other rules, on a migsafe.stats.apply.StatsContext."""

from __future__ import annotations

from migsafe.rules.registry import Rule, register
from migsafe.stats.describe import rows_text, size_text
from migsafe.stats.duration import work_kind


@register
class LockQueuePileUp(Rule):
    id = "MS110"
    severity = "error"
    family = "locking"
    scope = "stats"
    title = "Brief ACCESS EXCLUSIVE on a busy table without lock_timeout: lock-queue pile-up"
    why = (
        "Even an instant ALTER must first get ACCESS EXCLUSIVE. Behind one long transaction it waits, and "
        "every query that arrives on the table after it waits too; on a table production reads and writes "
        "many times a second, that queue is an outage within seconds."
    )
    fix = (
        "Set lock_timeout at the start of the migration (RunSQL(\"SET LOCAL lock_timeout = '5s'\")) and "
        "retry the migration when it times out, a few times with a pause: the ALTER gives up in seconds "
        "instead of stopping the table's traffic."
    )

    def check_stats(self, context):
        found, warned = [], set()
        for facts in context.result.operations:
            busy = []  # TableStats
            for s in facts.existing():
                table = context.stats.table(s.table)
                key = (facts.app_label, facts.migration, s.table)
                if (s.locks.get(s.table) != "ACCESS EXCLUSIVE" or s.under_lock_timeout or work_kind(s)
                        or table is None or key in warned or not context.busy(table)):
                    continue
                warned.add(key)
                busy.append(table)
            if busy:
                suggestion = self.fix.replace("'5s'", f"'{context.lock_timeout}'")
                tables = ", ".join(map(context.traffic, busy))
                found.append((None, f"waits for ACCESS EXCLUSIVE on {tables} with no lock_timeout: behind one long "
                                    "transaction every query on it queues", suggestion, facts, busy[0]))
        return found


@register
class IndexUnusedInProduction(Rule):
    id = "MS504"
    severity = "warning"
    family = "indexing"
    scope = "stats"
    title = "Index never scanned in production on a large table"
    why = (
        "pg_stat_user_indexes.idx_scan = 0 means no query used the index since the statistics started. On a "
        "large table it still costs: every INSERT, and every UPDATE of its columns, writes it; it takes disk "
        "and cache, and VACUUM reads it."
    )
    fix = (
        "Confirm on every server (replicas count their own scans) and over a full business cycle, then remove "
        "it from the model and drop it with RemoveIndexConcurrently in a migration with atomic = False."
    )

    def check_stats(self, context):
        found = []
        for model, table in context.project_tables():
            if table.rows < context.thresholds.large_table_rows:
                continue
            # Foreign key indexes serve the parent's deletes: rare, but a scan of the table without them.
            keys = {f.column for f in model._meta.local_concrete_fields if f.is_relation}
            for index in context.stats.indexes_of(table.name):
                if (index.idx_scan or index.unique or index.primary or index.name in context.explained_indexes
                        or index.columns[:1] and index.columns[0] in keys):
                    continue
                where = context.index_location(model, index)
                if where is not None:
                    found.append((where, f"index {index.name} on {table.name} ({size_text(index.bytes)}) was never "
                                         f"scanned since {context.since}; {table.name} has {rows_text(table.rows)} "
                                         "and every write maintains it", self.fix, None, table))
        return found
