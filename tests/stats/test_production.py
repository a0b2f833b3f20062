"""Production statistics on a real server: tables of known sizes and traffic, exported
read-only, mapped to the stats_site models, and applied to its branch migration."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import PROJECTS, fresh_database, run_json, run_migsafe

pytestmark = pytest.mark.postgres

PROJECT = PROJECTS / "stats_site"
ORDERS = 300_000
SHIPMENTS = 150_000

_FILL = [
    "SET session_replication_role = replica",  # no foreign key trigger per inserted row
    "INSERT INTO shop_customer (name, email) SELECT 'c' || g, 'c' || g || '@example.com' FROM generate_series(1, 100) g",
    f"INSERT INTO shop_order (customer_id, status, total, created) SELECT 1 + g % 100, "
    f"(ARRAY['new', 'paid', 'shipped'])[1 + g % 3], (random() * 100000)::integer, "
    f"now() - random() * interval '365 days' FROM generate_series(1, {ORDERS}) g",
    f"INSERT INTO shop_shipment (carrier, tracking) SELECT 'carrier' || g % 20, md5(g::text) "
    f"FROM generate_series(1, {SHIPMENTS}) g",
    "INSERT INTO shop_event (kind) SELECT 'seed' FROM generate_series(1, 200)",
]

# After the counters are reset: what production does with these tables.
_TRAFFIC = [
    "INSERT INTO shop_event (kind) SELECT 'click' FROM generate_series(1, 3000)",
    "UPDATE shop_event SET kind = 'seen' WHERE id <= 1000",
    "SELECT count(*) FROM shop_shipment WHERE carrier = 'carrier3'",
    "SELECT count(*) FROM shop_shipment WHERE carrier = 'carrier4'",
    "SET enable_seqscan = off",
    "SELECT * FROM shop_shipment WHERE tracking = md5('7')",
]

_CATALOG = """
SELECT (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_attribute), (SELECT count(*) FROM pg_index),
       (SELECT md5(string_agg(oid::text || relname || relfilenode::text || relkind::text, ',' ORDER BY oid)) FROM pg_class),
       (SELECT md5(string_agg(attrelid::text || attname || atttypid::text, ',' ORDER BY attrelid, attnum))
        FROM pg_attribute)
