"""Scratch databases: the only databases migsafe ever writes to.

A scratch database has a unique name, is created on the server named by the user's URL,
and is dropped when the block ends, also on exceptions, Ctrl-C and SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import uuid
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, parse_qsl

from migsafe.errors import MigsafeError

SCRATCH_PREFIX = "migsafe_scratch_"


@dataclass(frozen=True)
class ServerURL:
    host: str
    port: int
    user: str
    password: str
    dbname: str
    options: dict

    @classmethod
    def parse(cls, url: str) -> "ServerURL":
        parts = urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql"):
            raise MigsafeError(
                f"database URL must start with postgresql:// (got {redact(url)!r})",
                hint="example: postgresql://user@127.0.0.1:5432/postgres",
            )
        try:
            port = parts.port or 5432
        except ValueError as exc:
            raise MigsafeError(f"database URL has an invalid port: {redact(url)}") from exc
        return cls(
            host=unquote(parts.hostname or "localhost"),
            port=port,
            user=unquote(parts.username or os.environ.get("PGUSER", "postgres")),
            password=unquote(parts.password or ""),
            dbname=unquote(parts.path.lstrip("/")) or "postgres",
            options=dict(parse_qsl(parts.query)),
        )

    def conninfo(self, dbname: str | None = None) -> dict:
        params = {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "dbname": dbname or self.dbname,
            "connect_timeout": int(self.options.get("connect_timeout", 10)),
        }
        if self.password:
            params["password"] = self.password
        if "sslmode" in self.options:
            params["sslmode"] = self.options["sslmode"]
        return params

    def django_settings(self, dbname: str, engine: str) -> dict:
        options = {k: v for k, v in self.options.items() if k in ("sslmode",)}
        return {
            "ENGINE": engine,
            "NAME": dbname,
            "USER": self.user,
            "PASSWORD": self.password,
            "HOST": self.host,
            "PORT": str(self.port),
            "OPTIONS": options,
        }


def redact(url: str) -> str:
    """The URL with its password replaced, safe to print or write to a report."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _admin_connect(server: ServerURL):
    import psycopg

    try:
        return psycopg.connect(**server.conninfo(), autocommit=True)
    except psycopg.OperationalError as exc:
        raise MigsafeError(
            f"cannot connect to PostgreSQL at {server.host}:{server.port} as {server.user}: "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else exc}",
            hint="check --database-url; migsafe only needs the right to CREATE DATABASE there",
        ) from exc


def create_database(server: ServerURL) -> str:
    from psycopg import sql

    name = f"{SCRATCH_PREFIX}{os.getpid()}_{uuid.uuid4().hex[:12]}"
    with _admin_connect(server) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def drop_database(server: ServerURL, name: str) -> None:
    """Drop a scratch database (never anything else), ending its sessions first."""
    from psycopg import sql

    if not name.startswith(SCRATCH_PREFIX):
        raise MigsafeError(f"refusing to drop {name!r}: not a migsafe scratch database")
    with _admin_connect(server) as conn:
        version = conn.info.server_version
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        force = sql.SQL(" WITH (FORCE)") if version >= 130000 else sql.SQL("")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}{}").format(sql.Identifier(name), force))


@contextlib.contextmanager
def _terminate_as_interrupt():
    """Turn SIGTERM into an exception so that `finally` blocks (the drop) run."""

    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def scratch_database(url: str):
    """Create a scratch database on URL's server; yield (server, name); always drop it."""
    server = ServerURL.parse(url)
    with _terminate_as_interrupt():
        name = create_database(server)
        try:
            yield server, name
        finally:
            _close_django_connections()
            # A second Ctrl-C during the drop must not leave the database behind.
            with _ignoring(signal.SIGINT, signal.SIGTERM):
                drop_database(server, name)


@contextlib.contextmanager
def _ignoring(*signals):
    previous = {}
    try:
        for signum in signals:
            previous[signum] = signal.signal(signum, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to restore
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _close_django_connections() -> None:
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # Django may not be set up yet
        pass
