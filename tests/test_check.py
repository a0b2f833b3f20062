"""`migsafe check`: the JSON contract, exit codes, configuration, suppression and --base."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import PROJECTS, SAMPLE, run_json, run_migsafe

FINDING_FIELDS = {
    "rule", "severity", "app_label", "migration", "operation_index", "operation", "file", "line",
    "lock_mode", "blocks_reads", "blocks_writes", "rewrites_table", "scans_table", "data_loss",
    "backward_incompatible", "message", "suggestion",
}
OPERATION_FIELDS = {
    "app_label", "migration", "operation_index", "operation", "file", "line", "sql", "locks", "lock_mode",
    "blocks_reads", "blocks_writes", "rewrites_table", "scans_table", "data_loss", "backward_incompatible", "rules",
}


@pytest.fixture(scope="module")
def sample():
    data, result = run_json("check", SAMPLE)
    return data, result


def test_json_contract_has_every_documented_field(sample):
    data, _ = sample
    assert set(data) == {"version", "pg_version", "findings", "operations", "summary"}
    assert data["pg_version"] == 16
    assert all(FINDING_FIELDS <= set(f) for f in data["findings"])
    assert all(set(o) == OPERATION_FIELDS for o in data["operations"])


def test_every_operation_is_listed_even_the_safe_ones(sample):
    data, _ = sample
    safe = [o for o in data["operations"] if not o["rules"]]
    assert safe and len(data["operations"]) > 100


def test_locks_name_every_table_including_referenced_ones(sample):
    data, _ = sample
    (op,) = [o for o in data["operations"] if o["migration"] == "0004_order_assigned_to_tracking_number"
             and o["operation_index"] == 0]
    assert op["locks"] == {"orders_order": "ACCESS EXCLUSIVE", "auth_user": "SHARE ROW EXCLUSIVE"}
    assert op["lock_mode"] == "ACCESS EXCLUSIVE" and op["blocks_reads"] and op["blocks_writes"]


def test_third_party_apps_are_not_checked(sample):
    data, _ = sample
    assert {o["app_label"] for o in data["operations"]} == {"accounts", "catalog", "conflicts", "inventory", "orders"}


def test_findings_at_or_above_fail_on_exit_1(sample):
    _, result = sample
    assert result.returncode == 1


def test_inline_suppression_with_a_reason_is_reported_not_counted(sample):
    data, _ = sample
    suppressed = [f for f in data["findings"] if f.get("suppressed")]
    assert {f["rule"] for f in suppressed} == {"MS103"}
    assert suppressed[0]["migration"] == "0006_customer_bloom_gin_indexes"
    assert data["summary"]["suppressed"][0]["reason"].startswith("customers table holds ~2k rows")


def test_text_output_groups_by_migration_and_ends_with_a_summary():
    result = run_migsafe("check", SAMPLE, "--app", "catalog", "--migration", "0009")
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "catalog.0009_alter_product_view_count_bigint  catalog/migrations/0009_alter_product_view_count_bigint.py"
    assert "locks catalog_product ACCESS EXCLUSIVE; blocks reads; blocks writes; rewrites table; scans table" in result.stdout
    assert "MS101 rewrites table catalog_product (integer -> bigint is not binary-coercible)" in result.stdout
    assert lines[-1].startswith("FAIL: 1 migration, 1 operation checked for PostgreSQL 16: 1 error, ")


@pytest.fixture
def project(tmp_path):
    """A copy of a tiny project the test may change."""
    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "concurrently_atomic", root)
    return root


def test_fail_on_raises_or_lowers_the_bar(project):
    assert run_migsafe("check", project).returncode == 1  # MS108 is an error
    (project / "pyproject.toml").write_text('[tool.migsafe]\nignore = ["MS108", "MS103"]\n')
    assert run_migsafe("check", project).returncode == 0
    assert run_migsafe("check", project, "--fail-on", "info").returncode == 1  # MS109 is info


def test_severity_override_from_pyproject(project):
    (project / "pyproject.toml").write_text('[tool.migsafe.severity]\nMS108 = "warning"\n')
    data, result = run_json("check", project)
    assert {f["severity"] for f in data["findings"] if f["rule"] == "MS108"} == {"warning"}
    assert result.returncode == 0


def test_unknown_severity_in_config_is_a_usage_error(project):
    (project / "pyproject.toml").write_text('[tool.migsafe]\nfail_on = "fatal"\n')
    result = run_migsafe("check", project)
    assert result.returncode == 2 and "unknown severity 'fatal'" in result.stderr


def test_suppression_without_a_reason_is_refused(project):
    path = project / "shop" / "migrations" / "0002_item_name_idx.py"
    path.write_text(path.read_text().replace("AddIndexConcurrently(\n", "AddIndexConcurrently(  # migsafe: ignore[MS108]\n"))
    data, result = run_json("check", project)
    assert any(f["rule"] == "MS108" and not f.get("suppressed") for f in data["findings"])
    assert "has no reason, so it is not applied" in result.stderr


def _git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_base_checks_only_the_branch_and_knows_its_new_tables(project):
    _git(project, "init", "-q", "-b", "main")
    _git(project, "-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    _git(project, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "base")
    _git(project, "checkout", "-q", "-b", "feature")
    shutil.copy(PROJECTS / "branch_migrations" / "0003_bin.py", project / "shop" / "migrations")
    shutil.copy(PROJECTS / "branch_migrations" / "0004_item_code.py", project / "shop" / "migrations")
    data, _ = run_json("check", project, "--base", "main")
    assert {o["migration"] for o in data["operations"]} == {"0003_bin", "0004_item_code"}
    rules = {(o["migration"], o["operation_index"]): o["rules"] for o in data["operations"]}
    assert rules[("0003_bin", 1)] == []  # an index on a table this branch creates: empty in production
    assert "MS103" in rules[("0004_item_code", 1)]  # an index on an existing table


def test_base_outside_git_is_a_usage_error(project):
    result = run_migsafe("check", project, "--base", "main")
    assert result.returncode == 2 and "git" in result.stderr


def test_rules_lists_every_rule_and_explain_prints_one():
    listing = run_migsafe("rules").stdout
    assert "MS101  error    Table rewritten under an ACCESS EXCLUSIVE lock" in listing
    explained = run_migsafe("explain", "ms102").stdout
    assert explained.startswith("MS102 (error): SET NOT NULL scans the table")
    assert "Instead: Add CHECK (col IS NOT NULL) NOT VALID" in explained
    assert run_migsafe("explain", "MS999").returncode == 2