"""


@pytest.fixture(scope="module")
def production(pg_url):
    """A database shaped by stats_site's first migration, filled, analysed, then used: its
    counters start at a reset so the traffic rates are known."""
    import psycopg

    with fresh_database(pg_url) as url:
        rendered = json.loads(run_migsafe("sql", PROJECT, "shop", "0001_initial", "--format", "json").stdout)
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in [s for op in rendered for s in op["sql"]] + _FILL:
                conn.execute(statement)
            conn.execute("VACUUM ANALYZE")
            conn.execute("SELECT pg_stat_reset()")
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in _TRAFFIC:
                conn.execute(statement)
        time.sleep(1.5)  # the counters are flushed within a second; the rates need a denominator
        yield url


@pytest.fixture(scope="module")
def stats_path(production, tmp_path_factory):
    path = tmp_path_factory.mktemp("stats") / "stats.json"
    done = run_migsafe("stats", "export", "--database-url", production, "-o", path, "--project", PROJECT)
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def stats(stats_path):
    from migsafe.stats.model import load

    return load(stats_path)


@pytest.fixture(scope="module")
def checked(stats_path):
    data, _ = run_json("check", PROJECT, "--stats", stats_path)
    return data


def _finding(data, rule, operation_index=None, table=None):
    found = [f for f in data["findings"] if f["rule"] == rule
             and (operation_index is None or f["operation_index"] == operation_index)
             and (table is None or (f.get("table_stats") or {}).get("table") == table)]
    assert len(found) == 1, (rule, operation_index, [f["message"] for f in data["findings"]])
    return found[0]


def test_export_holds_sizes_counters_and_indexes_but_no_rows(stats, stats_path):
    orders = stats.table("shop_order")
    assert abs(orders.rows - ORDERS) / ORDERS < 0.05
    assert orders.total_bytes > orders.table_bytes > 0 and orders.index_bytes > 0
    assert {i.name for i in stats.indexes_of("shop_order")} >= {"shop_order_pkey"}
    assert stats.server_version >= 120000 and stats.generated_at and stats.stats_since
    assert "c1@example.com" not in stats_path.read_text() and "carrier3" not in stats_path.read_text()


def test_export_with_project_labels_tables_with_their_models(stats):
    assert {t.name: t.model for t in stats.tables} == {
        "shop_customer": "shop.Customer", "shop_event": "shop.Event", "shop_order": "shop.Order",
        "shop_shipment": "shop.Shipment"}


def test_export_session_refuses_writes(production):
    import psycopg

    from migsafe.stats.export import read_only_connection

    with read_only_connection(production) as conn:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TABLE migsafe_intruder (id integer)")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("DELETE FROM shop_event")
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "5s"


def test_export_leaves_the_catalog_unchanged(production, tmp_path):
    import psycopg

    def catalog():
        with psycopg.connect(production) as conn:
            return conn.execute(_CATALOG).fetchone()

    before = catalog()
    done = run_migsafe("stats", "export", "--database-url", production, "-o", tmp_path / "again.json")
    assert done.returncode == 0, done.stderr
    assert catalog() == before


def test_finding_carries_table_stats_and_estimate_of_the_rewrite(checked, stats):
    from migsafe.stats.duration import REWRITE, seconds

    finding = _finding(checked, "MS101", 0)
    orders = stats.table("shop_order")
    assert finding["table_stats"]["table"] == "shop_order" and finding["table_stats"]["model"] == "shop.Order"
    assert finding["table_stats"]["rows"] == orders.rows
    assert finding["estimated_seconds"] == pytest.approx(seconds(REWRITE, orders, stats.throughput,
                                                                          len(stats.indexes_of("shop_order"))), abs=0.001)
    assert f"table shop_order: {orders.rows:,} rows" in finding["message"]
    assert "estimated blocking ~" in finding["message"]


def test_long_rewrite_on_large_table_stays_error(checked):
    assert _finding(checked, "MS101", 0)["severity"] == "error"  # ~0.9 s >= error_above_seconds 0.5


def test_short_index_build_on_large_table_goes_down_to_warning(checked):
    finding = _finding(checked, "MS103", 1)
    assert finding["estimated_seconds"] < 0.4 and finding["severity"] == "warning"


def test_index_build_on_tiny_table_goes_down_to_info(checked):
    finding = _finding(checked, "MS103", 2)
    assert finding["table_stats"]["rows"] == 100 and finding["severity"] == "info"


def test_brief_lock_on_busy_table_is_flagged_for_pile_up(checked):
    finding = _finding(checked, "MS110", 3)
    assert finding["severity"] == "error" and finding["table_stats"]["table"] == "shop_event"
    assert finding["table_stats"]["writes_per_second"] >= 10
    assert "lock_timeout" in finding["suggestion"] and "retry" in finding["suggestion"]
    assert "MS110" in next(o["rules"] for o in checked["operations"] if o["operation_index"] == 3
                           and o["migration"] == "0002_production_changes")


def test_quiet_table_gets_no_pile_up_finding(checked):
    assert not [f for f in checked["findings"] if f["rule"] == "MS110" and f["table_stats"]["table"] != "shop_event"]


def test_missing_index_is_confirmed_by_sequential_scans(checked):
    finding = _finding(checked, "MS501")
    assert finding["severity"] == "error" and "2 sequential scans" in finding["message"]
    assert finding["table_stats"]["table"] == "shop_shipment"


def test_index_production_scans_is_kept_despite_the_code(checked):
    finding = _finding(checked, "MS503")
    assert finding["severity"] == "info" and "keep it" in finding["message"]


def test_index_never_scanned_on_large_table_is_a_drop_candidate(checked):
    finding = _finding(checked, "MS504")
    assert "shop_order_created" in finding["message"]
    assert (finding["file"], finding["line"]) == ("shop/models.py", 20)  # the db_index=True field
    assert finding["table_stats"]["table"] == "shop_order"


def test_foreign_key_and_primary_key_indexes_are_never_drop_candidates(checked):
    messages = [f["message"] for f in checked["findings"] if f["rule"] == "MS504"]
    assert not [m for m in messages if "customer_id" in m or "pkey" in m]


def test_pg_version_defaults_to_the_server_of_the_stats(checked, stats):
    assert checked["pg_version"] == stats.pg_major


def test_json_names_the_statistics_used(checked, stats):
    assert checked["stats"]["server_version"] == stats.server_version
    assert checked["stats"]["tables"] == 4 and checked["stats"]["throughput"]["calibrated_at"] is None


def test_without_stats_findings_are_as_before(checked):
    plain, _ = run_json("check", PROJECT)
    assert "stats" not in plain and not any("table_stats" in f for f in plain["findings"])
    assert {f["rule"] for f in plain["findings"]} == {f["rule"] for f in checked["findings"]} - {"MS110", "MS504"}
    assert _finding(plain, "MS103", 2)["severity"] == "error"


def test_stats_url_reads_the_same_evidence(production):
    data, _ = run_json("check", PROJECT, "--stats-url", production)
    assert _finding(data, "MS103", 2)["severity"] == "info"
    assert _finding(data, "MS101", 0)["table_stats"]["model"] == "shop.Order"  # mapped at check time


def test_report_has_a_per_table_view(stats_path, tmp_path):
    done = run_migsafe("report", PROJECT, "--stats", stats_path, "--output", tmp_path)
    assert done.returncode == 0, done.stderr
    text = next(tmp_path.glob("database-review-*.md")).read_text()
    section = text.split("## 📏 Tables in Production", 1)[1].split("\n## ", 1)[0]
    assert "| `shop_order` | `shop.Order` |" in section
    assert "MS101" in section and "~" in section
    assert section.index("`shop_order`") < section.index("`shop_customer`")  # largest first


def test_password_never_printed(production, tmp_path):
    url = production.replace("postgres@", "postgres:hunter2@", 1)
    done = run_migsafe("stats", "export", "--database-url", url, "-o", tmp_path / "s.json")
    assert done.returncode == 0, done.stderr
    assert "hunter2" not in done.stderr + done.stdout + (tmp_path / "s.json").read_text()
