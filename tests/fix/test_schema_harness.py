"""The equivalence harness (tests/fix/schema.py) that migsafe fix's tests rely on.

The full sample is applied four times in this file (twice unchanged, once per edited copy),
plus the small conflicts app alone once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest

from conftest import SAMPLE
from schema import apply_project, diff_schemas, schema_snapshot, scratch_database

pytestmark = pytest.mark.postgres


def copy_sample(tmp_path_factory) -> Path:
    """A private copy of sample_migrations/: tests edit migrations, never the repository."""
    copy = tmp_path_factory.mktemp("project") / "sample_migrations"
    shutil.copytree(SAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def edit(project: Path, migration: str, old: str, new: str) -> None:
    path = project / migration
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} in {migration}"
    path.write_text(text.replace(old, new))


def snapshot_of(project: Path, pg_url: str) -> dict:
    with scratch_database(pg_url) as url:
        apply_project(project, url)
        return schema_snapshot(url)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return copy_sample(tmp_path_factory)


@pytest.fixture(scope="module")
def baseline(sample, pg_url) -> dict:
    return snapshot_of(sample, pg_url)


@pytest.fixture(scope="module")
def renamed_index(tmp_path_factory, pg_url) -> dict:
    """The sample with catalog's partial index created under another name."""
    project = copy_sample(tmp_path_factory)
    edit(project, "catalog/migrations/0013_product_index_cleanup.py",
         'name="product_featured_idx"', 'name="product_feat_idx"')
    return snapshot_of(project, pg_url)


def test_two_runs_of_the_same_project_give_equal_snapshots(sample, baseline, pg_url):
    assert diff_schemas(baseline, snapshot_of(sample, pg_url)) == []


def test_snapshot_records_columns_indexes_and_constraints(baseline):
    product = baseline["relations"]["catalog_product"]
    assert product["kind"] == "table"
    assert product["columns"]["sku"]["type"] == "character varying(32)"
    assert product["columns"]["sku"]["not_null"] is True  # 0004 made it NOT NULL
    assert product["indexes"]["product_name_trgm_idx"]["definition"] == (
        "CREATE INDEX ON public.catalog_product USING gin (name gin_trgm_ops)"
    )
    assert "product_name_idx" not in product["indexes"]  # removed by 0013
    assert "product_category_active_idx" in product["indexes"]  # renamed by 0013
    assert product["constraints"]["product_price_gte_0"]["definition"] == "CHECK ((unit_price >= (0)::numeric))"


def test_snapshot_records_whether_a_constraint_is_validated(baseline):
    """accounts 0008 adds the check NOT VALID, 0009 validates it."""
    check = baseline["relations"]["accounts_customer"]["constraints"]["customer_credit_limit_gte_0"]
    assert check == {
        "type": "c",
        "definition": "CHECK ((credit_limit >= (0)::numeric))",
        "validated": True,
        "deferrable": "no",
    }


def test_snapshot_records_views_extensions_and_collations(baseline):
    assert baseline["relations"]["orders_daily_revenue"]["kind"] == "view"
    assert "FROM orders_order" in baseline["relations"]["orders_daily_revenue"]["definition"]
    assert "pg_trgm" in baseline["extensions"]
    assert baseline["collations"]["case_insensitive"]["collisdeterministic"] is False
    assert baseline["functions"] == {}  # the extensions' functions belong to the extensions


def test_snapshot_leaves_out_django_migrations(baseline):
    assert "django_migrations" not in baseline["relations"]
    assert all(s["owned_by"] is None or not s["owned_by"].startswith("django_migrations.")
               for s in baseline["sequences"].values())
    assert "django_migrations_id_seq" not in baseline["sequences"]


def test_both_conflicting_leaves_are_applied(baseline):
    """`manage.py migrate` refuses the conflicts app's two leaves; explicit targets do not."""
    assert {"color", "size"} <= baseline["relations"]["conflicts_badge"]["columns"].keys()


def test_changed_migration_is_named_in_the_diff(tmp_path_factory, baseline, pg_url):
    project = copy_sample(tmp_path_factory)
    edit(project, "catalog/migrations/0019_product_name_widen_lock_timeout.py", "max_length=250", "max_length=300")
    assert diff_schemas(baseline, snapshot_of(project, pg_url)) == [
        "relations.catalog_product.columns.name.type: "
        "'character varying(250)' (a) != 'character varying(300)' (b)"
    ]


def test_renamed_index_differs_without_ignore_names(baseline, renamed_index):
    assert diff_schemas(baseline, renamed_index) == [
        "relations.catalog_product.indexes.product_feat_idx: only in b",
        "relations.catalog_product.indexes.product_featured_idx: only in a",
    ]


def test_ignore_names_pairs_a_renamed_but_identical_index(baseline, renamed_index):
    assert diff_schemas(baseline, renamed_index, ignore_names={"product_featured_idx": "product_feat_idx"}) == []


