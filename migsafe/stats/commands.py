"""The command line of production statistics: `stats export`, `calibrate`, and the
`--stats` / `--stats-url` options of `check` and `report` (registered by migsafe.cli)."""

from __future__ import annotations

import functools
import json
from dataclasses import asdict

import click


@click.group(name="stats")
def stats_group():
    """Production statistics (table sizes, traffic, index use), read-only."""


@stats_group.command(name="export")
@click.option("--database-url", required=True, metavar="URL",
              help="The production (or replica) database to read; the session is read-only.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
              help="Write the stats file here (default: standard output).")
@click.option("--project", "project", type=click.Path(file_okay=False, exists=True), default=None,
              help="Label each table with its model from this Django project (offline, no database).")
@click.option("--settings", default=None, metavar="MODULE", help="The project's settings module, with --project.")
def export_command(database_url, output, project, settings):
    """Export catalog statistics as JSON: sizes, row estimates, scan and write counters, index
    definitions and use. No row data is read."""
    from migsafe.render.scratch import redact
    from migsafe.stats.export import export

    stats = export(database_url, _project_models(project, settings) if project else None)
    if output:
        stats.save(output)
        click.echo(f"migsafe: statistics of {len(stats.tables)} tables and {len(stats.indexes)} indexes of "
                   f"{redact(database_url)} (PostgreSQL {stats.pg_major}) written to {output}", err=True)
    else:
        click.echo(json.dumps(stats.as_dict(), indent=2))


def _project_models(path: str, settings: str | None) -> dict[str, str]:
    from migsafe.session import open_session
    from migsafe.stats.mapping import table_models

    with open_session(path, settings=settings):
        return table_models()


@click.command()
@click.option("--database-url", required=True, metavar="URL",
              help="The server to measure (a scratch database is created there and always dropped).")
@click.option("--stats", "stats_file", type=click.Path(dir_okay=False), default=None,
              help="Store the figures in this stats file (from `stats export`); default: print them.")
@click.option("--rows", type=click.IntRange(min=1000), default=None,
              help="Rows of the synthetic table (default 1,000,000).")
def calibrate(database_url, stats_file, rows):
    """Measure how fast the server rewrites, scans, indexes and validates, for the duration estimates."""
    from migsafe.stats.calibrate import DEFAULT_ROWS
    from migsafe.stats.calibrate import calibrate as measure
    from migsafe.stats.model import load

    stats = load(stats_file) if stats_file else None  # an unreadable file fails before the work
    throughput = measure(database_url, rows or DEFAULT_ROWS)
    if stats is None:
        click.echo(json.dumps(asdict(throughput), indent=2))
        return
    stats.throughput = throughput
    stats.save(stats_file)
    click.echo(f"migsafe: throughput stored in {stats_file}", err=True)


def stats_options(func):
    """`--stats FILE` / `--stats-url URL` for commands that check a project."""

    @click.option("--stats", "stats_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
                  help="Production statistics (`migsafe stats export`): table sizes, estimated lock durations, "
                       "severities that follow them.")
    @click.option("--stats-url", default=None, metavar="URL",
                  help="Read the statistics from this database now (read-only), instead of --stats.")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def pop_stats(kwargs: dict):
    """The Stats the options name (None without them); the target PostgreSQL version defaults
    to the statistics' server when --pg-version is not given."""
    from migsafe.errors import MigsafeError
    from migsafe.session import SUPPORTED_PG_VERSIONS

    stats_file, url = kwargs.pop("stats_file"), kwargs.pop("stats_url")
    if stats_file and url:
        raise MigsafeError("give --stats or --stats-url, not both")
    if stats_file:
        from migsafe.stats.model import load

        stats = load(stats_file)
    elif url:
        from migsafe.stats.export import export

        stats = export(url)
    else:
        return None
    if kwargs.get("pg_version") is None and stats.pg_major in SUPPORTED_PG_VERSIONS:
        kwargs["pg_version"] = stats.pg_major
    return stats
