"""Watch what PostgreSQL really does while each operation runs on a scratch database.

Each operation runs in a transaction of its own; before it commits, pg_locks (this
session's relation locks), pg_class.relfilenode (a new file means the table was
rewritten) and pg_stat_xact_user_tables.seq_scan (full scans) are read. Deferred SQL is
observed statement by statement and credited to the operation that queued it. Statements
that cannot run in a transaction (CONCURRENTLY) are watched from a second session, which
holds a ROW EXCLUSIVE lock on the table so the statement waits where it can be seen.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from migsafe.analysis.locks import PG_LOCKS_NAMES, strongest

_TABLES = """
    SELECT c.oid, c.relname, c.relfilenode
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'
"""
_SCANS = "SELECT relid, seq_scan FROM pg_stat_xact_user_tables WHERE schemaname = 'public'"
_LOCKS = """
    SELECT c.relname, l.mode
    FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE l.pid = %s AND l.locktype = 'relation' AND l.granted
      AND c.relkind IN ('r', 'p') AND n.nspname = 'public'
"""


@dataclass
class Observation:
    """What one operation did to existing tables, as PostgreSQL reported it."""

    locks: dict[str, str] = field(default_factory=dict)  # table -> strongest mode
    rewritten: set[str] = field(default_factory=set)
    scanned: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)

    def merge(self, other: "Observation") -> None:
        for table, mode in other.locks.items():
            self.locks[table] = strongest([self.locks.get(table), mode])
        self.rewritten |= other.rewritten
        self.scanned |= other.scanned
        self.created |= other.created

    def as_dict(self) -> dict:
        return {
            "locks": dict(sorted(self.locks.items())),
            "rewritten": sorted(self.rewritten),
            "scanned": sorted(self.scanned),
            "created": sorted(self.created),
        }


class Observer:
    """Runs a piece of work on the traced connection and reports what it did."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.by_operation: dict[int, Observation] = {}

    def _cursor(self):
        return self.connection.cursor()

    def _tables(self) -> dict[int, tuple[str, int]]:
        with self._cursor() as cursor:
            cursor.execute(_TABLES)
            return {oid: (name, node) for oid, name, node in cursor.fetchall()}

    def _scans(self) -> dict[int, int]:
        with self._cursor() as cursor:
            cursor.execute(_SCANS)
            return dict(cursor.fetchall())

    def _locks(self, pid: int) -> dict[str, str]:
        with self._cursor() as cursor:
            cursor.execute(_LOCKS, [pid])
            found: dict[str, str] = {}
            for name, mode in cursor.fetchall():
                found[name] = strongest([found.get(name), PG_LOCKS_NAMES.get(mode, mode)])
            return found

    def run(self, owner: int, work, in_transaction: bool) -> None:
        """Run WORK (a callable) and credit what it did to operation OWNER."""
        from django.db.transaction import atomic

        observation = Observation()
        if in_transaction:
            with atomic(self.connection.alias):
                before_tables = self._tables()
                before_scans = self._scans()
                work()
                observation.locks = self._locks(self._pid())
                self._compare(observation, before_tables, self._tables(), before_scans, self._scans())
        else:
            before_tables = self._tables()
            watcher = _Watcher(self.connection, self._pid(), list(n for n, _ in before_tables.values()))
            with watcher:
                work()
            observation.locks = watcher.locks
            self._compare(observation, before_tables, self._tables(), {}, {})
        existing = {name for name, _ in before_tables.values()}
        observation.locks = {t: m for t, m in observation.locks.items() if t in existing}
        self.by_operation.setdefault(owner, Observation()).merge(observation)

    def _pid(self) -> int:
        with self._cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    @staticmethod
    def _compare(observation, before, after, scans_before, scans_after) -> None:
        for oid, (name, node) in after.items():
            if oid not in before:
                observation.created.add(name)
            elif before[oid][1] != node:
                observation.rewritten.add(name)
            if scans_after.get(oid, 0) > scans_before.get(oid, 0) and oid in before:
                observation.scanned.add(name)


class _Watcher:
    """Watches a statement that runs outside a transaction from a second session.

    The second session holds ROW EXCLUSIVE on every existing table, which CONCURRENTLY
    builds and drops wait for after taking their own lock, so it can be read in pg_locks.
    """

    def __init__(self, connection, pid: int, tables: list[str]) -> None:
        self.settings = connection.settings_dict
        self.pid = pid
        self.tables = tables
        self.locks: dict[str, str] = {}
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        self._thread.start()
        self._ready.wait(timeout=10)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)
        return False

    def _connect(self):
        import psycopg

        return psycopg.connect(
            host=self.settings["HOST"], port=self.settings["PORT"] or 5432, user=self.settings["USER"],
            password=self.settings["PASSWORD"] or None, dbname=self.settings["NAME"], autocommit=False,
        )

    def _watch(self) -> None:
        from psycopg import sql

        with self._connect() as conn:
            if self.tables:
                conn.execute(
                    sql.SQL("LOCK TABLE {} IN ROW EXCLUSIVE MODE").format(
                        sql.SQL(", ").join(sql.Identifier(t) for t in self.tables)
                    )
                )
            self._ready.set()
            deadline = time.monotonic() + 2.0
            holding = True
            while not self._stop.is_set():
                rows = conn.execute(_LOCKS, [self.pid]).fetchall()
                for name, mode in rows:
                    self.locks[name] = strongest([self.locks.get(name), PG_LOCKS_NAMES.get(mode, mode)])
                if holding and (time.monotonic() > deadline or conn.execute(
                    "SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [self.pid]
                ).fetchone()[0]):
                    conn.rollback()  # it waits on us: what it holds has been seen; let it go
                    holding = False
                time.sleep(0.001)
            if holding:
                conn.rollback()
