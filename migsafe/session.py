"""One analysis session: the project loaded (offline or on a scratch database) and its graph."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from migsafe.errors import MigsafeError, Problem

DEFAULT_PG_VERSION = 16
SUPPORTED_PG_VERSIONS = range(12, 18)


@dataclass
class Session:
    project: object  # migsafe.project.Project
    graph: object  # migsafe.graph.Graph
    config: dict
    live: bool
    problems: list[Problem] = field(default_factory=list)


def pg_version_number(major: int) -> int:
    if major not in SUPPORTED_PG_VERSIONS:
        raise MigsafeError(
            f"--pg-version {major} is not supported",
            hint=f"use one of {SUPPORTED_PG_VERSIONS.start}-{SUPPORTED_PG_VERSIONS.stop - 1}",
        )
    return major * 10000


@contextlib.contextmanager
def open_session(
    path: str | Path,
    *,
    settings: str | None = None,
    env: dict[str, str] | None = None,
    env_file: str | None = None,
    pg_version: int | None = None,
    database_url: str | None = None,
):
    """Load the project and its graph; with DATABASE_URL, on a scratch database dropped afterwards."""
    from migsafe.project import LIVE_ENGINE, load_project, offline_database, read_env_file, read_tool_config

    root = Path(path)
    if not root.is_dir():
        raise MigsafeError(f"{path}: no such folder", hint="pass the folder that holds the Django project")
    config = read_tool_config(root.resolve())
    variables = dict(read_env_file(Path(env_file))) if env_file else {}
    variables.update(env or {})
    major = pg_version or int(config.get("pg_version", DEFAULT_PG_VERSION))
    number = pg_version_number(major)

    if database_url:
        from migsafe.render.scratch import scratch_database

        with scratch_database(database_url) as (server, name):
            project = load_project(root, settings_module=settings, env=variables,
                                   database=server.django_settings(name, LIVE_ENGINE), config=config)
            yield _session(project, config, live=True)
        return
    project = load_project(root, settings_module=settings, env=variables,
                           database=offline_database(number), config=config)
    yield _session(project, config, live=False)


def _session(project, config, live):
    from migsafe.graph import load_graph

    graph = load_graph(project)
    return Session(project=project, graph=graph, config=config, live=live, problems=list(graph.problems))
