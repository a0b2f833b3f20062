"""`migsafe report` on the sample project: every section is computed from the findings."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date

import pytest

from tests.conftest import REPO, SAMPLE, run_migsafe

# A copy of ../shared/seeds/database-review-helper.md, the template the report follows.
SEED = REPO / "tests" / "data" / "review-template.md"
SECTIONS = ["# 🗄️ Database & ORM Review", "## 📊 Review Summary", "## 🌟 Good Patterns Found",
            "## 🚨 Mission-Critical Issues (Deployment Blockers)", "## ⚠️ Technical Improvement Opportunities",
            "## 🏁 Implementation Tasks", "## 🎯 Review Excellence Validation"]


def _snapshot() -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in SAMPLE.rglob("*.py")}


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    """(report text, its path, the check's JSON, sample files before, after)."""
    out = tmp_path_factory.mktemp("review")
    before = _snapshot()
    result = run_migsafe("report", SAMPLE, "--output", out)
    assert result.returncode == 0, result.stderr
    path = out / result.stdout.strip().rsplit("/", 1)[-1]
    check = json.loads(run_migsafe("check", SAMPLE, "--format", "json").stdout)
    return path.read_text(encoding="utf-8"), path, check, before, _snapshot()


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    following = [text.index(h) for h in SECTIONS if h.startswith("## ") and text.index(h) > start]
    return text[start:min(following) if following else len(text)]


def _issue(text: str, migration: str) -> str:
    issues = _section(text, "## 🚨")
    start = issues.index(f"`{migration}`")
    end = issues.find("### Issue", start)
    return issues[start:end if end > 0 else len(issues)]


def test_the_file_is_named_for_today(review):
    _, path, *_ = review
    assert path.name == f"database-review-{date.today().isoformat()}.md"


def test_sections_follow_the_seed_order(review):
    text = review[0]
    assert [text.index(s) for s in SECTIONS] == sorted(text.index(s) for s in SECTIONS)


def test_no_template_placeholder_survives(review):
    text = review[0]
    seed_placeholders = set(re.findall(r"\[[A-Z][^\]\n]*\]", SEED.read_text()))
    assert seed_placeholders and not [p for p in seed_placeholders if p in text]
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    prose = re.sub(r"`[^`\n]*`", "", prose)
    assert "[...]" not in prose
    assert not re.findall(r"\[[^\]\n]* [^\]\n]*\](?!\()", prose)  # bracketed words outside code and links


def test_summary_counts_come_from_the_check(review):
    text, _, check, *_ = review
    summary = _section(text, "## 📊")
    ops = check["operations"]
    writes = sum(o["blocks_writes"] for o in ops)
    lossy = sum(o["data_loss"] for o in ops)
    assert f"{writes} of {len(ops)} operations checked block writes" in summary
    assert f"{lossy} operations lose data" in summary
    assert "Not analysed for N+1 queries" in summary or "query finding" in summary or "No N+1" in summary


def test_every_blocking_finding_is_an_issue_at_its_location(review):
    text, _, check, *_ = review
    issues = _section(text, "## 🚨")
    errors = [f for f in check["findings"] if f["severity"] == "error" and not f.get("suppressed")]
    assert errors
    for finding in errors:
        assert f"`{finding['file']}:{finding['line']}" in issues, finding


def test_an_issue_has_every_field_of_the_seed(review):
    issue = _issue(review[0], "catalog.0004_alter_product_sku_not_null")
    for field in ("**Location**: `catalog/migrations/0004_alter_product_sku_not_null.py:14-18`", "**Impact**",
                  "**Technical Severity**: Critical", "**Root Cause**: MS102", "**Blast Radius**",
                  "**Remediation Strategy**", "**Prevention Measures**", "**Implementation Example**"):
        assert field in issue


def test_blast_radius_names_the_tables_and_the_referencing_writes(review):
    issue = _issue(review[0], "catalog.0004_alter_product_sku_not_null")
    assert "`catalog_product` (ACCESS EXCLUSIVE), model `catalog.Product`" in issue
    assert "`orders_orderline`" in issue and "foreign-key checks wait too" in issue


def test_implementation_example_shows_current_code_and_the_migsafe_fix_diff(review):
    issue = _issue(review[0], "catalog.0004_alter_product_sku_not_null")
    current = issue.index("Current implementation")
    improved = issue.index("Improved solution (`migsafe fix`)")
    assert current < improved
    assert "migrations.AlterField(\n    model_name=\"product\",\n    name=\"sku\"," in issue
    assert "+++ b/catalog/migrations/0004_alter_product_sku_not_null.py" in issue
    assert "CHECK (\"sku\" IS NOT NULL) NOT VALID" in issue


def test_unfixable_issue_says_why_and_points_at_the_rule(review):
    issue = _issue(review[0], "catalog.0009_alter_product_view_count_bigint")
    assert "`migsafe fix` cannot rewrite it" in issue and "docs/rules/MS101.md" in issue


def test_destructive_operations_come_with_their_backup_commands(review):
    text = review[0]
    stamp = date.today().isoformat()
    column = _issue(text, "catalog.0012_remove_product_legacy_code_related_products")
    assert ("\\copy (SELECT id, legacy_code FROM catalog_product) TO "
            f"'catalog_product.legacy_code-{stamp}.csv' WITH (FORMAT csv, HEADER)") in column
    assert (f'pg_dump "$DATABASE_URL" --table=catalog_product_related_products --format=custom '
            f"--file=catalog_product_related_products-{stamp}.dump") in text
    assert "Back up what the migration destroys" in column


def test_good_patterns_are_this_projects_own_examples(review):
    patterns = _section(review[0], "## 🌟")
    assert "**Concurrent index builds**" in patterns
    assert "`accounts/migrations/0005_customer_indexes_concurrently.py:17`" in patterns
    assert "**Reversible data migrations**" in patterns
    assert "`catalog/migrations/0003_backfill_product_sku.py:32`" in patterns
    assert "**Constraints added NOT VALID, validated later**" in patterns


def test_findings_below_fail_on_are_improvements_counted_by_rule(review):
    text, _, check, *_ = review
    improvements = _section(text, "## ⚠️")
    ms106 = [f for f in check["findings"] if f["rule"] == "MS106" and not f.get("suppressed")]
    assert f"**MS106** ACCESS EXCLUSIVE lock requested without lock_timeout ({len(ms106)} warnings)" in improvements
    assert "### Query Optimization" in improvements


def test_tasks_start_with_the_fix_command_and_list_backups(review):
    tasks = _section(review[0], "## 🏁")
    assert tasks.splitlines()[2].startswith("1. Apply the safe rewrites: `migsafe fix ")
    assert "Back up `catalog_product.legacy_code`" in tasks


def test_checklist_is_ticked_from_the_findings(review):
    checklist = _section(review[0], "## 🎯")
    assert "- ❌ Migration scripts are safe and reversible" in checklist
    assert "- ❌ Documentation is clear and complete" in checklist and "`accounts.Customer`" in checklist
    assert "- ⬜ Sensitive data is protected" in checklist


def test_report_writes_nothing_but_the_report(review):
    *_, before, after = review
    assert before == after
