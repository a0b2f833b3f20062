"""The stats file and the [tool.migsafe.stats] table: bad input is a clear usage error
(exit 2), and the file round-trips."""

from __future__ import annotations

import json

import pytest

from tests.conftest import PROJECTS, run_migsafe

PROJECT = PROJECTS / "stats_site"


def _stats(**changes) -> dict:
    data = {"version": 1, "server_version": 150004, "database": "prod", "generated_at": "2026-01-02T00:00:00+00:00",
            "stats_since": "2026-01-01T00:00:00+00:00", "tables": [], "indexes": []}
    return {**data, **changes}


def test_missing_stats_file_exits_2(tmp_path):
    done = run_migsafe("check", PROJECT, "--stats", tmp_path / "nope.json")
    assert done.returncode == 2 and "cannot read stats file" in done.stderr


def test_stats_file_that_is_not_json_exits_2(tmp_path):
    (tmp_path / "s.json").write_text("{not json")
    done = run_migsafe("report", PROJECT, "--stats", tmp_path / "s.json", "--output", tmp_path)
    assert done.returncode == 2 and "is not JSON" in done.stderr


def test_stats_file_of_another_format_version_exits_2(tmp_path):
    (tmp_path / "s.json").write_text(json.dumps(_stats(version=99)))
    done = run_migsafe("check", PROJECT, "--stats", tmp_path / "s.json")
    assert done.returncode == 2 and "format version 99" in done.stderr


def test_stats_file_with_a_malformed_table_exits_2(tmp_path):
    (tmp_path / "s.json").write_text(json.dumps(_stats(tables=[{"name": "shop_order"}])))
    done = run_migsafe("check", PROJECT, "--stats", tmp_path / "s.json")
    assert done.returncode == 2 and "malformed" in done.stderr


def test_stats_and_stats_url_together_exit_2(tmp_path):
    (tmp_path / "s.json").write_text(json.dumps(_stats()))
    done = run_migsafe("check", PROJECT, "--stats", tmp_path / "s.json", "--stats-url", "postgresql://x/y")
    assert done.returncode == 2 and "not both" in done.stderr


def test_explicit_pg_version_wins_over_the_stats_server(tmp_path):
    (tmp_path / "s.json").write_text(json.dumps(_stats()))
    done = run_migsafe("check", PROJECT, "--stats", tmp_path / "s.json", "--pg-version", "13", "--format", "json")
    assert json.loads(done.stdout)["pg_version"] == 13


def test_stats_file_round_trips(tmp_path):
    from migsafe.stats.model import Stats, load

    stats = Stats.from_dict(_stats(tables=[{
        "schema": "public", "name": "t", "reltuples": -1.0, "relpages": 0, "table_bytes": 8192, "index_bytes": 0,
        "total_bytes": 8192, "n_live_tup": 42, "later_field": "ignored"}]))
    stats.save(tmp_path / "s.json")
    again = load(tmp_path / "s.json")
    assert again == stats and again.table("t").rows == 42  # never analysed: the live tuple count


@pytest.mark.parametrize("table, message", [
    ({"error_after_seconds": 3}, "unknown key 'error_after_seconds'"),
    ({"info_below_rows": "many"}, "must be a non-negative number"),
    ({"error_above_seconds": -1}, "must be a non-negative number"),
])
def test_bad_thresholds_are_rejected(table, message):
    from migsafe.errors import MigsafeError
    from migsafe.stats.thresholds import Thresholds

    with pytest.raises(MigsafeError, match=message):
        Thresholds.from_table(table)
