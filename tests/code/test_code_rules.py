"""Code rules (MS5xx) read the project's own code: every planted N+1 and missing index is
found at the file and line where it is written, and no correct twin is reported.

Planted patterns are marked ``# planted: MS5xx`` (``{# planted: MS5xx #}`` in templates) on
the line the finding must point at, their twins ``# twin: MS5xx``: in the sample's views,
services, selectors and templates, and in tests/projects/code_cases (models the sample lacks).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import django
import pytest

from conftest import PROJECTS, REPO, SAMPLE, run_json, run_migsafe

CASES = PROJECTS / "code_cases"
MARK = re.compile(r"(?:#|\{#)\s*(planted|twin): (MS5\d\d)\b")
# Findings on the sample's models.py, which the sample keeps unchanged (no markers there).
SAMPLE_MODEL_FINDINGS = {
    ("catalog/models.py", 107, "MS503"),  # Review.author_name: db_index that no query uses
    ("catalog/models.py", 115, "MS524"),  # Review.Meta.unique_together
    ("orders/models.py", 52, "MS522"),  # Order.tracking_number: CharField(null=True)
}


def marks(root, kind: str) -> set[tuple[str, int, str]]:
    found = set()
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".py", ".html"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            found |= {(str(path.relative_to(root)), number, rule) for k, rule in MARK.findall(line) if k == kind}
    return found


def code_findings(data) -> set[tuple[str, int, str]]:
    return {(f["file"], f["line"], f["rule"]) for f in data["findings"] if f["rule"].startswith("MS5")}


@pytest.fixture(scope="module")
def sample():
    data, _ = run_json("check", SAMPLE)
    return data


@pytest.fixture(scope="module")
def cases():
    data, _ = run_json("check", CASES)
    return data


@pytest.mark.parametrize("project", ["sample", "cases"])
def test_every_planted_pattern_is_found_where_it_is_written(project, request):
    root, data = (SAMPLE, request.getfixturevalue("sample")) if project == "sample" else \
        (CASES, request.getfixturevalue("cases"))
    planted = marks(root, "planted")
    assert planted and planted - code_findings(data) == set()


@pytest.mark.parametrize("project", ["sample", "cases"])
def test_no_twin_is_reported(project, request):
    root, data = (SAMPLE, request.getfixturevalue("sample")) if project == "sample" else \
        (CASES, request.getfixturevalue("cases"))
    twins = marks(root, "twin")
    assert twins and twins & code_findings(data) == set()


def test_nothing_else_is_reported(sample, cases):
    assert code_findings(sample) == marks(SAMPLE, "planted") | SAMPLE_MODEL_FINDINGS
    assert code_findings(cases) == marks(CASES, "planted")


def test_code_findings_keep_the_json_contract(sample):
    code = [f for f in sample["findings"] if f["rule"].startswith("MS5")]
    assert all(f["migration"] is None and f["operation_index"] is None and f["lock_mode"] is None for f in code)
    assert all(f["file"] and f["line"] and f["app_label"] in ("catalog", "orders", "inventory") for f in code)


def _finding(data, file, line, rule):
    (found,) = [f for f in data["findings"] if (f["file"], f["line"], f["rule"]) == (file, line, rule)]
    return found


def test_an_n_plus_one_names_the_loop_the_access_and_the_corrected_query(sample):
    found = _finding(sample, "catalog/views.py", 17, "MS511")
    assert found["message"] == ("`p.category` in the loop over `products` (catalog/views.py:17) loads the "
                                "Category of each row with a query of its own")
    assert found["suggestion"].startswith(
        'Load it with the rows: `Product.objects.filter(is_active=True).select_related("category")`')


def test_fetch_modes_are_mentioned_only_where_django_has_them(sample):
    forward = _finding(sample, "catalog/views.py", 17, "MS511")
    manager = _finding(sample, "catalog/views.py", 28, "MS511")
    assert ("fetch_mode(models.FETCH_PEERS)" in forward["suggestion"]) == (django.VERSION >= (6, 1))
    assert "FETCH_PEERS" not in manager["suggestion"]  # fetch modes do not cover related managers


def test_nested_prefetch_paths_count_and_a_helper_called_from_the_loop_is_followed(sample):
    found = _finding(sample, "orders/services.py", 64, "MS511")
    assert "through `line_value(line)` (orders/services.py:70)" in found["message"]
    assert '.prefetch_related("lines__product")' in found["suggestion"]


def test_a_missing_index_lists_every_usage_site_and_proposes_one_composite_index(sample):
    found = _finding(sample, "orders/services.py", 19, "MS501")
    assert found["message"] == ("Order is queried on status, created_at and no index serves it: "
                                "orders/services.py:19 filter(status, created_at), orders/services.py:28 "
                                "filter(status, created_at), orders/services.py:35 filter(status, created_at)")
    assert 'models.Index(fields=["status", "created_at"], name="orders_orde_status_25e057_idx")' in \
        found["suggestion"]


def test_alternatives_of_an_or_each_need_their_own_index(sample):
    messages = [f["message"] for f in sample["findings"]
                if (f["file"], f["line"], f["rule"]) == ("inventory/selectors.py", 21, "MS501")]
    assert sorted(m.split(" and ")[0] for m in messages) == [
        "StockItem is queried on last_counted_at", "StockItem is queried on quantity"]


def test_a_template_loop_is_followed_from_the_view_that_renders_it(sample):
    found = _finding(sample, "catalog/templates/catalog/product_list.html", 4, "MS512")
    assert "`product.reviews.count` in the {% for %} over `products`" in found["message"]
    assert "rendered by catalog/views.py:59" in found["message"]
    assert '`Product.objects.filter(is_active=True).annotate(reviews_count=Count("reviews"))`' in \
        found["suggestion"]


def test_code_rules_appear_in_the_text_output_under_code():
    out = run_migsafe("check", CASES).stdout
    assert "\nCode\n" in out
    assert "  WARNING MS525 Book.price stores an amount of money as a float  (shop/models.py:40)" in out


def test_one_migration_asked_for_means_no_code_rules():
    data, _ = run_json("check", SAMPLE, "--app", "catalog", "--migration", "0009")
    assert code_findings(data) == set()


def test_an_app_asked_for_limits_the_code_rules_to_it():
    data, _ = run_json("check", SAMPLE, "--app", "inventory")
    assert {file.split("/")[0] for file, _, _ in code_findings(data)} == {"inventory"}


@pytest.fixture
def project(tmp_path):
    """A copy of code_cases the test may change."""
    root = tmp_path / "project"
    shutil.copytree(CASES, root)
    return root


def test_a_code_finding_is_silenced_on_its_line_with_a_reason(project):
    views = project / "shop" / "views.py"
    views.write_text(views.read_text().replace(
        "# planted: MS511", "# migsafe: ignore[MS511] an author has one profile page"))
    data, _ = run_json("check", project)
    (found,) = [f for f in data["findings"] if f["rule"] == "MS511" and f["file"] == "shop/views.py"]
    assert found["suppressed"] == "an author has one profile page"


def test_a_template_finding_is_silenced_with_a_template_comment(project):
    shelf = project / "shop" / "templates" / "shop" / "shelf.html"
    shelf.write_text(shelf.read_text().replace(
        "{% with publisher=author.publisher %}  {# planted: MS511 #}",
        "{% with publisher=author.publisher %}  {# migsafe: ignore[MS511] four authors on a shelf #}"))
    data, _ = run_json("check", project)
    (found,) = [f for f in data["findings"] if f["rule"] == "MS511" and f["line"] == 3]
    assert found["suppressed"] == "four authors on a shelf"


def test_excluded_apps_are_not_read(project):
    (project / "pyproject.toml").write_text('[tool.migsafe]\nexclude_apps = ["shop"]\n')
    data, _ = run_json("check", project)
    assert code_findings(data) == set()


def test_a_file_that_does_not_parse_is_a_problem_and_the_rest_is_read(project):
    (project / "shop" / "broken.py").write_text("def oops(:\n")
    data, result = run_json("check", project)
    assert "cannot parse shop/broken.py" in result.stderr
    assert code_findings(data) == marks(CASES, "planted")


def test_base_reports_code_findings_only_in_files_the_branch_changed(project):
    def git(*args):
        subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=project, check=True,
                       capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-qm", "base")
    git("checkout", "-q", "-b", "feature")
    views = project / "shop" / "views.py"
    views.write_text(views.read_text() + "\n\ndef titles():\n    return [b.title for b in Book.objects.all()]\n")
    data, _ = run_json("check", project, "--base", "main")
    assert {file for file, _, _ in code_findings(data)} == {"shop/views.py"}


def test_every_code_rule_has_its_page_its_row_in_the_index_and_the_changelog():
    from migsafe.rules.registry import all_rules

    index = (REPO / "docs" / "rules" / "README.md").read_text()
    code = [rule for rule in all_rules() if rule.scope == "code"]
    assert [rule.id for rule in code] == [*(f"MS50{n}" for n in (1, 2, 3)), *(f"MS51{n}" for n in (1, 2, 3)),
                                         *(f"MS52{n}" for n in range(1, 8))]
    for rule in code:
        assert (REPO / "docs" / "rules" / f"{rule.id}.md").read_text().startswith(f"# {rule.id} — {rule.title}\n")
        assert f"| [{rule.id}]({rule.id}.md) | {rule.severity} | {rule.title} |" in index
    assert "MS501–MS503 (indexing), MS511–MS513" in (REPO / "CHANGELOG.md").read_text()
