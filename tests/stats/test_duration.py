"""The duration model and the severity scale, on made-up tables (no server needed)."""

from __future__ import annotations

import pytest

from migsafe.analysis.facts import StatementFacts
from migsafe.stats.apply import scaled
from migsafe.stats.duration import FOREIGN_KEY, INDEX, REWRITE, SCAN, seconds, work_kind
from migsafe.stats.model import TableStats, Throughput
from migsafe.stats.thresholds import Thresholds

TABLE = TableStats("public", "shop_order", reltuples=2_000_000, relpages=25_000, table_bytes=200_000_000,
                   index_bytes=100_000_000, total_bytes=300_000_000)
THROUGHPUT = Throughput(rewrite_bytes_per_second=100e6, scan_rows_per_second=4e6, index_rows_per_second=1e6,
                        fk_rows_per_second=4e6)


@pytest.mark.parametrize("statement, kind", [
    (StatementFacts("", "alter_type", rewrites=True), REWRITE),
    (StatementFacts("", "update", scans=True), REWRITE),
    (StatementFacts("", "add_foreign_key", scans=True), FOREIGN_KEY),
    (StatementFacts("", "create_index", scans=True, builds_index=True), INDEX),
    (StatementFacts("", "add_unique", scans=True, builds_index=True), INDEX),
    (StatementFacts("", "set_not_null", scans=True), SCAN),
    (StatementFacts("", "add_column"), None),
])
def test_each_statement_has_its_kind_of_work(statement, kind):
    assert work_kind(statement) == kind


@pytest.mark.parametrize("kind, expected", [(REWRITE, 2.0 + 3 * 2.0), (SCAN, 0.5), (INDEX, 2.0), (FOREIGN_KEY, 0.5)])
def test_seconds_follow_size_and_throughput(kind, expected):
    assert seconds(kind, TABLE, THROUGHPUT, indexes=3) == pytest.approx(expected)


def test_rewrite_rebuilds_every_index():
    assert seconds(REWRITE, TABLE, THROUGHPUT, 5) - seconds(REWRITE, TABLE, THROUGHPUT, 1) == pytest.approx(8.0)


@pytest.mark.parametrize("severity, rows, estimate, expected", [
    ("error", 500, 100.0, "info"),  # a tiny table is over in moments, whatever the estimate says
    ("warning", 50_000_000, 60.0, "error"),
    ("error", 200_000, 0.2, "warning"),
    ("warning", 200_000, 0.2, "warning"),
    ("error", 200_000, 5.0, "error"),
])
def test_severity_scales_with_rows_and_estimated_seconds(severity, rows, estimate, expected):
    assert scaled(severity, rows, estimate, Thresholds()) == expected


def test_default_throughput_is_not_faster_than_a_laptop():
    """The defaults stand for a loaded server reading from disk: estimates err long."""
    defaults = Throughput()
    assert defaults.rewrite_bytes_per_second <= 100e6 and defaults.index_rows_per_second <= 2e6
