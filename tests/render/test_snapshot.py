"""Snapshots of the walk: a pull request's second check starts from the base branch's state
and catalog, and says exactly what a full walk says."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import PROJECTS, SAMPLE, run_json

NEW = PROJECTS / "snapshot_branch" / "0021_product_stock_note.py"


def _git(root, *args):
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=root, check=True,
                   capture_output=True)


@pytest.fixture
def branch(tmp_path):
    """The sample on a git branch `feature` that adds one migration to `main`."""
    root = tmp_path / "project"
    shutil.copytree(SAMPLE, root)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "base")
    _git(root, "checkout", "-q", "-b", "feature")
    shutil.copy(NEW, root / "catalog" / "migrations")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "feature")
    return root


def _check(root, cache):
    data, _ = run_json("check", root, "--base", "main", env={"MIGSAFE_CACHE_DIR": str(cache)})
    return data


def _snapshots(cache):
    return sorted(cache.glob("walk-*.pickle")) if cache.exists() else []


def test_a_base_check_leaves_a_snapshot_of_the_base_branch(branch, tmp_path):
    cache = tmp_path / "cache"
    data = _check(branch, cache)
    assert {o["migration"] for o in data["operations"]} == {"0021_product_stock_note"}
    assert len(_snapshots(cache)) == 1


def test_the_second_check_starts_from_the_snapshot_and_says_the_same(branch, tmp_path):
    cache = tmp_path / "cache"
    first = _check(branch, cache)
    (snapshot,) = _snapshots(cache)
    os.utime(snapshot, (0, 0))
    second = _check(branch, cache)
    assert snapshot.stat().st_mtime > 0  # read (and marked as recently used)
    assert second == first == _check(branch, "off")


def test_a_changed_base_history_is_walked_again(branch, tmp_path):
    cache = tmp_path / "cache"
    _check(branch, cache)
    _git(branch, "checkout", "-q", "main")
    earlier = branch / "accounts" / "migrations" / "0003_customer.py"
    earlier.write_text(earlier.read_text() + "\n# reviewed\n")
    _git(branch, "commit", "-qam", "a comment in an applied migration")
    _git(branch, "checkout", "-q", "feature")
    _git(branch, "rebase", "-q", "main")
    data = _check(branch, cache)
    assert len(_snapshots(cache)) == 2  # the old one did not match the new base
    assert data == _check(branch, "off")


def test_off_stores_nothing(branch, tmp_path):
    cache = tmp_path / "cache"
    run_json("check", branch, "--base", "main", env={"MIGSAFE_CACHE_DIR": "off", "XDG_CACHE_HOME": str(cache)})
    assert not cache.exists()


def test_a_whole_check_of_the_base_serves_the_branchs_first_check(branch, tmp_path):
    # With every app checked, the base branch's check walks the whole plan: exactly the
    # history a pull request's migrations come after.
    cache = tmp_path / "cache"
    _git(branch, "checkout", "-q", "main")
    apps = ["admin", "auth", "contenttypes", "sessions", "sites", "flatpages", "redirects"]
    (branch / "pyproject.toml").write_text(f"[tool.migsafe]\ninclude_apps = {apps!r}\n")
    _git(branch, "add", "pyproject.toml")
    _git(branch, "commit", "-qm", "check every app")
    run_json("check", branch, env={"MIGSAFE_CACHE_DIR": str(cache)})
    (snapshot,) = _snapshots(cache)
    os.utime(snapshot, (0, 0))
    _git(branch, "checkout", "-q", "feature")
    _git(branch, "rebase", "-q", "main")
    data = _check(branch, cache)
    assert snapshot.stat().st_mtime > 0 and _snapshots(cache) == [snapshot]
    assert data == _check(branch, "off")
