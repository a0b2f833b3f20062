"""The GitHub Action, run as GitHub runs a composite action: each step's shell with the
environment of a pull_request event, on a temporary repository with a base and a PR
branch, and a local fake of the comments API."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from migsafe.github.api import MARKER
from tests.conftest import PROJECTS, REPO

ACTION = yaml.safe_load((REPO / "action.yml").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*(inputs|github)\.([\w-]+)\s*\}\}")
PAGE = 2  # comments per page, so the fake API paginates


class FakeGitHub(BaseHTTPRequestHandler):
    """Issue comments of one repository, in memory."""

    comments: list = []
    requests: list = []

    def _reply(self, status, payload, link=None):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if link:
            self.send_header("Link", link)
        self.end_headers()
        self.wfile.write(body)

    def _body(self):
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_GET(self):
        self.requests.append(("GET", self.path, self.headers["Authorization"]))
        match = re.fullmatch(r"/repos/acme/shop/issues/7/comments\?per_page=100(?:&page=(\d+))?", self.path)
        page = int(match.group(1) or 1)
        chunk = self.comments[(page - 1) * PAGE:page * PAGE]
        more = len(self.comments) > page * PAGE
        base = f"http://{self.headers['Host']}/repos/acme/shop/issues/7/comments?per_page=100"
        self._reply(200, chunk, f'<{base}&page={page + 1}>; rel="next"' if more else None)

    def do_POST(self):
        self.requests.append(("POST", self.path, self.headers["Authorization"]))
        comment = {"id": 100 + len(self.comments), "body": self._body()["body"]}
        self.comments.append(comment)
        self._reply(201, comment)

    def do_PATCH(self):
        self.requests.append(("PATCH", self.path, self.headers["Authorization"]))
        comment_id = int(self.path.rsplit("/", 1)[1])
        comment = next(c for c in self.comments if c["id"] == comment_id)
        comment["body"] = self._body()["body"]
        self._reply(200, comment)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def api():
    FakeGitHub.comments = [{"id": 1, "body": "Looks good"}, {"id": 2, "body": "nit: naming"}]
    FakeGitHub.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", FakeGitHub
    server.shutdown()


MODELS = """from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=50)
    code = models.CharField(max_length=10, null=True)

    class Meta:
        indexes = [models.Index(fields=["name"], name="item_name_idx"),
                   models.Index(fields=["code"], name="item_code_idx")]


class Bin(models.Model):
    label = models.CharField(max_length=20)

    class Meta:
        indexes = [models.Index(fields=["label"], name="bin_label_idx")]
"""


def _git(root, *args):
    return subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=root, check=True,
                          capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A repository whose main branch has the project in app/, and a PR branch adding two
    migrations: a table with an index (harmless) and an index on an existing table (MS103)."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(PROJECTS / "concurrently_atomic", root / "app")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "base")
    base = _git(root, "rev-parse", "HEAD")
    _git(root, "checkout", "-q", "-b", "feature")
    for name in ("0003_bin.py", "0004_item_code.py"):
        shutil.copy(PROJECTS / "branch_migrations" / name, root / "app" / "shop" / "migrations")
    (root / "app" / "shop" / "models.py").write_text(MODELS)
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "feature")
    event = root.parent / f"{root.name}-event.json"
    event.write_text(json.dumps({"action": "synchronize", "number": 7,
                                 "pull_request": {"number": 7, "base": {"ref": "main", "sha": base}}}))
    return root, event


def _expand(value, inputs):
    def replace(match):
        scope, name = match.groups()
        if scope == "github":
            return {"action_path": str(REPO), "token": "fake-token"}[name]
        given = inputs.get(name, ACTION["inputs"][name].get("default", ""))
        return EXPRESSION.sub(replace, str(given))

    return EXPRESSION.sub(replace, str(value))


def run_action(repo, api_url, tmp_path, **inputs):
    """Every step of the composite action, in order, as GitHub's runner would run it."""
    root, event = repo
    files = {name: tmp_path / name for name in ("summary.md", "output.txt")}
    for path in files.values():
        path.write_text("")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "CI"))}
    environment.update({
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONHASHSEED": "0",
        "GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event), "GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": "feature",
        "GITHUB_REPOSITORY": "acme/shop", "GITHUB_API_URL": api_url, "GITHUB_WORKSPACE": str(root),
        "GITHUB_STEP_SUMMARY": str(files["summary.md"]), "GITHUB_OUTPUT": str(files["output.txt"]),
        "GITHUB_ACTION_PATH": str(REPO),
    })
    inputs = {"path": "app", **{k.replace("_", "-"): v for k, v in inputs.items()}}
    stdout, status = "", 0
    for step in ACTION["runs"]["steps"]:
        env = {**environment, **{k: _expand(v, inputs) for k, v in step.get("env", {}).items()}}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=root,
                              env=env, capture_output=True, text=True, timeout=120)
        stdout += done.stdout
        status = done.returncode
        if status:
            break
    outputs = dict(line.split("=", 1) for line in files["output.txt"].read_text().splitlines())
    return status, stdout, files["summary.md"].read_text(), outputs


