"""Smoke test of benchmarks/: the generator and the runner's migsafe-only path on the smallest
project. No timing is asserted, nothing is installed (--use-current-python), no database."""

from __future__ import annotations

import importlib.util
import json
import py_compile
import subprocess
import sys

from conftest import REPO

_spec = importlib.util.spec_from_file_location("migsafe_bench_synthetic", REPO / "benchmarks" / "synthetic.py")
synthetic = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = synthetic  # dataclasses look their module up
_spec.loader.exec_module(synthetic)
SyntheticProject, layout = synthetic.SyntheticProject, synthetic.layout


def test_generator_writes_a_deterministic_project(tmp_path):
    project = SyntheticProject.for_shape(2, 5, seed=3)
    written = project.write(tmp_path / "a")
    assert project.migration_count == 10 and len(project.apps) == 2
    files = sorted(p.relative_to(tmp_path / "a") for p in written)
    migrations = [f for f in files if f.parent.name == "migrations" and f.name != "__init__.py"]
    assert len(migrations) == 10
    for path in written:
        if path.suffix == ".py":
            py_compile.compile(str(path), doraise=True)
    again = SyntheticProject.for_shape(2, 5, seed=3)
    again.write(tmp_path / "b")
    for f in files:
        assert (tmp_path / "a" / f).read_text() == (tmp_path / "b" / f).read_text()
    added = project.extend(5)
    assert len(added) == 5 and project.migration_count == 15


def test_layout_adds_up():
    for total in (10, 200, 1000, 5000):
        apps, per_app = layout(total)
        assert len(per_app) == apps and sum(per_app) == total


def test_quick_run_without_peers(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--skip-peers", "--use-current-python",
         "--out", str(out), "--workdir", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(out.read_text())
    assert {"machine", "environment", "projects", "pull_request", "rows", "skipped"} <= set(data)
    assert {"cpu_count", "python", "django", "date"} <= set(data["machine"])
    project = data["projects"]["synthetic_10"]
    assert project["check"]["ok"] and project["check"]["migrations"] == 10
    assert project["check_json"]["ok"] and project["check_json"]["problems"] == 0, project["check_json"]
    assert "MS308" not in project["check_json"]["rules"]  # models.py matches what the migrations build
    assert project["loop"]["ok"] and project["loop"]["operations"] == project["check"]["operations"]
    assert "lintmigrations" not in project
    assert data["pull_request"]["check"]["ok"] and data["pull_request"]["check"]["migrations"] == 5
    figures = [row["figure"] for row in data["rows"]]
    assert "synthetic_10: check, whole process, wall" in figures
    # `migsafe report`: measured where the command exists, otherwise a row saying it was skipped
    assert "synthetic_10: report, whole process, wall" in figures or "report" in figures
    assert "figure" in result.stdout and "migsafe" in result.stdout
