"""`migsafe calibrate`: measure the server's throughput for each kind of blocking work.

On a scratch database of the given server (unique name, always dropped, see
migsafe.render.scratch) a synthetic table of ROWS rows is built and vacuumed, then each
operation the duration model knows is timed three times and the median kept: the same
statements migrations run (ALTER COLUMN TYPE, ADD CHECK, CREATE INDEX, ADD FOREIGN KEY).
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timezone

from migsafe.render.scratch import scratch_database
from migsafe.stats.model import Throughput

DEFAULT_ROWS = 1_000_000
_REPEAT = 3

_SETUP = [
    "SET statement_timeout = '10min'",
    "CREATE TABLE migsafe_parent (id integer PRIMARY KEY)",
    "INSERT INTO migsafe_parent SELECT generate_series(1, 1000)",
    "CREATE TABLE migsafe_rows (id bigint PRIMARY KEY, parent_id integer NOT NULL, n integer, label text)",
    "INSERT INTO migsafe_rows SELECT g, 1 + g % 1000, (random() * 1e9)::integer, md5(g::text) "
    "FROM generate_series(1, {rows}) g",
    "VACUUM ANALYZE migsafe_parent",
    "VACUUM ANALYZE migsafe_rows",
]

# (statement timed, statement undoing it): each pair leaves the table as it found it.
_SCAN = ("ALTER TABLE migsafe_rows ADD CONSTRAINT migsafe_check CHECK (n >= 0)",
         "ALTER TABLE migsafe_rows DROP CONSTRAINT migsafe_check")
_INDEX = ("CREATE INDEX migsafe_index ON migsafe_rows (n)", "DROP INDEX migsafe_index")
_FOREIGN_KEY = ("ALTER TABLE migsafe_rows ADD CONSTRAINT migsafe_fk FOREIGN KEY (parent_id) "
                "REFERENCES migsafe_parent (id)", "ALTER TABLE migsafe_rows DROP CONSTRAINT migsafe_fk")


def calibrate(url: str, rows: int = DEFAULT_ROWS) -> Throughput:
    """Throughput of URL's server, measured on a scratch database that is always dropped."""
    import psycopg

    with scratch_database(url) as (server, name):
        with psycopg.connect(**server.conninfo(name), autocommit=True) as conn:
            for statement in _SETUP:
                conn.execute(statement.format(rows=int(rows)))
            reltuples = conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'migsafe_rows'").fetchone()[0]
            index_rate = reltuples / _median_seconds(conn, *_INDEX)
            scan_rate = reltuples / _median_seconds(conn, *_SCAN)
            fk_rate = reltuples / _median_seconds(conn, *_FOREIGN_KEY)
            return Throughput(
                rewrite_bytes_per_second=_rewrite_rate(conn, reltuples / index_rate),
                scan_rows_per_second=scan_rate,
                index_rows_per_second=index_rate,
                fk_rows_per_second=fk_rate,
                calibrated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                calibrated_rows=int(rows),
            )


def _timed(conn, statement: str) -> float:
    started = time.perf_counter()
    conn.execute(statement)
    return time.perf_counter() - started


def _median_seconds(conn, statement: str, undo: str) -> float:
    times = []
    for _ in range(_REPEAT):
        times.append(_timed(conn, statement))
        conn.execute(undo)
    return statistics.median(times)


def _rewrite_rate(conn, index_seconds: float) -> float:
    """Heap bytes per second of a rewrite (the column's type flips each time), once the
    rebuild of the table's one index (INDEX_SECONDS, as measured) is taken out."""
    rates = []
    for new_type in ("bigint", "integer", "bigint")[:_REPEAT]:
        size = conn.execute("SELECT pg_table_size('migsafe_rows')").fetchone()[0]
        total = _timed(conn, f"ALTER TABLE migsafe_rows ALTER COLUMN n TYPE {new_type}")
        rates.append(size / max(total - index_seconds, total / 5))  # noise must not make it infinite
    return statistics.median(rates)
