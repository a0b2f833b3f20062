"""migsafe fix for MS103 / MS104: AddIndex / RemoveIndex -> the Concurrently operations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE, run_json, run_migsafe
from migsafe.fix.index_concurrently import fix_source

CASES = Path(__file__).parent / "cases"


@pytest.mark.parametrize("case, app, name, indices", [
    ("in_place", "catalog", "0005_product_name_idx", [0]),
    ("split", "shop", "0002_item_code", [1]),
    ("remove_index", "shop", "0003_remove_item_code_idx", [0]),
])
def test_cases(case, app, name, indices):
    folder = CASES / case
    new_text, new_file = fix_source((folder / "before.py").read_text(), app, name, indices)
    assert new_text == (folder / "after.py").read_text()
    expected_new = folder / "new.py"
    assert new_file == (expected_new.read_text() if expected_new.exists() else None)
    if new_file is not None:
        compile(new_file, "new.py", "exec")
    compile(new_text, "after.py", "exec")


def test_split_keeps_everything_else_byte_identical():
    before = (CASES / "split" / "before.py").read_text()
    after = (CASES / "split" / "after.py").read_text()
    moved = (
        '        migrations.AddIndex(\n'
        '            model_name="item",\n'
        '            index=models.Index(fields=["code"],   name="item_code_idx"),  # odd spacing kept\n'
        '        ),  # trailing comment moves with the operation\n'
    )
    assert before.count(moved) == 1
    assert after == before.replace(moved, "")


def test_in_place_changes_only_the_call_import_and_atomic():
    before = (CASES / "in_place" / "before.py").read_text().splitlines()
    after = (CASES / "in_place" / "after.py").read_text().splitlines()
    added = [line for line in after if line not in before]
    assert added == [
        "from django.contrib.postgres.operations import AddIndexConcurrently",
        "    atomic = False",
        "        AddIndexConcurrently(",
    ]
    assert [line for line in before if line not in after] == ["        migrations.AddIndex("]


def _run_fix(project: Path, *args):
    """`migsafe fix PROJECT ... --format json` (--apply means --write)."""
    args = ["--write" if a == "--apply" else a for a in args]
    result = run_migsafe("fix", project, *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _index_findings(report, rule, migration_prefix):
    return [f for f in report["findings"] if f["rule"] == rule and f["app_label"] == "catalog"
            and f["migration"] and f["migration"].startswith(migration_prefix)]


def test_end_to_end_in_place(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    before, _ = run_json("check", project)
    assert _index_findings(before, "MS103", "0005")
    out = _run_fix(project, "--app", "catalog", "--migration", "0005", "--apply")
    assert [c["new"] for c in out["changes"]] == [False] and not out["skipped"]
    after, _ = run_json("check", project)
    assert not _index_findings(after, "MS103", "0005")
    assert _leaves(project) == _leaves(SAMPLE)


def test_end_to_end_split(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    out = _run_fix(project, "--app", "catalog", "--migration", "0013", "--apply")
    assert not out["skipped"]
    assert any(c["new"] and c["path"].endswith("0021_product_index_cleanup_concurrently.py") for c in out["changes"])
    after, _ = run_json("check", project)
    assert not _index_findings(after, "MS103", "0013") and not _index_findings(after, "MS104", "0013")
    assert not _index_findings(after, "MS103", "0021") and not _index_findings(after, "MS104", "0021")
    assert not [f for f in after["findings"] if f["rule"] in ("MS301", "MS302", "MS306") and f["app_label"] == "catalog"]
    assert _leaves(project) == _leaves(SAMPLE)


def _leaves(project: Path) -> dict:
    data, _ = run_json("graph", project)
    return {label: app["leaves"] for label, app in data["apps"].items()}
