"""Live mode only ever writes to a scratch database it creates, and always drops it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from conftest import REPO, SAMPLE, scratch_databases


def test_sigterm_mid_run_still_drops_the_scratch_database(pg_url):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    process = subprocess.Popen(
        [sys.executable, "-m", "migsafe", "sql", str(SAMPLE), "--database-url", pg_url],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    ours = f"migsafe_scratch_{process.pid}_"
    deadline = time.monotonic() + 60
    while not any(name.startswith(ours) for name in scratch_databases(pg_url)):
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "no scratch database appeared"
        time.sleep(0.05)
    time.sleep(0.5)  # mid-run: migrations are being applied
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    assert not any(name.startswith(ours) for name in scratch_databases(pg_url))


def test_the_database_named_in_the_url_is_not_written_to(pg_url):
    import psycopg

    def catalog_state():
        with psycopg.connect(pg_url) as conn:
            return conn.execute(
                "SELECT count(*), coalesce(sum(relfilenode::bigint), 0) FROM pg_class "
                "WHERE relnamespace = 'public'::regnamespace"
            ).fetchone()

    before = catalog_state()
    result = subprocess.run(
        [sys.executable, "-m", "migsafe", "sql", str(SAMPLE), "conflicts", "--database-url", pg_url],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert catalog_state() == before


def test_passwords_never_appear_in_errors():
    url = "postgresql://someone:s3cr3t-pass@127.0.0.1:1/postgres"
    result = subprocess.run(
        [sys.executable, "-m", "migsafe", "sql", str(SAMPLE), "--database-url", url],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "s3cr3t-pass" not in result.stderr + result.stdout
    assert "cannot connect to PostgreSQL at 127.0.0.1:1" in result.stderr
