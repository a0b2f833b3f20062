"""Offline SQL is the SQL a real PostgreSQL server executes, statement for statement.

Every migration of sample_migrations/ (its own apps and Django's contrib apps: auth,
contenttypes, admin, sessions, sites, flatpages, redirects) is rendered offline and
applied to a scratch database on the test server; the two must agree.
"""

from __future__ import annotations

import re

import pytest

from conftest import PROJECTS, SAMPLE, leaked_scratch_databases, run_json
from migsafe.render.statements import normalize

# Callable defaults (timezone.now, uuid.uuid4) are evaluated when the migration runs, so
# the literal differs between any two runs, live or not; only the literal is masked.
_VOLATILE = re.compile(
    r"'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00:00'::timestamptz|'[0-9a-f]{32}'::uuid"
)


def comparable(statement: str) -> str:
    return _VOLATILE.sub("<value computed at migration time>", normalize(statement))


CONTRIB = {"auth", "contenttypes", "admin", "sessions", "sites", "flatpages", "redirects"}


@pytest.fixture(scope="module")
def rendered(pg_url):
    offline, _ = run_json("sql", SAMPLE)
    live, result = run_json("sql", SAMPLE, "--database-url", pg_url)
    assert "could not be rendered" not in result.stderr, result.stderr
    return offline, live


def keyed(operations):
    return {(op["app_label"], op["migration"], op["operation_index"]): op for op in operations}


def test_same_operations_in_the_same_order(rendered):
    offline, live = rendered
    assert [(o["app_label"], o["migration"], o["operation_index"]) for o in offline] == [
        (o["app_label"], o["migration"], o["operation_index"]) for o in live
    ]


def test_every_operation_renders_the_sql_the_server_ran(rendered):
    assert_same_sql(*rendered)


def test_renamed_and_retyped_foreign_key_targets_render_as_live(pg_url):
    # A to_field target renamed, then retyped: the pointing column and constraint follow (the
    # models pointing at a table are rendered only for such unique / primary key changes).
    project = PROJECTS / "renamed_targets"
    offline, _ = run_json("sql", project)
    live, _ = run_json("sql", project, "--database-url", pg_url)
    assert_same_sql(offline, live)
    retyped = keyed(offline)[("shop", "0003_alter_product_sku_name", 0)]["sql"]
    assert any('ALTER TABLE "shop_line" ALTER COLUMN "product_id" TYPE varchar(64)' in s for s in retyped)


def assert_same_sql(offline, live):
    live_ops = keyed(live)
    mismatches = []
    for op in offline:
        key = (op["app_label"], op["migration"], op["operation_index"])
        ours = [comparable(s) for s in op["sql"]]
        theirs = [comparable(s) for s in live_ops[key]["sql"]]
        if ours != theirs:
            mismatches.append((key, op["operation"], ours, theirs))
    matched = len(offline) - len(mismatches)
    statements = sum(len(op["sql"]) for op in offline)
    print(f"\noffline == live for {matched}/{len(offline)} operations ({statements} statements)")
    assert not mismatches, "\n".join(f"{k} {d}:\n  offline {o}\n  live    {t}" for k, d, o, t in mismatches)


def test_contrib_apps_and_every_sample_app_are_covered(rendered):
    offline, _ = rendered
    apps = {op["app_label"] for op in offline}
    assert CONTRIB <= apps
    assert len(apps - CONTRIB - {"postgres"}) >= 3


def test_operations_locate_their_source_line(rendered):
    offline, _ = rendered
    own = [op for op in offline if op["app_label"] not in CONTRIB]
    assert own and all(op["file"] and op["line"] for op in own)
    for op in own:
        source = (SAMPLE / op["file"]).read_text().splitlines()
        assert re.match(r"\s*(migrations\.)?[A-Z]\w*\(", source[op["line"] - 1]), op


def test_live_rendering_drops_its_scratch_database(rendered, pg_url):
    assert leaked_scratch_databases(pg_url) == []
