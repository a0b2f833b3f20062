"""`migsafe fix --write` on the whole sample: the rewritten project ends where the original does.

The sample's fixable findings are all fixed at once; then the rewritten graph must load,
end in the same model state, apply to a real PostgreSQL with the same schema (same names:
the fixes reuse the names Django gives), and no longer report what was fixed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import PROJECTS, SAMPLE, run_json, run_migsafe
from schema import apply_project, diff_schemas, final_state, scratch_database, schema_snapshot

FIXED_RULES = {"MS102", "MS103", "MS104", "MS105", "MS106", "MS201", "MS202"}


@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    """A copy of the sample after `migsafe fix --write`, and what the fix reported."""
    project = tmp_path_factory.mktemp("fixed") / "project"
    shutil.copytree(SAMPLE, project)
    result = run_migsafe("fix", project, "--write", "--format", "json")
    assert result.returncode == 0, result.stderr
    return project, json.loads(result.stdout)


def test_every_fixable_finding_is_fixed_or_explained(fixed):
    _, report = fixed
    assert report["written"] and len(report["changes"]) > 20
    reasons = {(s["rule"], s["migration"]): s["reason"] for s in report["skipped"]}
    assert reasons[("MS105", "0015_alter_tag_id_bigautofield")].startswith("no non-blocking form for: ALTER TABLE")
    assert all(reason for reason in reasons.values())


def test_the_rewritten_graph_loads_without_problems(fixed):
    project, _ = fixed
    data, result = run_json("check", project)
    assert not [p for p in data["summary"].get("problems", [])], result.stderr
    before, _ = run_json("check", SAMPLE)

    def graph_findings(report):
        return sorted((f["rule"], f["app_label"]) for f in report["findings"]
                      if f["rule"] in ("MS301", "MS302", "MS303", "MS304", "MS306"))

    assert graph_findings(data) == graph_findings(before)  # the conflicts app's two leaves, nothing new


def test_the_final_model_state_is_unchanged(fixed):
    project, _ = fixed
    assert final_state(project) == final_state(SAMPLE)


def test_the_schema_on_postgresql_is_the_same(fixed, pg_url):
    project, _ = fixed
    with scratch_database(pg_url) as original_url, scratch_database(pg_url) as fixed_url:
        apply_project(SAMPLE, original_url)
        apply_project(project, fixed_url)
        assert diff_schemas(schema_snapshot(original_url), schema_snapshot(fixed_url)) == []


def test_check_no_longer_reports_what_was_fixed(fixed):
    project, report = fixed
    before, _ = run_json("check", SAMPLE)
    after, _ = run_json("check", project)
    skipped = {(s["rule"], s["app_label"]) for s in report["skipped"]}

    def count(data):
        found = {}
        for f in data["findings"]:
            if f["rule"] in FIXED_RULES and (f["rule"], f["app_label"]) not in skipped and not f.get("suppressed"):
                found[(f["rule"], f["app_label"])] = found.get((f["rule"], f["app_label"]), 0) + 1
        return found

    assert count(before)  # there was something to fix
    assert count(after) == {}
    second_deploys = {(f["rule"], f["migration"]) for f in after["findings"]
                      if (f.get("suppressed") or "").startswith("second deploy")}
    assert second_deploys == {
        ("MS201", "0023_remove_product_legacy_code_related_products_drop"),
        ("MS202", "0023_remove_product_legacy_code_related_products_drop"),
        ("MS201", "0016_remove_order_cart_delete_cart_drop"),
        ("MS202", "0016_remove_order_cart_delete_cart_drop"),
    }


def test_check_constraints_are_added_not_valid_and_validated_next(fixed):
    project, _ = fixed
    orders = project / "orders" / "migrations"
    assert (orders / "0005_order_constraints.py").read_text().count("AddConstraintNotValid(") == 2
    follow_up = next(orders.glob("*_order_constraints_*.py")).read_text()
    assert 'ValidateConstraint(model_name="order", name="order_total_gte_0")' in follow_up
    assert "atomic = False" in follow_up and "UNIQUE USING INDEX" in follow_up


def test_runpython_reverse_is_only_added_when_asked_for(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    unasked = json.loads(run_migsafe("fix", project, "--app", "orders", "--format", "json").stdout)
    assert not any("strip_tracking_numbers, reverse_code" in line for line in unasked["diff"].splitlines())
    asked = run_migsafe("fix", project, "--rule", "MS402", "--write", "--format", "json")
    assert asked.returncode == 0, asked.stderr
    text = (project / "orders" / "migrations" / "0008_normalize_order_data.py").read_text()
    assert "migrations.RunPython(strip_tracking_numbers, reverse_code=migrations.RunPython.noop)" in text
    after, _ = run_json("check", project)
    assert not [f for f in after["findings"] if f["rule"] == "MS402"]


def test_trace_shows_no_access_exclusive_held_across_a_scan_in_the_rewritten_migrations(fixed, pg_url):
    project, report = fixed
    changed = {Path(c["path"]).stem for c in report["changes"]}
    result = run_migsafe("trace", project, "--database-url", pg_url, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    traced = [c for c in json.loads(result.stdout) if c["migration"] in changed]
    assert len(traced) > 30
    held = [(c["migration"], c["operation_index"], table) for c in traced
            for table in set(c["observed"]["scans"]) | set(c["observed"]["rewrites"])
            if c["observed"]["locks"].get(table) == "ACCESS EXCLUSIVE"]
    # Left blocking, and said so: what was not fixable (skipped, with the reason) and table
    # rewrites (MS101: a new column, a backfill and a code switch only the user can write).
    before, _ = run_json("check", SAMPLE)
    left = {s["migration"] for s in report["skipped"]} | {f["migration"] for f in before["findings"]
                                                          if f["rule"] == "MS101"}
    assert held and {migration for migration, _, _ in held} <= left


def test_base_fixes_only_the_migrations_of_the_branch(tmp_path):
    project, git = _git_project(tmp_path)
    git("checkout", "-q", "-b", "feature")
    changed = project / "catalog" / "migrations" / "0005_product_name_idx.py"
    changed.write_text(changed.read_text() + "# touched on the branch\n")
    out = run_migsafe("fix", project, "--base", "main", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert [Path(c["path"]).name for c in json.loads(out.stdout)["changes"]] == ["0005_product_name_idx.py"]


def _git_project(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)

    def git(*args):
        subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=project, check=True,
                       capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-qm", "base")
    return project, git


def test_write_refuses_files_with_uncommitted_changes_unless_forced(tmp_path):
    project, _ = _git_project(tmp_path)
    target = project / "catalog" / "migrations" / "0005_product_name_idx.py"
    target.write_text(target.read_text() + "# work in progress\n")
    refused = run_migsafe("fix", project, "--migration", "0005", "--app", "catalog", "--write")
    assert refused.returncode == 2
    assert "uncommitted changes in files fix must rewrite: catalog/migrations/0005_product_name_idx.py" in refused.stderr
    assert target.read_text().endswith("# work in progress\n") and "AddIndexConcurrently(" not in target.read_text()
    forced = run_migsafe("fix", project, "--migration", "0005", "--app", "catalog", "--write", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "AddIndexConcurrently(" in target.read_text()


def test_every_change_names_the_findings_it_fixes(fixed):
    _, report = fixed
    by_name = {Path(c["path"]).name: c["rules"] for c in report["changes"]}
    assert by_name["0005_product_name_idx.py"] == ["MS103"]
    assert set(by_name["0012_remove_product_legacy_code_related_products.py"]) >= {"MS201", "MS202"}
    assert [] in by_name.values()  # a migration whose dependency was repointed fixes nothing itself


def test_a_volatile_default_is_added_without_rewriting_the_table(tmp_path, pg_url):
    import django

    if django.VERSION < (5, 0):
        pytest.skip("a volatile database default needs db_default (Django 5.0+)")
    original = PROJECTS / "volatile_default"
    project = tmp_path / "project"
    shutil.copytree(original, project)
    out = run_migsafe("fix", project, "--write", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["skipped"] == []
    after, _ = run_json("check", project)
    assert not [f for f in after["findings"] if f["rule"] in ("MS101", "MS102", "MS106")]
    with scratch_database(pg_url) as original_url, scratch_database(pg_url) as fixed_url:
        apply_project(original, original_url)
        apply_project(project, fixed_url)
        assert diff_schemas(schema_snapshot(original_url), schema_snapshot(fixed_url)) == []
    traced = json.loads(run_migsafe("trace", project, "--database-url", pg_url, "--format", "json").stdout)
    for operation in traced:
        observed = operation["observed"]
        for table in set(observed["scans"]) | set(observed["rewrites"]):
            assert observed["locks"].get(table) != "ACCESS EXCLUSIVE", operation
    assert not any(operation["observed"]["rewrites"] for operation in traced)