def test_ignore_names_still_compares_definitions(baseline, renamed_index):
    """Pairing an index with a different one reports the definition, not the name."""
    differences = diff_schemas(baseline, renamed_index, ignore_names={
        "product_featured_idx": "product_feat_idx",
        "product_name_trgm_idx": "product_published_idx",
        "product_published_idx": "product_name_trgm_idx",
    })
    assert differences == [
        "relations.catalog_product.indexes.product_name_trgm_idx.definition: "
        "'CREATE INDEX ON public.catalog_product USING btree (published_at)' (a) != "
        "'CREATE INDEX ON public.catalog_product USING gin (name gin_trgm_ops)' (b)",
        "relations.catalog_product.indexes.product_published_idx.definition: "
        "'CREATE INDEX ON public.catalog_product USING gin (name gin_trgm_ops)' (a) != "
        "'CREATE INDEX ON public.catalog_product USING btree (published_at)' (b)",
    ]


def test_ignore_names_refuses_a_name_a_does_not_have(baseline):
    with pytest.raises(AssertionError, match="no_such_idx"):
        diff_schemas(baseline, baseline, ignore_names={"no_such_idx": "other"})


# What RunSQL (and a fix's SeparateDatabaseAndState) can leave behind beyond Django's own DDL.
RUNSQL_OBJECTS = """
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE DOMAIN positive AS integer CONSTRAINT positive_check CHECK (VALUE > 0);
CREATE TYPE span AS RANGE (subtype = float8);
CREATE TABLE item (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text COLLATE "C" NOT NULL DEFAULT 'x',
    qty integer,
    double_qty integer GENERATED ALWAYS AS (qty * 2) STORED
) WITH (fillfactor = 70);
COMMENT ON COLUMN item.code IS 'Shelf code';
CREATE UNLOGGED TABLE scratchpad (n serial);
ALTER TABLE item ADD CONSTRAINT qty_positive CHECK (qty > 0) NOT VALID;
INSERT INTO item (code, qty) VALUES ('a', 1), ('a', 2);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER item_touch BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION touch();
CREATE STATISTICS item_stats (dependencies) ON code, qty FROM item;
CREATE TABLE event (at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE event_2024 PARTITION OF event FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
"""


def test_snapshot_reads_what_runsql_can_create(scratch_db):
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute(RUNSQL_OBJECTS)
        # A failed concurrent build leaves an INVALID index behind.
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("CREATE UNIQUE INDEX CONCURRENTLY item_code_uniq ON item (code)")
    snapshot = schema_snapshot(scratch_db)
    item = snapshot["relations"]["item"]
    assert item["options"] == ["fillfactor=70"]
    assert item["columns"]["id"]["identity"] == "always"
    assert item["columns"]["code"] == {
        "position": 2, "type": "text", "not_null": True, "default": "'x'::text", "generated": None,
        "identity": None, "collation": "C", "comment": "Shelf code",
    }
    assert item["columns"]["double_qty"]["generated"] == "stored: (qty * 2)"
    assert item["constraints"]["qty_positive"]["validated"] is False
    assert item["indexes"]["item_code_uniq"]["valid"] is False
    assert item["triggers"]["item_touch"]["definition"].startswith("CREATE TRIGGER item_touch BEFORE UPDATE")
    assert snapshot["relations"]["scratchpad"]["unlogged"] is True
    assert snapshot["relations"]["event"]["partition_key"] == "RANGE (at)"
    assert snapshot["relations"]["event_2024"]["inherits"] == ["event"]
    assert snapshot["sequences"]["item_id_seq"]["owned_by"] == "item.id"
    assert snapshot["sequences"]["scratchpad_n_seq"]["owned_by"] == "scratchpad.n"
    assert list(snapshot["functions"]) == ["touch()"]  # not span's constructors: PostgreSQL's own
    assert snapshot["types"] == {
        "mood": {"kind": "enum", "labels": ["sad", "happy"]},
        "positive": {"kind": "domain", "base": "integer", "not_null": False, "default": None,
                     "constraints": ["positive_check CHECK ((VALUE > 0))"]},
        "span": {"kind": "range", "subtype": "double precision"},
    }
    assert list(snapshot["statistics"]) == ["item_stats"]


def test_apps_limits_the_migrated_apps(sample, scratch_db):
    apply_project(sample, scratch_db, apps=["conflicts"])
    assert set(schema_snapshot(scratch_db)["relations"]) == {"conflicts_badge"}


def test_apply_failure_raises_with_the_subprocess_stderr(sample, scratch_db):
    with pytest.raises(AssertionError, match="no migrations for \\['no_such_app'\\]"):
        apply_project(sample, scratch_db, apps=["no_such_app"])


def test_scratch_database_is_dropped_afterwards(pg_url):
    with scratch_database(pg_url) as url:
        name = url.rsplit("/", 1)[1]
        assert name.startswith("migsafe_scratch_")
        psycopg.connect(url).close()
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None
