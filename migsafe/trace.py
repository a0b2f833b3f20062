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
# By relation oid only: a table dropped in this transaction is gone from pg_class, but its
# lock is still listed. Oids are matched against the tables that existed before.
_LOCKS = """
    SELECT l.relation, l.mode FROM pg_locks l
    WHERE l.pid = %s AND l.locktype = 'relation' AND l.granted
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


@dataclass
class Observation:
    """What one operation did to existing tables, as PostgreSQL reported it."""

    locks: dict[str, str] = field(default_factory=dict)  # table -> strongest mode
    rewritten: set[str] = field(default_factory=set)
    scanned: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)
    scans_measured: bool = True  # not for statements watched from outside a transaction

    def merge(self, other: "Observation") -> None:
        """Add a later part of the same operation (its deferred SQL). Tables the operation
        itself created are new and empty: their locks do not count."""
        self.created |= other.created
        for table, mode in other.locks.items():
            self.locks[table] = strongest([self.locks.get(table), mode])
        self.locks = {t: m for t, m in self.locks.items() if t not in self.created}
        self.rewritten |= other.rewritten - self.created
        self.scanned |= other.scanned - self.created
        self.scans_measured = self.scans_measured and other.scans_measured

    def as_dict(self) -> dict:
        return {
            "locks": dict(sorted(self.locks.items())),
            "rewritten": sorted(self.rewritten),
            "scanned": sorted(self.scanned),
            "created": sorted(self.created),
        }


class Observer:
    """Runs a piece of work on the traced connection and reports what it did."""

    def __init__(self, connection, seed: bool = True) -> None:
        self.connection = connection
        self.seed = seed
        self.migration: tuple[str, str] | None = None
        self.by_operation: dict[tuple[str, str, int], Observation] = {}
        self.seeded: set[str] = set()

    def start_migration(self, key: tuple[str, str], state) -> None:
        """Called before each migration with the state so far: fill the tables still empty."""
        self.migration = key
        if self.seed:
            self.seeded.update(seed_rows(self.connection, state))

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

    def _locks(self, pid: int) -> dict[int, str]:
        with self._cursor() as cursor:
            cursor.execute(_LOCKS, [pid])
            return _strongest_by_oid(cursor.fetchall())

    def run(self, owner: int, work, in_transaction: bool) -> None:
        """Run WORK (a callable) and credit what it did to operation OWNER."""
        from django.db.transaction import atomic

        observation = Observation()
        if in_transaction:
            with atomic(self.connection.alias):
                before_tables = self._tables()
                before_scans = self._scans()
                work()
                locks = self._locks(self._pid())
                after_tables = self._tables()
                self._compare(observation, before_tables, after_tables, before_scans, self._scans())
        else:
            before_tables = self._tables()
            watcher = _Watcher(self.connection, self._pid(), [name for name, _ in before_tables.values()])
            with watcher:
                work()
            locks = watcher.locks
            observation.scans_measured = False
            after_tables = self._tables()
            self._compare(observation, before_tables, after_tables, {}, {})
        # Tables that existed before, under their name afterwards (a rename shows the new one).
        observation.locks = {
            after_tables.get(oid, before_tables[oid])[0]: mode for oid, mode in locks.items() if oid in before_tables
        }
        self.by_operation.setdefault((*self.migration, owner), Observation()).merge(observation)

    def _pid(self) -> int:
        with self._cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    @staticmethod
    def _compare(observation, before, after, scans_before, scans_after) -> None:
        """New tables, rewritten ones (new relfilenode) and scanned ones (seq_scan went up)."""
        for oid, (name, node) in after.items():
            if oid not in before:
                observation.created.add(name)
            elif before[oid][1] != node:
                observation.rewritten.add(name)
            if scans_after.get(oid, 0) > scans_before.get(oid, 0) and oid in before:
                observation.scanned.add(name)


def _strongest_by_oid(rows) -> dict[int, str]:
    found: dict[int, str] = {}
    for oid, mode in rows:
        found[oid] = strongest([found.get(oid), PG_LOCKS_NAMES.get(mode, mode)])
    return found


class _Watcher:
    """Watches a statement that runs outside a transaction from a second session.

    The second session holds ROW EXCLUSIVE on every existing table, which CONCURRENTLY
    builds and drops wait for after taking their own lock, so it can be read in pg_locks.
    """

    def __init__(self, connection, pid: int, tables: list[str]) -> None:
        self.settings = connection.settings_dict
        self.pid = pid
        self.tables = tables
        self.locks: dict[int, str] = {}
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.error: BaseException | None = None

    def __enter__(self):
        self._thread.start()
        if not self._ready.wait(timeout=60) and self.error is None:
            self.error = TimeoutError("the watching session could not lock the tables within 60 s")
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)
        if self.error is not None and exc[0] is None:
            raise RuntimeError(f"watching a statement outside a transaction failed: {self.error}") from self.error
        return False

    def _run(self) -> None:
        try:
            self._watch()
        except BaseException as exc:  # reported by __exit__ in the main thread
            self.error = exc
            self._ready.set()

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
            # The safety net (under the session's 10 s lock_timeout) counts from when the
            # statement is first seen holding a lock: on a loaded machine it may start late.
            deadline = None
            holding = True
            while not self._stop.is_set():
                rows = conn.execute(_LOCKS, [self.pid]).fetchall()
                for oid, mode in _strongest_by_oid(rows).items():
                    self.locks[oid] = strongest([self.locks.get(oid), mode])
                if rows and deadline is None:
                    deadline = time.monotonic() + 8.0
                if holding and deadline is not None and (time.monotonic() > deadline or conn.execute(
                    "SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [self.pid]
                ).fetchone()[0]):
                    conn.rollback()  # it waits on us: what it holds has been seen; let it go
                    # From now on, no open transaction: a concurrent build also waits for
                    # every older snapshot, and an idle transaction of ours would be one.
                    conn.autocommit = True
                    holding = False
                time.sleep(0.001)
            if holding:
                conn.rollback()


def _python_value(field, row: int):
    """A value for a NOT NULL field, distinct per ROW, as the application could store it."""
    import datetime
    import decimal
    import uuid

    from django.utils import timezone

    kind = field.get_internal_type()
    if field.choices:
        return field.flatchoices[0][0]
    if kind in ("CharField", "SlugField", "FilePathField", "FileField", "ImageField", "URLField", "CICharField"):
        return f"r{row}"[: field.max_length or None]
    if kind in ("EmailField", "CIEmailField"):
        return f"r{row}@example.com"
    if kind in ("TextField", "CITextField"):
        return f"row {row}"
    if kind.endswith("IntegerField") or kind.endswith("AutoField"):
        return row
    if kind == "DecimalField":
        return decimal.Decimal(row)
    if kind == "FloatField":
        return float(row)
    if kind == "BooleanField":
        return True
    if kind == "DateTimeField":
        return timezone.now()
    if kind == "DateField":
        return datetime.date.today()
    if kind == "TimeField":
        return datetime.time(12)
    if kind == "DurationField":
        return datetime.timedelta(days=1)
    if kind == "UUIDField":
        return uuid.uuid4()
    if kind in ("JSONField", "HStoreField"):
        return {}
    if kind == "ArrayField":
        return []
    if kind == "BinaryField":
        return b"\x00"
    if kind in ("GenericIPAddressField", "IPAddressField"):
        return f"10.0.0.{row}"
    return _NO_VALUE


_NO_VALUE = object()


def seed_rows(connection, state, rows: int = 3) -> list[str]:
    """Give every empty table a few rows, as the application would create them.

    Rows are made with the migration state's own (historical) models: required fields get
    plausible values (the first choice, distinct strings and numbers), foreign keys point
    at existing rows. A table whose rows cannot be made stays empty. Returns the tables seeded.
    """
    from django.db import transaction

    alias = connection.alias
    models = [
        m for m in state.apps.get_models()
        if not (m._meta.proxy or not m._meta.managed or m._meta.swapped)
    ]
    tables = set(connection.introspection.table_names())
    seeded: list[str] = []
    progress = True
    while progress:  # parents first: a child waits until its foreign keys have rows to point at
        progress = False
        for model in models:
            meta = model._meta
            if meta.db_table in seeded or meta.db_table not in tables:
                continue
            manager = model._base_manager.using(alias)
            try:
                with transaction.atomic(using=alias):
                    if manager.exists():
                        continue
                    objects = [model(**_row_values(model, row, alias)) for row in range(1, rows + 1)]
                    manager.bulk_create(objects)
            except Exception:  # no sensible row: leave the table empty
                continue
            seeded.append(meta.db_table)
            progress = True
    return seeded


def _row_values(model, row: int, alias: str) -> dict:
    from django.db.models import NOT_PROVIDED

    values = {}
    for field in model._meta.concrete_fields:
        if field.null or field.has_default() or getattr(field, "generated", False):
            continue
        if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
            continue
        if field.primary_key and field.get_internal_type().endswith("AutoField"):
            continue
        if field.is_relation:
            targets = list(field.related_model._base_manager.using(alias).values_list("pk", flat=True)[:3])
            if not targets:
                raise LookupError(f"{field.related_model._meta.db_table} has no rows yet")
            values[field.attname] = targets[(row - 1) % len(targets)]
            continue
        value = _python_value(field, row)
        if value is _NO_VALUE:
            raise LookupError(f"no value for {field.get_internal_type()}")
        values[field.attname] = value
    return values


@dataclass
class Comparison:
    """Predicted against observed, for one operation."""

    app_label: str
    migration: str
    operation_index: int
    operation: str
    predicted_locks: dict[str, str]
    observed_locks: dict[str, str]
    predicted_rewrites: set[str]
    observed_rewrites: set[str]
    observed_scans: set[str]
    predicted_scans: set[str]
    runs_python: bool
    scans_measured: bool = True

    @property
    def agrees(self) -> bool:
        """Locks per table, rewrites and (where measured) full scans all as predicted."""
        return self.runs_python or (
            self.predicted_locks == self.observed_locks
            and self.predicted_rewrites == self.observed_rewrites
            and (not self.scans_measured or self.predicted_scans == self.observed_scans)
        )

    def as_dict(self) -> dict:
        from migsafe.render import identity

        return {
            **identity(self, location=False),
            "predicted": {"locks": self.predicted_locks, "rewrites": sorted(self.predicted_rewrites),
                          "scans": sorted(self.predicted_scans)},
            "observed": {"locks": self.observed_locks, "rewrites": sorted(self.observed_rewrites),
                         "scans": sorted(self.observed_scans)},
            "runs_python": self.runs_python,
            "scans_measured": self.scans_measured,
            "agrees": self.agrees,
        }


def compare(classification, observer: Observer) -> list[Comparison]:
    """Line up the classifier's facts with what PostgreSQL reported, operation by operation."""
    out = []
    for migration in classification.migrations:
        for facts in migration.operations:
            seen = observer.by_operation.get((facts.app_label, facts.migration, facts.operation_index), Observation())
            created = {facts.final_name(s.table) for s in facts.statements if s.kind == "create_table"}
            predicted = {t: m for t, m in facts.locks.items() if t not in created}
            rewrites = {facts.final_name(s.table) for s in facts.statements if s.rewrites} - created
            scans = {facts.final_name(s.table) for s in facts.statements if s.scans} - created
            out.append(Comparison(
                facts.app_label, facts.migration, facts.operation_index, facts.operation,
                dict(sorted(predicted.items())), dict(sorted(seen.locks.items())), rewrites,
                seen.rewritten, seen.scanned, scans, facts.runs_python, seen.scans_measured,
            ))
    return out


def trace(session):
    """Apply every migration on the session's scratch database, watched; classify; compare."""
    from django.db import connection

    from migsafe.analysis.classify import classify
    from migsafe.render import render

    observer = Observer(connection)
    result = render(session.graph, observer=observer)
    return result, compare(classify(result), observer)
