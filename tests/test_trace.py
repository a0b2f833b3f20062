"""The classifier against the ground truth: what PostgreSQL reports for every operation.

`migsafe trace` applies each migration of sample_migrations/ to a scratch database with
rows in its tables and reads pg_locks, pg_class.relfilenode and the transaction's
seq_scan counters while each operation's transaction is open.
"""

from __future__ import annotations

import json

import pytest

from conftest import SAMPLE, leaked_scratch_databases, run_migsafe


@pytest.fixture(scope="module")
def traced(pg_url):
    result = run_migsafe("trace", SAMPLE, "--database-url", pg_url, "--format", "json")
    assert "could not be rendered" not in result.stderr, result.stderr
    return result, json.loads(result.stdout)


def test_predicted_locks_rewrites_and_scans_equal_what_postgresql_reported(traced):
    result, comparisons = traced
    checked = [c for c in comparisons if not c["runs_python"]]
    wrong = [c for c in checked if not c["agrees"]]
    print(f"\ntrace: {len(checked) - len(wrong)}/{len(checked)} operations agree with PostgreSQL")
    assert not wrong, json.dumps(wrong, indent=2)
    assert result.returncode == 0


def test_trace_covers_every_operation_and_sees_real_locks(traced):
    _, comparisons = traced
    assert len(comparisons) > 120
    rewrites = {c["migration"] for c in comparisons if c["observed"]["rewrites"]}
    assert "0009_alter_product_view_count_bigint" in rewrites
    assert "0008_alter_product_name_max_length" not in rewrites  # varchar widening: no rewrite
    concurrent = [c for c in comparisons if c["migration"] == "0006_product_name_trgm_idx" and c["operation_index"] == 1]
    assert concurrent[0]["observed"]["locks"] == {"catalog_product": "SHARE UPDATE EXCLUSIVE"}


def test_set_not_null_scans_unless_a_validated_check_proves_it(traced):
    _, comparisons = traced
    by_key = {(c["migration"], c["operation_index"]): c for c in comparisons}
    assert by_key[("0004_alter_product_sku_not_null", 0)]["observed"]["scans"] == ["catalog_product"]
    assert by_key[("0008_alter_stockitem_last_counted_at_not_null", 2)]["observed"]["scans"] == []


def test_trace_drops_its_scratch_database(traced, pg_url):
    assert leaked_scratch_databases(pg_url) == []
