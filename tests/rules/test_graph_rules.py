"""Graph rules (MS3xx): each fires on its case and not on the sample's healthy apps.

Cases: sample_migrations' `conflicts` app (two leaves), tests/projects/broken_migrations
(missing dependency, cycle) and tests/projects/graph_cases (partial squash, an
irreversible operation, a late cross-app dependency, models ahead of migrations).
"""

from __future__ import annotations

import pytest

from conftest import PROJECTS, SAMPLE, run_json


def graph_findings(path):
    data, _ = run_json("check", path)
    return [f for f in data["findings"] if f["operation_index"] is None or f["rule"].startswith("MS3")]


@pytest.fixture(scope="module")
def sample():
    return graph_findings(SAMPLE)


@pytest.fixture(scope="module")
def cases():
    return graph_findings(PROJECTS / "graph_cases")


@pytest.fixture(scope="module")
def broken():
    return graph_findings(PROJECTS / "broken_migrations")


def only(findings, rule):
    return [f for f in findings if f["rule"] == rule]


def test_ms301_conflicting_leaves_once_per_app(sample):
    (finding,) = only(sample, "MS301")
    assert finding["app_label"] == "conflicts"
    assert "0002_add_color, 0002_add_size" in finding["message"]


def test_ms302_missing_dependency_points_at_the_line(broken):
    lines = {(f["migration"], f["line"]) for f in only(broken, "MS302")}
    assert ("0002_part_code", 7) in lines


def test_ms303_cycle(broken):
    (finding,) = only(broken, "MS303")
    assert "cycle.0001_initial" in finding["message"]


def test_ms304_partly_deleted_squash(cases):
    (finding,) = only(cases, "MS304")
    assert "0002_account_code is gone" in finding["message"]


def test_ms305_irreversible_project_operation(cases):
    (finding,) = only(cases, "MS305")
    assert finding["migration"] == "0004_account_totals_view" and finding["line"] == 11


def test_ms306_duplicate_numbers(sample):
    (finding,) = only(sample, "MS306")
    assert finding["app_label"] == "conflicts"


def test_ms307_late_cross_app_dependency(cases):
    (finding,) = only(cases, "MS307")
    assert "only needs ledger.0001_squashed_0003_account_closed" in finding["message"]


def test_ms308_models_ahead_of_migrations(cases):
    (finding,) = only(cases, "MS308")
    assert finding["app_label"] == "billing" and "Add field paid to invoice" in finding["message"]


def test_ms308_compares_verbose_names_as_written_not_translated():
    # LANGUAGE_CODE = "de": the model's _("Email address") reads "E-Mail-Adresse" in German,
    # the migration says "Email address"; makemigrations compares them untranslated.
    assert only(graph_findings(PROJECTS / "translated_models"), "MS308") == []


@pytest.mark.parametrize("rule", ["MS302", "MS303", "MS304", "MS305", "MS307", "MS308"])
def test_healthy_sample_apps_are_quiet(sample, rule):
    assert only(sample, rule) == []


def test_single_leaf_apps_are_not_conflicts(sample):
    assert {f["app_label"] for f in only(sample, "MS301") + only(sample, "MS306")} == {"conflicts"}
