"""The schema editor half shared by offline and live rendering: it records every statement.

Each statement is attributed to the operation that caused it, including deferred SQL
(foreign keys and indexes Django queues until the end of the migration), so migsafe can
show and classify SQL per operation rather than per migration.
"""

from __future__ import annotations

from django.db.backends.postgresql.schema import DatabaseSchemaEditor

from migsafe.render.statements import split_statements


class Recorder:
    """Collects (operation index, statement) pairs in execution order for one migration."""

    def __init__(self) -> None:
        self.current: int | None = None
        self.executed: list[tuple[int | None, str]] = []
        self.notes: list[tuple[int | None, str]] = []
        self.observer = None  # migsafe.trace.Observer when tracing
        self._owners: dict[int, tuple[int | None, object]] = {}

    def note(self, message: str) -> None:
        self.notes.append((self.current, message))

    def own_deferred(self, deferred: list) -> None:
        """Attribute deferred statements the current operation queued to it.

        Statements queued earlier keep their owner even when a later operation rewrites
        them (renames update deferred statements in place).
        """
        for item in deferred:
            self._owners.setdefault(id(item), (self.current, item))

    def owner_of(self, sql: object) -> int | None:
        owner = self._owners.get(id(sql))
        return owner[0] if owner is not None and owner[1] is sql else self.current


class RecordingSchemaEditor(DatabaseSchemaEditor):
    """PostgreSQL schema editor that records each statement before running it (or not)."""

    recorder: Recorder | None = None

    def execute(self, sql, params=()):
        text = str(sql)
        # Merge parameters client-side exactly as Django's PostgreSQL editor does.
        if params is not None:
            text = self.connection.ops.compose_sql(text, params)
        recorder = self.recorder
        if recorder is None:
            self.run(text)
            return
        owner = recorder.owner_of(sql)
        for statement in split_statements(text):
            recorder.executed.append((owner, statement))
        if recorder.observer is not None and recorder.current is None and owner is not None:
            # Deferred SQL at the end of a migration: watched statement by statement.
            recorder.observer.run(owner, lambda: self.run(text), in_transaction=True)
        else:
            self.run(text)

    def run(self, text: str) -> None:
        """Send TEXT to the database (live) or to the in-memory catalog (offline)."""
        raise NotImplementedError
