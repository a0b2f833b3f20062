"""Django's PostgreSQL backend with the server replaced by an in-memory catalog.

The schema editor and SQL compiler are Django's own, so the SQL is exactly what
`sqlmigrate` prints; the questions the editor asks the database (constraint names,
sequences, extensions, collations) are answered from the catalog of everything the
DDL rendered so far created.
"""

from __future__ import annotations

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.db.backends.postgresql.introspection import DatabaseIntrospection as PostgresIntrospection
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from psycopg import sql as psycopg_sql
from psycopg.adapt import AdaptersMap
from psycopg.types.string import BytesDumper

import psycopg

from migsafe.render.catalog import Catalog
from migsafe.render.recording import RecordingSchemaEditor


class OfflineQueryError(RuntimeError):
    """Something asked the database a question the catalog cannot answer."""


class _HexBytesDumper(BytesDumper):
    """Quote bytes in hex form, as psycopg does on a real connection (standard_conforming_strings)."""

    def quote(self, obj):
        return b"'\\x" + bytes(obj).hex().encode() + b"'"


class _LiteralContext:
    """An adaptation context without a connection that quotes like a live one."""

    connection = None

    def __init__(self) -> None:
        self.adapters = AdaptersMap(psycopg.adapters)
        for kind in (bytes, bytearray, memoryview):
            self.adapters.register_dumper(kind, _HexBytesDumper)


_CONTEXT = _LiteralContext()


class MigrationTimeValue:
    """A default that Django computes by querying the database while migrating.

    Offline there is no data to query, so the SQL shows a marked placeholder; the
    statement's shape (and so its locking) is the same whatever the value.
    """

    def __init__(self, field) -> None:
        default = getattr(field, "default", None)
        self.source = getattr(default, "__qualname__", None) or repr(default)
        module = getattr(default, "__module__", None)
        if module:
            self.source = f"{module}.{self.source}"

    def sql(self) -> str:
        return f"NULL /* migsafe: value of {self.source}() computed at migration time */"


def literal(value) -> str:
    if isinstance(value, MigrationTimeValue):
        return value.sql()
    return psycopg_sql.quote(value, _CONTEXT)


class OfflineCursor:
    """Answers the few catalog queries Django and contrib.postgres send outside introspection."""

    def __init__(self, connection: "DatabaseWrapper") -> None:
        self.connection = connection
        self._rows: list[tuple] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def close(self):
        pass

    def execute(self, sql, params=None):
        query = " ".join(str(sql).split())
        catalog = self.connection.catalog
        if query.startswith("SELECT 1 FROM pg_extension WHERE extname ="):
            self._rows = [(1,)] if catalog.extension_exists(params[0]) else []
        elif "FROM pg_type WHERE typname" in query:
            # Type OIDs for hstore/citext adapters: irrelevant to rendered SQL.
            self._rows = []
        elif query.startswith("SELECT collisdeterministic FROM pg_collation"):
            value = catalog.collation_deterministic(params[0])
            self._rows = [] if value is None else [(value,)]
        else:
            raise OfflineQueryError(
                "offline rendering cannot answer this database query: "
                f"{query[:200]}; render with --database-url to use a scratch database"
            )

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def fetchall(self):
        return list(self._rows)

    def __iter__(self):
        return iter(self._rows)


class DatabaseIntrospection(PostgresIntrospection):
    def get_constraints(self, cursor, table_name):
        return self.connection.catalog.get_constraints(table_name)

    def get_sequences(self, cursor, table_name, table_fields=()):
        return self.connection.catalog.get_sequences(table_name)

    def table_names(self, cursor=None, include_views=False):
        return sorted(self.connection.catalog.tables())


class DatabaseOperations(PostgresOperations):
    def compose_sql(self, sql, params):
        # Client-side binding, as psycopg's ClientCursor.mogrify does on a connection.
        if isinstance(params, dict):
            return sql % {key: literal(value) for key, value in params.items()}
        return sql % tuple(literal(value) for value in (params or ()))


class DatabaseSchemaEditor(RecordingSchemaEditor):
    def run(self, text: str) -> None:
        self.connection.catalog.apply(text)

    def effective_default(self, field):
        try:
            return super().effective_default(field)
        except OfflineQueryError:
            value = MigrationTimeValue(field)
            if self.recorder is not None:
                self.recorder.note(
                    f"the default of {field.name} comes from {value.source}(), which queries the "
                    "database; the SQL shows a placeholder for its value"
                )
            return value


class DatabaseWrapper(PostgresWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
    introspection_class = DatabaseIntrospection
    ops_class = DatabaseOperations

    def __init__(self, settings_dict, alias="default"):
        super().__init__(settings_dict, alias)
        self.catalog = Catalog()
        self.pg_version = int(settings_dict.get("MIGSAFE_PG_VERSION", 160000))

    def get_new_connection(self, conn_params):
        raise OfflineQueryError(
            "migsafe renders offline and never connects to a database; "
            "pass --database-url to render against a scratch database"
        )

    def ensure_connection(self):
        """Never connect: the catalog stands in for the server."""

    def cursor(self):
        return OfflineCursor(self)

    def _cursor(self, name=None):
        return OfflineCursor(self)

    def get_autocommit(self):
        return True

    def set_autocommit(self, autocommit, force_begin_transaction_with_broken_autocommit=False):
        """No transaction to manage offline."""

    def check_database_version_supported(self):
        """The target version is an option, not a server's."""
