"""`migsafe fix --rule MS501 / MS502`: the index the code needs, in Meta.indexes and in a new
migration that builds it concurrently after the app's leaf; models and migrations agree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest

from conftest import PROJECTS, SAMPLE, run_json, run_migsafe
from migsafe.fix.add_index import add_to_meta_indexes
from schema import apply_project, scratch_database


def _fix(project, *args):
    result = run_migsafe("fix", project, *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    project = tmp_path_factory.mktemp("indexes") / "project"
    shutil.copytree(SAMPLE, project)
    return project, _fix(project, "--rule", "MS501", "--write")


def test_each_index_gets_a_non_atomic_migration_after_the_leaf_and_a_meta_indexes_entry(fixed):
    project, report = fixed
    assert sorted(Path(c["path"]).name for c in report["changes"] if c["new"]) == [
        "0013_warehouse_city_idx.py", "0014_order_status_created_at_idx.py", "0014_stockitem_quantity_idx.py",
        "0015_stockitem_last_counted_at_idx.py", "0021_product_stock_idx.py", "0022_product_view_count_idx.py",
    ]
    migration = (project / "orders" / "migrations" / "0014_order_status_created_at_idx.py").read_text()
    assert "atomic = False" in migration and '("orders", "0013_order_priority_default_sql")' in migration
    assert ('AddIndexConcurrently(\n            model_name="order",\n            index=models.Index('
            'fields=["status", "created_at"], name="orders_orde_status_25e057_idx"),') in migration
    chained = (project / "catalog" / "migrations" / "0022_product_view_count_idx.py").read_text()
    assert '("catalog", "0021_product_stock_idx")' in chained  # one index per migration, in a chain


def test_models_py_only_gains_the_index_lines(fixed):
    project, _ = fixed
    before = (SAMPLE / "orders" / "models.py").read_text().splitlines()
    after = (project / "orders" / "models.py").read_text().splitlines()
    added = [line for line in after if line not in before]
    assert added == ['        indexes = [models.Index(fields=["status", "created_at"], name="orders_orde_status_25e057_idx")]']
    assert [line for line in after if line not in added] == before


def test_check_afterwards_finds_no_missing_index_and_no_model_drift(fixed):
    project, _ = fixed
    data, _ = run_json("check", project)
    assert not [f for f in data["findings"] if f["rule"] in ("MS501", "MS308")]


def test_the_fixed_project_migrates_on_postgresql_with_the_indexes(fixed, pg_url):
    project, _ = fixed
    with scratch_database(pg_url) as url:
        apply_project(project, url)
        with psycopg.connect(url) as conn:
            (definition,) = conn.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'orders_orde_status_25e057_idx'").fetchone()
    assert definition.endswith('ON public.orders_order USING btree (status, created_at)')


def test_adding_indexes_is_opt_in(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROJECTS / "code_cases", project)
    assert not [c for c in _fix(project)["changes"] if c["path"].endswith("_idx.py")]


def test_a_foreign_key_without_index_is_fixed_unless_it_was_added_in_sql(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROJECTS / "code_cases", project)
    report = _fix(project, "--rule", "MS502")
    assert [Path(c["path"]).name for c in report["changes"] if c["new"]] == ["0003_book_author_idx.py"]
    (skipped,) = report["skipped"]
    assert skipped["reason"].startswith("shop/migrations/0002_invoice_customer_fk.py:12: the foreign key is not "
                                        "a model field (added in SQL)")


def entry(models_name):
    return f'{models_name}.Index(fields=["a"], name="x_a_idx")'


@pytest.mark.parametrize("before, after", [
    (  # a multi-line list with a trailing comma and a comment
        'class M(models.Model):\n    class Meta:\n        indexes = [\n'
        '            models.Index(fields=["b"], name="x_b_idx"),  # hot\n        ]\n',
        'class M(models.Model):\n    class Meta:\n        indexes = [\n'
        '            models.Index(fields=["b"], name="x_b_idx"),  # hot\n'
        '            models.Index(fields=["a"], name="x_a_idx"),\n        ]\n',
    ),
    (  # a multi-line list without a trailing comma
        'class M(models.Model):\n    class Meta:\n        indexes = [\n            models.Index(fields=["b"], name="x_b_idx")\n        ]\n',
        'class M(models.Model):\n    class Meta:\n        indexes = [\n            models.Index(fields=["b"], name="x_b_idx"),\n'
        '            models.Index(fields=["a"], name="x_a_idx")\n        ]\n',
    ),
    (  # a list on one line
        'class M(models.Model):\n    class Meta:\n        indexes = [models.Index(fields=["b"], name="x_b_idx")]\n',
        'class M(models.Model):\n    class Meta:\n        indexes = [models.Index(fields=["b"], name="x_b_idx"), '
        'models.Index(fields=["a"], name="x_a_idx")]\n',
    ),
    (  # an empty list
        'class M(models.Model):\n    class Meta:\n        indexes = []\n',
        'class M(models.Model):\n    class Meta:\n        indexes = [models.Index(fields=["a"], name="x_a_idx")]\n',
    ),
    (  # Meta without indexes
        'class M(models.Model):\n    class Meta:\n        ordering = ["a"]\n\n    def f(self):\n        pass\n',
        'class M(models.Model):\n    class Meta:\n        ordering = ["a"]\n'
        '        indexes = [models.Index(fields=["a"], name="x_a_idx")]\n\n    def f(self):\n        pass\n',
    ),
    (  # no Meta: after the fields
        'class M(models.Model):\n    a = models.IntegerField()\n\n    def f(self):\n        pass\n',
        'class M(models.Model):\n    a = models.IntegerField()\n\n    class Meta:\n'
        '        indexes = [models.Index(fields=["a"], name="x_a_idx")]\n\n    def f(self):\n        pass\n',
    ),
])
def test_meta_indexes_are_extended_in_the_style_they_are_written(before, after):
    header = "from django.db import models\n\n\n"
    assert add_to_meta_indexes(header + before, "M", entry) == (header + after, None)


def test_the_models_import_name_is_used():
    text = "from django.db import models as m\n\n\nclass M(m.Model):\n    class Meta:\n        indexes = []\n"
    edited, _ = add_to_meta_indexes(text, "M", entry)
    assert 'indexes = [m.Index(fields=["a"], name="x_a_idx")]' in edited


def test_what_cannot_be_edited_safely_is_refused_with_the_reason():
    computed = "from django.db import models\n\n\nclass M(models.Model):\n    class Meta:\n        indexes = BASE + []\n"
    assert add_to_meta_indexes(computed, "M", entry) == (None, "M.Meta.indexes is not a literal list")
    assert add_to_meta_indexes("from django.db.models import Model\n\n\nclass M(Model):\n    pass\n", "M", entry) == \
        (None, "models.py does not `from django.db import models`")
