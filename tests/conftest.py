"""Shared fixtures: running the CLI on a project, and scratch PostgreSQL databases."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_migrations"
PROJECTS = Path(__file__).resolve().parent / "projects"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# Walk snapshots (migsafe.render.snapshot) stay out of the home folder and out of tests that
# do not ask for them (tests/render/test_snapshot.py points them at a folder of its own).
os.environ.setdefault("MIGSAFE_CACHE_DIR", "off")


def run_migsafe(*args, env: dict | None = None, cwd: Path | None = None, timeout: int = 600):
    """Run the CLI in a fresh interpreter: Django's settings are per process."""
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # Django iterates sets (index_together, unique_together changes) in hash order; a fixed
    # seed makes two runs comparable, as two processes with the same seed would be.
    environment.setdefault("PYTHONHASHSEED", "0")
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "migsafe", *map(str, args)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd or REPO,
        timeout=timeout,
    )


def run_json(*args, **kwargs):
    result = run_migsafe(*args, "--format", "json", **kwargs)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout), result


@pytest.fixture(scope="session")
def pg_url() -> str:
    """URL of a reachable PostgreSQL server; unreachable is a failure under CI=true."""
    url = os.environ.get("MIGSAFE_TEST_DATABASE_URL", DEFAULT_URL)
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL at {url} is unreachable: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


@contextlib.contextmanager
def fresh_database(pg_url: str):
    """A new database on the test server, dropped afterwards; yields its URL (for fixtures of
    any scope: scratch_db is the per-test one)."""
    import psycopg
    from psycopg import sql

    name = f"migsafe_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = pg_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def scratch_db(pg_url):
    """A fresh database on the test server, dropped afterwards; yields its URL."""
    with fresh_database(pg_url) as url:
        yield url


def scratch_databases(pg_url: str) -> list[str]:
    """Every migsafe scratch database on the server (named migsafe_scratch_<pid>_<random>)."""
    import psycopg

    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'migsafe\\_scratch\\_%'").fetchall()
    return [row[0] for row in rows]


def leaked_scratch_databases(pg_url: str) -> list[str]:
    """Scratch databases left behind by processes that have ended (their pid is in the name).

    Runs still alive (another test, a parallel CI job) are not leaks.
    """
    leaked = []
    for name in scratch_databases(pg_url):
        pid = int(name.split("_")[2])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            leaked.append(name)
        except PermissionError:  # alive, another user's
            pass
    return leaked
