"""migsafe fix for MS103 / MS104 end to end on copies of the sample: AddIndex / RemoveIndex ->
the Concurrently operations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path


from conftest import SAMPLE, run_json, run_migsafe

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
