"""Markdown: the pull-request summary of `check`, and `fix` / `sql` as Markdown."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SAMPLE, run_migsafe


@pytest.fixture(scope="module")
def summary():
    result = run_migsafe("check", SAMPLE, "--app", "catalog", "--migration", "0012", "--format", "markdown")
    assert result.returncode == 1, result.stderr
    return result.stdout


def test_headline_gives_the_verdict_and_counts(summary):
    assert summary.startswith("## ❌ migsafe: unsafe migrations\n\n2 errors · 1 warning · 0 infos in 1 migration")


def test_each_operation_is_a_row_with_lock_risk_and_sql(summary):
    assert "| # | operation | lock | risk | SQL |" in summary
    row = next(line for line in summary.splitlines() if line.startswith("| 0 |"))
    assert "<code>catalog_product</code> ACCESS EXCLUSIVE" in row
    assert "blocks reads, blocks writes, data loss, breaks running code" in row
    assert "❌ **MS201** drops column catalog_product.legacy_code" in row
    assert '<code>ALTER TABLE "catalog_product" DROP COLUMN "legacy_code"' in row


def test_the_suggested_rewrite_is_a_diff(summary):
    assert "<details><summary>Suggested rewrite (<code>migsafe fix</code>)</summary>" in summary
    assert "```diff\n--- a/catalog/migrations/0012_remove_product_legacy_code_related_products.py" in summary
    assert re.search(r"\+\+\+ b/catalog/migrations/\d{4}_remove_product_legacy_code_related_products_drop\.py",
                     summary)


def test_migrations_without_findings_are_only_counted():
    result = run_migsafe("check", SAMPLE, "--app", "accounts", "--migration", "0003", "--format", "markdown")
    assert "✅ 1 migration without findings: `accounts.0003_customer`." in result.stdout
    assert "| # |" not in result.stdout


def test_sql_as_markdown_fences_each_operation():
    result = run_migsafe("sql", SAMPLE, "catalog", "0004", "--format", "markdown")
    assert result.stdout.startswith("### `catalog.0004_alter_product_sku_not_null`\n\n**[0] Alter field sku on product**")
    assert '```sql\nALTER TABLE "catalog_product" ALTER COLUMN "sku" SET NOT NULL;\n```' in result.stdout


def test_fix_as_markdown_is_the_diff_and_what_was_not_fixed():
    result = run_migsafe("fix", SAMPLE, "--app", "catalog", "--migration", "0009", "--format", "markdown")
    assert result.stdout.startswith("## migsafe fix: ")
    assert "**Not fixed automatically**" in result.stdout and "**MS101** `catalog.0009" in result.stdout
