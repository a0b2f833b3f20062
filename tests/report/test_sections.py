"""Report sections on hand-made reviews: findings of a code-analysis family (a file and a
line, no migration, no facts), and a project with nothing to say."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

from migsafe.report import checklist, issues, opportunities, patterns, summary, tasks
from migsafe.report.review import Review
from migsafe.report.topics import INDEXING, MODELS, QUERIES, topic
from migsafe.rules.registry import Finding, Location


def _result(findings=(), fail_on="error"):
    findings = list(findings)
    return SimpleNamespace(
        findings=findings, operations=[], problems=[], fail_on=fail_on, pg_version=160000, checked_migrations=0,
        suppressions=[],
        failing=lambda: [f for f in findings if not f.suppressed
                         and ("info", "warning", "error").index(f.severity)
                         >= ("info", "warning", "error").index(fail_on)],
    )


def _review(tmp_path: Path, findings=(), query_rules=True) -> Review:
    return Review(path="project", root=tmp_path, result=_result(findings), graph=SimpleNamespace(migrations={}),
                  changes={}, skipped=[], models=[], loading=[], query_rules=query_rules, index_rules=True,
                  today=date(2025, 3, 1), base="origin/main")


def _code_finding(rule, severity, line, message="loads the author of every book in a loop"):
    return Finding(rule, severity, message, "use select_related(\"author\")",
                   Location("library", None, "library/views.py", line))


def test_code_family_rules_fall_under_queries_by_their_number():
    assert topic("MS599") == QUERIES


def test_migration_rules_keep_their_topic():
    assert topic("MS103") == INDEXING and topic("MS301") == MODELS


def test_a_code_finding_is_an_issue_with_its_source_line(tmp_path):
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "views.py").write_text("def index(request):\n    books = Book.objects.all()\n")
    text = issues.render(_review(tmp_path, [_code_finding("MS598", "error", 2)]))
    assert "- **Location**: `library/views.py:2`" in text
    assert "books = Book.objects.all()" in text
    assert "The queries written in `library/views.py:2`" in text


def test_a_code_warning_is_a_query_optimization_opportunity(tmp_path):
    text = opportunities.render(_review(tmp_path, [_code_finding("MS599", "warning", 7)]))
    query_part = text.split("### Query Optimization")[1].split("###")[0]
    assert "**MS599**" in query_part and "`library/views.py:7`" in query_part


def test_query_summary_counts_code_findings(tmp_path):
    review = _review(tmp_path, [_code_finding("MS599", "warning", 7), _code_finding("MS599", "warning", 9)])
    assert summary.query_efficiency(review).startswith("2 query findings in 1 file (2 warnings)")


def test_n_plus_one_item_is_unverified_when_no_query_rule_ran(tmp_path):
    mark, evidence = checklist.queries(_review(tmp_path, query_rules=False))
    assert mark == checklist.UNKNOWN and "no query rule ran" in evidence


def test_n_plus_one_item_fails_on_a_query_finding(tmp_path):
    mark, _ = checklist.queries(_review(tmp_path, [_code_finding("MS599", "warning", 7)]))
    assert mark == checklist.NOT_MET


def test_sections_with_nothing_to_say_say_so_in_one_line(tmp_path):
    review = _review(tmp_path)
    for section in (issues.render(review), tasks.render(review), patterns.render(review)):
        heading, blank, line, *rest = section.splitlines()
        assert heading.startswith("## ") and blank == "" and line and not rest
