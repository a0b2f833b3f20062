"""`migsafe stats export`: read catalog statistics from a production server, read-only.

The session is read-only from its first statement (default_transaction_read_only is a
startup option, not a SET the server could miss), every query is bounded by
statement_timeout, and lock_timeout keeps the size functions (which take ACCESS SHARE)
from queueing behind a migration. Only pg_class, pg_stat_* and pg_index are read: never
a user table's rows.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timezone

from migsafe.errors import MigsafeError
from migsafe.render.scratch import ServerURL, redact
from migsafe.stats.model import IndexStats, Stats, TableStats

STATEMENT_TIMEOUT = "5s"
LOCK_TIMEOUT = "1s"

_USER_SCHEMAS = ("n.nspname NOT IN ('pg_catalog', 'information_schema') "
                 "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'")

_TABLES = f"""
SELECT n.nspname, c.relname, c.reltuples::float8, c.relpages,
       pg_table_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid),
       coalesce(s.n_live_tup, 0), coalesce(s.n_dead_tup, 0), coalesce(s.n_tup_ins, 0),
       coalesce(s.n_tup_upd, 0), coalesce(s.n_tup_del, 0), coalesce(s.seq_scan, 0),
       coalesce(s.seq_tup_read, 0), coalesce(s.idx_scan, 0)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'p') AND {_USER_SCHEMAS}
ORDER BY n.nspname, c.relname
"""

_INDEXES = f"""
SELECT n.nspname, i.relname, t.relname, pg_relation_size(i.oid), coalesce(s.idx_scan, 0),
       x.indisunique, x.indisprimary, pg_get_indexdef(i.oid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = x.indexrelid
WHERE t.relkind IN ('r', 'p') AND {_USER_SCHEMAS}
ORDER BY n.nspname, t.relname, i.relname
"""

_SINCE = """
SELECT coalesce(stats_reset, pg_postmaster_start_time()) FROM pg_stat_database WHERE datname = current_database()
"""


@contextlib.contextmanager
def read_only_connection(url: str):
    """A session on URL that cannot write: read-only transactions, short timeouts."""
    import psycopg

    server = ServerURL.parse(url)
    options = (f"-c default_transaction_read_only=on -c statement_timeout={STATEMENT_TIMEOUT} "
               f"-c lock_timeout={LOCK_TIMEOUT}")
    try:
        conn = psycopg.connect(**server.conninfo(), options=options, autocommit=True)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MigsafeError(f"cannot connect to {redact(url)}: {first}",
                           hint="stats export needs only the right to connect and read the catalog") from exc
    with conn:
        yield conn


def export(url: str, models: dict[str, str] | None = None) -> Stats:
    """The catalog statistics of URL's database; MODELS (table -> "app.Model") labels tables."""
    import psycopg

    models = models or {}
    with read_only_connection(url) as conn:
        try:
            tables = [TableStats(*row, model=models.get(row[1])) for row in conn.execute(_TABLES)]
            indexes = [IndexStats(*row) for row in conn.execute(_INDEXES)]
            since = conn.execute(_SINCE).fetchone()
        except psycopg.Error as exc:
            raise MigsafeError(f"reading statistics from {redact(url)} failed: {str(exc).strip()}") from exc
        return Stats(
            server_version=conn.info.server_version,
            database=conn.info.dbname,
            generated_at=datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            stats_since=since[0].astimezone(timezone.utc).isoformat(timespec="milliseconds") if since and since[0] else None,
            tables=tables,
            indexes=indexes,
        )
