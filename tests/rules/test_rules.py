"""Every rule fires on its unsafe sample migration and stays quiet on its safe twin.

The cases are migrations in sample_migrations/ (each file's header comment says what it
demonstrates); MS108's unsafe case cannot be applied at all, so it lives in
tests/projects/concurrently_atomic/, and MS406's (SQL migsafe cannot read) in tests/projects/raw_sql/.
"""

from __future__ import annotations

import pytest

from conftest import PROJECTS, SAMPLE, run_json

# rule: (fires on (app, migration, operation index), safe twin (app, migration, operation index))
CASES = {
    "MS101": (("catalog", "0009_alter_product_view_count_bigint", 0), ("catalog", "0008_alter_product_name_max_length", 0)),
    "MS102": (("catalog", "0004_alter_product_sku_not_null", 0), ("inventory", "0008_alter_stockitem_last_counted_at_not_null", 2)),
    "MS103": (("catalog", "0005_product_name_idx", 0), ("catalog", "0006_product_name_trgm_idx", 1)),
    "MS104": (("catalog", "0013_product_index_cleanup", 1), ("accounts", "0007_remove_customer_country_idx_concurrently", 0)),
    "MS105": (("orders", "0005_order_constraints", 0), ("accounts", "0008_customer_credit_limit_check_not_valid", 0)),
    "MS106": (("catalog", "0008_alter_product_name_max_length", 0), ("catalog", "0019_product_name_widen_lock_timeout", 1)),
    "MS107": (("orders", "0012_order_priority_backfill", 1), ("catalog", "0003_backfill_product_sku", 0)),
    "MS109": (("catalog", "0006_product_name_trgm_idx", 1), ("catalog", "0020_product_published_idx_rerunnable", 0)),
    "MS201": (("catalog", "0012_remove_product_legacy_code_related_products", 0), ("orders", "0009_remove_order_legacy_note_state_only", 0)),
    "MS202": (("orders", "0010_remove_order_cart_delete_cart", 1), ("inventory", "0011_remove_stocknote_state_only", 0)),
    "MS203": (("catalog", "0017_review_comment_email_unique", 0), ("inventory", "0012_rename_stockitem_bin_location_to_shelf", 1)),
    "MS204": (("catalog", "0007_product_weight_published_featured", 1), ("catalog", "0002_product_sku", 0)),
    "MS205": (("catalog", "0004_alter_product_sku_not_null", 0), ("catalog", "0008_alter_product_name_max_length", 0)),
    "MS206": (("inventory", "0009_alter_warehouse_city_narrowed", 0), ("catalog", "0008_alter_product_name_max_length", 0)),
    "MS401": (("orders", "0012_order_priority_backfill", 1), ("catalog", "0003_backfill_product_sku", 0)),
    "MS402": (("orders", "0008_normalize_order_data", 1), ("catalog", "0003_backfill_product_sku", 0)),
    "MS403": (("orders", "0008_normalize_order_data", 2), ("orders", "0013_order_priority_default_sql", 0)),
    "MS404": (("catalog", "0003_backfill_product_sku", 0), ("inventory", "0008_alter_stockitem_last_counted_at_not_null", 1)),
    "MS405": (("orders", "0013_order_priority_default_sql", 0), ("orders", "0007_order_reporting_sql", 4)),
}


@pytest.fixture(scope="module")
def sample():
    data, _ = run_json("check", SAMPLE, "--fail-on", "error")
    return {(o["app_label"], o["migration"], o["operation_index"]): o for o in data["operations"]}


def test_every_operation_rule_has_a_case():
    from migsafe.rules.registry import all_rules

    assert {rule.id for rule in all_rules() if rule.scope == "operation"} == set(CASES) | {"MS108", "MS406"}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_on_the_unsafe_migration(sample, rule):
    unsafe, _ = CASES[rule]
    assert rule in sample[unsafe]["rules"], sample[unsafe]


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_is_quiet_on_the_safe_twin(sample, rule):
    _, safe = CASES[rule]
    assert rule not in sample[safe]["rules"], sample[safe]


def test_ms108_fires_on_concurrently_in_an_atomic_migration():
    data, _ = run_json("check", PROJECTS / "concurrently_atomic")
    (finding,) = [f for f in data["findings"] if f["rule"] == "MS108"]
    assert (finding["migration"], finding["line"]) == ("0002_item_name_idx", 12)


@pytest.fixture(scope="module")
def raw_sql():
    data, _ = run_json("check", PROJECTS / "raw_sql")
    return data


def _ms406(data, migration):
    return [f for f in data["findings"] if f["rule"] == "MS406" and f["migration"] == migration]


def test_ms406_names_a_do_block_whose_locks_are_unknown(raw_sql):
    (finding,) = _ms406(raw_sql, "0002_item_do_block")
    assert (finding["file"], finding["line"]) == ("shop/migrations/0002_item_do_block.py", 9)
    assert "cannot tell what this statement locks, rewrites or scans: DO $$ BEGIN EXECUTE" in finding["message"]
    assert "# migsafe: ignore[MS406]" in finding["suggestion"]


def test_ms406_names_sql_the_parser_rejects_and_later_migrations_are_still_checked(raw_sql):
    (finding,) = _ms406(raw_sql, "0003_item_unbalanced_check")
    assert "CHECK ((size > 0);" in finding["message"]
    assert [f["rule"] for f in raw_sql["findings"] if f["migration"] == "0005_item_size_idx"] == ["MS103"]


def test_ms406_is_quiet_on_settings_reads_grants_and_extensions(raw_sql):
    assert _ms406(raw_sql, "0004_item_settings_and_grants") == []


def test_ms406_is_quiet_on_every_sample_migration(sample):
    assert [key for key, op in sample.items() if "MS406" in op["rules"]] == []


def test_ms108_is_quiet_on_a_non_atomic_concurrent_migration(sample):
    assert "MS108" not in sample[("catalog", "0006_product_name_trgm_idx", 1)]["rules"]


def test_ms105_validate_in_the_transaction_that_added_the_constraint(sample):
    # orders.0007 operation 3 adds a CHECK NOT VALID and validates it in the same RunSQL.
    assert "MS105" in sample[("orders", "0007_order_reporting_sql", 3)]["rules"]
