"""`check` on a project that cannot be imported: the migration files are read statically."""

from __future__ import annotations

import shutil

import pytest

from conftest import PROJECTS, run_json, run_migsafe

PROJECT = PROJECTS / "uninstalled_requirements"


@pytest.fixture(scope="module")
def static():
    data, result = run_json("check", PROJECT)
    return data, result


def _found(data):
    return {(f["rule"], f["migration"], f["line"]) for f in data["findings"]}


def test_an_unimportable_project_is_still_checked_and_fails_by_its_findings(static):
    data, result = static
    assert result.returncode == 1
    assert ("MS103", "0002_item_changes", 13) in _found(data)
    assert ("MS201", "0002_item_changes", 14) in _found(data)
    assert ("MS402", "0002_item_changes", 15) in _found(data)


def test_the_banner_names_the_import_error_and_the_skipped_checks(static):
    data, result = static
    assert "the project could not be imported" in result.stderr
    assert "No module named 'payments_sdk_not_installed'" in result.stderr
    assert "skipped: SQL rendering" in result.stderr
    assert data["summary"]["static"]["rules"][0] == "MS103"
    assert "payments_sdk_not_installed" in data["summary"]["static"]["reason"]


def test_an_index_on_a_table_created_in_the_same_migration_is_not_reported(static):
    data, _ = static
    assert not [f for f in data["findings"] if f["migration"] == "0001_initial"]


def test_reversible_data_migrations_are_not_reported(static):
    data, _ = static
    assert [f["line"] for f in data["findings"] if f["rule"] in ("MS402", "MS403")] == [15]


def test_a_dependency_on_a_missing_migration_is_reported_without_a_false_conflict(static):
    data, _ = static
    rules = {(f["rule"], f["migration"]) for f in data["findings"] if f["rule"] in ("MS301", "MS302")}
    assert rules == {("MS302", "0003_missing_parent")}


def test_a_file_that_does_not_parse_is_named_and_the_rest_still_read(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    (project / "shop" / "migrations" / "0004_broken.py").write_bytes(b"from django.db import migrations\n\xff\xfe(\n")
    (project / "shop" / "migrations" / "loop").symlink_to(project / "shop")
    data, result = run_json("check", project)
    assert result.returncode == 1
    assert any(p["file"] == "shop/migrations/0004_broken.py" for p in data["summary"]["problems"])
    assert ("MS201", "0002_item_changes", 14) in _found(data)


def test_a_folder_without_migrations_or_django_is_still_a_usage_error():
    result = run_migsafe("check", PROJECTS / "no_django")
    assert result.returncode == 2


def test_the_markdown_summary_of_a_static_check_carries_the_banner():
    result = run_migsafe("check", PROJECT, "--format", "markdown")
    assert result.returncode == 1
    assert "in 3 migrations (7 operations) read statically" in result.stdout
    assert "> ⚠️ **Static check.** The project could not be imported" in result.stdout
    assert "skipped: SQL rendering" in result.stdout


@pytest.fixture(scope="module")
def static_review(tmp_path_factory):
    out = tmp_path_factory.mktemp("review")
    result = run_migsafe("report", PROJECT, "--output", out)
    assert result.returncode == 0, result.stderr
    return result, (out / result.stdout.strip().rsplit("/", 1)[-1]).read_text(encoding="utf-8")


def test_report_on_an_unimportable_project_says_why_and_what_was_skipped(static_review):
    result, text = static_review
    assert "## ⚠️ Static Review" in text
    assert "No module named 'payments_sdk_not_installed'" in text
    assert "skipped: SQL rendering" in text
    assert "the project could not be imported" in result.stderr


def test_report_on_an_unimportable_project_lists_the_blockers_the_files_show(static_review):
    _, text = static_review
    assert "from its migration files alone: 3 migrations and 7 operations read" in text
    assert "(MS103) — `shop.0002_item_changes`" in text
    assert "- **Location**: `shop/migrations/0002_item_changes.py:13`" in text
    assert "(MS302) — `shop.0003_missing_parent`" in text
