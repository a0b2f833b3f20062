"""`migsafe calibrate` on the test server, then the duration model checked against reality:
each estimate for a table of a million rows must be within 2x of the time the same
operation really takes there."""

from __future__ import annotations

import json
import statistics
import time

import pytest

from tests.conftest import fresh_database, leaked_scratch_databases, run_migsafe

pytestmark = pytest.mark.postgres

ROWS = 1_000_000

# The real operations, each with what undoes it. A USING expression forces the rewrite and
# keeps the row size, so the exported sizes stay true (and VACUUM after it, as autovacuum
# would, leaves the table as it was exported).
OPERATIONS = {
    "rewrite": ("ALTER TABLE shop_order ALTER COLUMN total TYPE integer USING total + 1", "VACUUM ANALYZE shop_order"),
    "scan": ("ALTER TABLE shop_order ADD CONSTRAINT total_positive CHECK (total >= 0)",
             "ALTER TABLE shop_order DROP CONSTRAINT total_positive"),
    "index build": ("CREATE INDEX order_total ON shop_order (total)", "DROP INDEX order_total"),
    "foreign key validation": ("ALTER TABLE shop_order ADD CONSTRAINT order_customer_fk FOREIGN KEY (customer_id) "
                               "REFERENCES shop_customer (id)", "ALTER TABLE shop_order DROP CONSTRAINT order_customer_fk"),
}


@pytest.fixture(scope="module")
def orders(pg_url):
    """A database holding stats_site's tables with their indexes but no foreign key, orders filled
    to ROWS and vacuumed."""
    import psycopg

    with fresh_database(pg_url) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE shop_customer (id bigint PRIMARY KEY, name varchar(100) NOT NULL)")
            conn.execute("INSERT INTO shop_customer SELECT g, 'c' || g FROM generate_series(1, 100) g")
            conn.execute("CREATE TABLE shop_order (id bigint PRIMARY KEY, customer_id bigint NOT NULL, "
                         "status varchar(20) NOT NULL, total integer NOT NULL, created timestamptz NOT NULL)")
            conn.execute(f"INSERT INTO shop_order SELECT g, 1 + g % 100, (ARRAY['new', 'paid'])[1 + g % 2], "
                         f"(random() * 100000)::integer, now() - random() * interval '365 days' "
                         f"FROM generate_series(1, {ROWS}) g")
            conn.execute("CREATE INDEX order_customer ON shop_order (customer_id)")
            conn.execute("CREATE INDEX order_created ON shop_order (created)")
            conn.execute("VACUUM ANALYZE")
        yield url


@pytest.fixture(scope="module")
def calibrated(pg_url, orders, tmp_path_factory):
    """(stats file path, seconds calibrate took, scratch databases leaked before it)."""
    path = tmp_path_factory.mktemp("calibrate") / "stats.json"
    done = run_migsafe("stats", "export", "--database-url", orders, "-o", path)
    assert done.returncode == 0, done.stderr
    leaked_before = set(leaked_scratch_databases(pg_url))
    started = time.perf_counter()
    done = run_migsafe("calibrate", "--database-url", pg_url, "--stats", path)
    assert done.returncode == 0, done.stderr
    return path, time.perf_counter() - started, leaked_before


@pytest.fixture(scope="module")
def measured(orders, calibrated):
    """Seconds each operation really took on the orders table (after calibrating, on the same
    server): the median of three runs, as calibrate measures."""
    import psycopg

    times = {}
    with psycopg.connect(orders, autocommit=True) as conn:
        for kind, (statement, undo) in OPERATIONS.items():
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                conn.execute(statement)
                runs.append(time.perf_counter() - started)
                conn.execute(undo)
            times[kind] = statistics.median(runs)
    return times


def test_calibrate_stores_measured_throughput(calibrated):
    from migsafe.stats.model import Throughput, load

    stats = load(calibrated[0])
    assert stats.throughput.calibrated_rows == 1_000_000 and stats.throughput.calibrated_at
    assert stats.throughput != Throughput(calibrated_at=stats.throughput.calibrated_at, calibrated_rows=1_000_000)
    assert stats.table("shop_order").rows > 0.95 * ROWS  # the exported tables are kept


def test_calibrate_drops_its_scratch_database(pg_url, calibrated):
    assert set(leaked_scratch_databases(pg_url)) <= calibrated[2]


@pytest.mark.parametrize("kind", list(OPERATIONS))
def test_estimate_is_within_twice_the_measured_time(calibrated, measured, kind):
    from migsafe.stats.duration import seconds
    from migsafe.stats.model import load

    stats = load(calibrated[0])
    estimate = seconds(kind, stats.table("shop_order"), stats.throughput, len(stats.indexes_of("shop_order")))
    ratio = estimate / measured[kind]
    print(f"{kind}: estimated {estimate:.3f} s, measured {measured[kind]:.3f} s, ratio {ratio:.2f}; "
          f"calibrate took {calibrated[1]:.1f} s")
    assert 0.5 <= ratio <= 2.0


def test_calibrate_without_stats_file_prints_the_figures(pg_url):
    done = run_migsafe("calibrate", "--database-url", pg_url, "--rows", "20000")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["calibrated_rows"] == 20000


def test_calibrate_refuses_an_unreadable_stats_file_before_working(pg_url, tmp_path):
    done = run_migsafe("calibrate", "--database-url", pg_url, "--stats", tmp_path / "missing.json")
    assert done.returncode == 2 and "cannot read stats file" in done.stderr