@pytest.fixture(scope="module")
def first_push(repo, api, tmp_path_factory):
    url, server = api
    return run_action(repo, url, tmp_path_factory.mktemp("run1"), sarif_file="migsafe.sarif")


def test_an_unsafe_pull_request_fails_the_step(first_push):
    status, *_ = first_push
    assert status == 1


def test_installing_is_skipped_when_this_copy_is_already_installed(first_push):
    assert f"migsafe from {REPO} is already installed" in first_push[1]


def test_findings_are_annotated_on_the_repository_paths(first_push):
    stdout = first_push[1]
    assert re.search(r"^::error file=app/shop/migrations/0004_item_code\.py,line=\d+,title=MS103 ", stdout, re.M)


def test_only_the_pull_requests_migrations_are_checked(first_push):
    stdout = first_push[1]
    assert "0002_item_name_idx" not in stdout  # unsafe too, but already on main
    assert "0003_bin.py" not in stdout  # an index on a table the branch creates


def test_the_job_summary_has_the_per_operation_table(first_push):
    summary = first_push[2]
    assert summary.startswith("## ❌ migsafe: unsafe migrations")
    assert "### `shop.0004_item_code`" in summary and "| # | operation | lock | risk | SQL |" in summary
    assert "❌ **MS103**" in summary and "Suggested rewrite" in summary


def test_step_outputs_report_the_counts(first_push):
    outputs = first_push[3]
    assert outputs["failed"] == "true" and int(outputs["errors"]) >= 1 and outputs["sarif-file"] == "migsafe.sarif"


def test_the_sarif_file_is_written_in_the_workspace(first_push, repo):
    log = json.loads((repo[0] / "migsafe.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert "app/shop/migrations/0004_item_code.py" in uris


def test_one_comment_is_posted_with_the_marker_and_the_token(first_push, api):
    _, server = api
    ours = [c for c in server.comments if MARKER in c["body"]]
    assert len(ours) == 1 and "### `shop.0004_item_code`" in ours[0]["body"]
    assert [r for r in server.requests if r[0] == "POST"] == [
        ("POST", "/repos/acme/shop/issues/7/comments", "Bearer fake-token")]


def test_a_new_push_edits_the_same_comment(first_push, repo, api, tmp_path):
    url, server = api
    root, _ = repo
    migration = root / "app" / "shop" / "migrations" / "0004_item_code.py"
    models = root / "app" / "shop" / "models.py"
    for path in (migration, models):
        path.write_text(path.read_text().replace('name="item_code_idx"', 'name="item_code_lookup_idx"'))
    _git(root, "commit", "-qam", "rename the index")
    run_action(repo, url, tmp_path)
    ours = [c for c in server.comments if MARKER in c["body"]]
    assert len(ours) == 1 and "item_code_lookup_idx" in ours[0]["body"]
    assert ("PATCH", f"/repos/acme/shop/issues/comments/{ours[0]['id']}", "Bearer fake-token") in server.requests


def test_nothing_changed_passes_quietly_without_a_comment(repo, api, tmp_path):
    url, server = api
    before = len(server.requests)
    status, stdout, summary, outputs = run_action(repo, url, tmp_path, base_ref="HEAD", comment="off")
    assert status == 0 and outputs["failed"] == "false"
    assert "No migration was added or changed: nothing to check." in summary
    assert len(server.requests) == before


@pytest.fixture(scope="module")
def unimportable(api, tmp_path_factory):
    """The action on a pull request of a project whose requirements the job did not install."""
    root = tmp_path_factory.mktemp("unimportable")
    shutil.copytree(PROJECTS / "uninstalled_requirements", root / "app")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "base")
    event = root.parent / f"{root.name}-event.json"
    event.write_text(json.dumps({"action": "synchronize", "number": 7,
                                 "pull_request": {"number": 7, "base": {"ref": "main", "sha": "HEAD"}}}))
    url, server = api
    return run_action((root, event), url, tmp_path_factory.mktemp("static-run")), server


def test_an_unimportable_project_is_checked_from_its_files_and_fails_by_its_findings(unimportable):
    (status, stdout, _, outputs), _ = unimportable
    assert status == 1 and outputs["failed"] == "true"
    assert re.search(r"^::error file=app/shop/migrations/0002_item_changes\.py,line=13,title=MS103 ", stdout, re.M)


def test_the_static_check_is_announced_with_what_it_skipped(unimportable):
    (_, stdout, _, _), _ = unimportable
    (warning,) = [line for line in stdout.splitlines() if line.startswith("::warning") and "static check" in line]
    assert "the project could not be imported" in warning and "payments_sdk_not_installed" in warning
    assert "skipped: SQL rendering" in warning


def test_the_summary_and_the_comment_carry_the_static_banner(unimportable):
    (_, _, summary, _), server = unimportable
    (comment,) = [c for c in server.comments if MARKER in c["body"]]
    for text in (summary, comment["body"]):
        assert "> ⚠️ **Static check.** The project could not be imported" in text
        assert "MS103" in text
