"""A RunSQL of megabytes (a data-loading script) is checked in seconds, and still right.

tests/projects/huge_runsql reads bulk/migrations/load.sql, written here into a copy of the
project: about 3 MB of INSERTs whose strings, comments and dollar quotes hold semicolons,
with a CREATE TABLE in the middle that a later migration relies on.
"""

from __future__ import annotations

import shutil
import time

import pytest

from conftest import PROJECTS, run_json

ROWS_PER_INSERT = 500
INSERTS = 170  # 85 000 rows, about 3 MB


def load_script() -> list[str]:
    """The script's statements, in order."""
    def insert(n: int) -> str:
        rows = ",\n".join(
            f"('item {n}.{i}; it''s', {i})" if i % 3 else f"(E'back\\\\slash\\'; {n}' /* a; */, $d${i};$d$::int)"
            for i in range(ROWS_PER_INSERT)
        )
        return f"INSERT INTO bulk_item (name, size) VALUES -- rows; {n}\n{rows};"

    statements = [insert(n) for n in range(INSERTS)]
    statements.insert(INSERTS // 2, "CREATE TABLE bulk_lookup (id integer PRIMARY KEY, label text NOT NULL);")
    return statements


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    project = tmp_path_factory.mktemp("huge") / "huge_runsql"
    shutil.copytree(PROJECTS / "huge_runsql", project)
    statements = load_script()
    script = "\n".join(statements) + "\n"
    assert len(script) > 3_000_000
    (project / "bulk" / "migrations" / "load.sql").write_text(script)
    started = time.monotonic()
    data, result = run_json("check", project)
    print(f"\ncheck of a {len(script) / 1e6:.1f} MB RunSQL: {time.monotonic() - started:.1f}s")
    operations = {(o["migration"], o["operation_index"]): o for o in data["operations"]}
    return statements, operations, data


def test_every_statement_of_the_script_is_rendered_once_in_order(checked):
    statements, operations, _ = checked
    assert operations[("0002_load", 0)]["sql"] == statements


def test_the_inserts_are_classified_as_writes_to_their_table(checked):
    _, operations, _ = checked
    assert operations[("0002_load", 0)]["locks"] == {"bulk_item": "ROW EXCLUSIVE", "bulk_lookup": "ACCESS EXCLUSIVE"}
    assert operations[("0002_load", 0)]["rules"] == []


def test_a_table_created_inside_the_script_is_known_to_later_migrations(checked):
    _, _, data = checked
    (finding,) = [f for f in data["findings"] if (f["migration"], f["rule"]) == ("0003_lookup_label_narrowed", "MS206")]
    assert "narrows bulk_lookup.label from text to varchar(50)" in finding["message"]
