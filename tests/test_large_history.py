"""A large real history (wagtail and its dependencies) renders offline without errors."""

from __future__ import annotations

import importlib.util
import json
import os

import pytest

from conftest import PROJECTS, run_migsafe

WAGTAIL = PROJECTS / "wagtail_site"


@pytest.fixture(scope="module")
def wagtail_sql():
    if importlib.util.find_spec("wagtail") is None:
        if os.environ.get("MIGSAFE_REQUIRE_WAGTAIL") == "1":
            pytest.fail("wagtail is not installed but MIGSAFE_REQUIRE_WAGTAIL=1")
        pytest.skip("wagtail is not installed in this environment (CI installs it on Django 5.2)")
    result = run_migsafe("sql", WAGTAIL, "--format", "json")
    return result, json.loads(result.stdout)


def test_every_wagtail_operation_renders_without_errors(wagtail_sql):
    result, operations = wagtail_sql
    assert result.returncode == 0
    assert "could not be rendered" not in result.stderr, result.stderr
    migrations = {(op["app_label"], op["migration"]) for op in operations}
    print(f"\nwagtail history: {len(operations)} operations in {len(migrations)} migrations rendered offline")
    assert len(migrations) > 150 and len(operations) > 300


def test_defaults_computed_by_a_query_are_marked_not_guessed(wagtail_sql):
    _, operations = wagtail_sql
    (op,) = [o for o in operations if o["app_label"] == "wagtaildocs" and o["migration"] == "0005_document_collection"]
    assert "computed at migration time" in op["sql"][0]
    assert "get_root_collection_id" in op["sql"][0]
