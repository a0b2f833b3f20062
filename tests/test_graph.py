"""The graph loads through Django's MigrationLoader, and broken migrations are isolated."""

from __future__ import annotations

import pytest

from conftest import PROJECTS, SAMPLE, run_json, run_migsafe

BROKEN = PROJECTS / "broken_migrations"


@pytest.fixture(scope="module")
def broken():
    data, result = run_json("graph", BROKEN)
    return data, result.stderr


def problem(data, kind, app):
    found = [p for p in data["problems"] if p["kind"] == kind and p["app_label"] == app]
    assert found, data["problems"]
    return found[0]


def test_syntax_error_names_file_and_line(broken):
    data, _ = broken
    p = problem(data, "migration-import", "syntax_error")
    assert p["file"] == "syntax_error/migrations/0002_broken.py"
    assert p["line"] == 9
    assert "SyntaxError" in p["message"]


def test_migration_importing_a_missing_package_names_it(broken):
    data, _ = broken
    p = problem(data, "migration-import", "missing_package")
    assert p["file"] == "missing_package/migrations/0002_uses_plugin.py"
    assert p["line"] == 3
    assert "fancy_fields_not_installed" in p["hint"]


def test_dependency_on_a_missing_migration_names_both(broken):
    data, _ = broken
    p = problem(data, "missing-dependency", "missing_dependency")
    assert "healthy.0099_does_not_exist" in p["message"]
    assert p["file"] == "missing_dependency/migrations/0002_part_code.py"
    assert p["line"] == 7


def test_dependency_cycle_is_reported_once_with_its_members(broken):
    data, _ = broken
    p = problem(data, "dependency-cycle", "cycle")
    assert "cycle.0001_initial" in p["message"] and "cycle.0002_second" in p["message"]


def test_dependants_of_a_broken_migration_are_skipped_with_reason(broken):
    data, _ = broken
    skipped = {(s["app_label"], s["migration"]): s["reason"] for s in data["skipped"]}
    assert skipped[("syntax_error", "0003_after_broken")] == "depends on syntax_error.0002_broken, which failed to load"


def test_unaffected_migrations_are_still_loaded(broken):
    data, _ = broken
    assert [m["name"] for m in data["apps"]["healthy"]["migrations"]] == ["0001_initial", "0002_widget_size"]
    assert [m["name"] for m in data["apps"]["syntax_error"]["migrations"]] == ["0001_initial"]
    assert [m["name"] for m in data["apps"]["missing_dependency"]["migrations"]] == ["0001_initial"]


def test_unaffected_migrations_are_still_rendered():
    result = run_migsafe("sql", BROKEN, "healthy")
    assert result.returncode == 0, result.stderr
    assert 'ALTER TABLE "healthy_widget" ADD COLUMN "size" integer NULL;' in result.stdout
    assert "syntax_error/migrations/0002_broken.py:9" in result.stderr


def test_sample_graph_shows_the_conflicting_leaves():
    data, _ = run_json("graph", SAMPLE)
    conflicts = {label for label, app in data["apps"].items() if app["conflict"]}
    assert conflicts == {"conflicts"}
    assert data["apps"]["conflicts"]["leaves"] == ["0002_add_color", "0002_add_size"]


def test_graph_text_names_the_conflict():
    result = run_migsafe("graph", SAMPLE)
    assert result.returncode == 0, result.stderr
    assert "conflicts  (3 migrations, CONFLICT: 2 leaves (0002_add_color, 0002_add_size))" in result.stdout
