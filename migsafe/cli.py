"""The `migsafe` command. Thin: parse flags, call one function per command, pick an output."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from migsafe.errors import MigsafeError, ProjectImportError
from migsafe.stats.commands import calibrate, pop_stats, stats_group, stats_options

CHECK_FORMATS = ["text", "json", "sarif", "github", "markdown"]


def _project_options(func):
    """Options every command that loads a project accepts."""

    @click.argument("path", type=click.Path(file_okay=False, path_type=str))
    @click.option("--settings", "settings", metavar="MODULE", help="Django settings module (dotted path).")
    @click.option("--env", "env", multiple=True, metavar="KEY=VALUE",
                  help="Environment variable for the settings module (repeatable).")
    @click.option("--env-file", type=click.Path(dir_okay=False, exists=True), help="Read variables from a .env file.")
    @click.option("--pg-version", type=int, default=None,
                  help="Target PostgreSQL major version, 12-17 (default 16 or [tool.migsafe] pg_version).")
    @click.option("--database-url", default=None, metavar="URL",
                  help="Render on a scratch database created (and dropped) on this PostgreSQL server.")
    @click.option("--quiet", is_flag=True, help="No progress display on a terminal (CI never shows it).")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _session_kwargs(kwargs) -> dict:
    from migsafe import progress
    from migsafe.project import parse_env_pairs

    progress.enable(quiet=kwargs.pop("quiet"))
    return {
        "settings": kwargs.pop("settings"),
        "env": parse_env_pairs(kwargs.pop("env")),
        "env_file": kwargs.pop("env_file"),
        "pg_version": kwargs.pop("pg_version"),
        "database_url": kwargs.pop("database_url"),
    }


def _fail(exc: MigsafeError) -> None:
    click.secho(f"migsafe: error: {exc.message}", fg="red", err=True)
    if exc.hint:
        click.echo(f"  hint: {exc.hint}", err=True)
    sys.exit(2)


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MigsafeError as exc:
            _fail(exc)


@click.group(cls=_Group)
@click.version_option(package_name="migsafe")
def main():
    """Check Django migrations for PostgreSQL locks, rewrites and data loss, without a database."""


@main.command()
@_project_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def graph(path, fmt, **kwargs):
    """Show the migration graph: per app its migrations, leaves and conflicts."""
    from migsafe.output import graph as out
    from migsafe.session import open_session

    with open_session(path, **_session_kwargs(kwargs)) as session:
        out.write(session, fmt, click.echo)
        _report_problems(session.problems)
        sys.exit(2 if not session.graph.migrations and session.problems else 0)


@main.command()
@_project_options
@click.argument("app_label", required=False)
@click.argument("migration_name", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def sql(path, app_label, migration_name, fmt, **kwargs):
    """Print the SQL of every operation, as sqlmigrate would for PostgreSQL."""
    from migsafe.output import sql as out
    from migsafe.render import render
    from migsafe.session import open_session

    with open_session(path, **_session_kwargs(kwargs)) as session:
        only = out.select(session.graph, app_label, migration_name)
        result = render(session.graph, only=only)
        if fmt == "markdown":
            from migsafe.output.markdown import sql_summary

            click.echo(sql_summary(result), nl=False)
        else:
            out.write(result, fmt, click.echo)
        problems = session.problems + result.problems
        _report_problems(problems)
        sys.exit(2 if not result.selected() and problems else 0)


@main.command()
@_project_options
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default="text", show_default=True,
              help="text for people, json (the contract), sarif (code scanning), github (workflow annotations), "
                   "markdown (a pull-request summary).")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default=None,
              help="Exit 1 when a finding reaches this severity (default error, or [tool.migsafe] fail_on).")
@click.option("--base", "base_ref", metavar="REF", default=None,
              help="Check only migrations added or changed since the merge-base with REF (git).")
@click.option("--app", "app_label", default=None, help="Only this app.")
@click.option("--migration", "migration_name", default=None, help="Only this migration (name or prefix).")
@stats_options
def check(path, fmt, fail_on, base_ref, app_label, migration_name, **kwargs):
    """Check migrations for locks, rewrites, data loss and rolling-deploy breakage."""
    from migsafe.check import Config, analyse
    from migsafe.session import open_session

    stats = pop_stats(kwargs)
    try:
        with open_session(path, **_session_kwargs(kwargs)) as session:
            config = Config.from_table(session.config, fail_on)
            result = analyse(session, config, base_ref=base_ref, app=app_label, migration=migration_name,
                             stats=stats)
            _write_check(session, result, config, fmt)
            _report_problems(result.problems)
            if not result.checked_migrations and result.problems:
                sys.exit(2)
            sys.exit(1 if result.failing() else 0)
    except ProjectImportError as exc:
        _static_check(Path(path), exc, fail_on, fmt)


def _static_check(root: Path, error, fail_on, fmt: str) -> None:
    """The project cannot be imported: check what its migration files say literally."""
    config, result, session = _static_fallback(root, error, fail_on)
    _write_check(session, result, config, fmt)
    _report_problems(result.problems)
    if not result.checked_migrations:
        sys.exit(2)
    sys.exit(1 if result.failing() else 0)


def _static_fallback(root: Path, error, fail_on):
    """migsafe.static.fallback, with its banner on stderr: (config, result, session stand-in)."""
    from migsafe.static import banner, fallback

    config, result, session = fallback(root, error, fail_on)
    for line in banner(result.static):
        click.secho(f"migsafe: {line}", fg="yellow", err=True)
    return config, result, session


@main.command()
@_project_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def trace(path, fmt, **kwargs):
    """Apply each migration on a scratch database and show the locks and rewrites PostgreSQL
    reported next to what migsafe predicted (needs --database-url)."""
    from migsafe.output import trace as out
    from migsafe.session import open_session
    from migsafe.trace import trace as run_trace

    if not kwargs.get("database_url"):
        raise MigsafeError("trace needs --database-url", hint="e.g. --database-url postgresql://postgres@127.0.0.1/postgres")
    with open_session(path, **_session_kwargs(kwargs)) as session:
        result, comparisons = run_trace(session)
        out.write(comparisons, fmt, click.echo)
        _report_problems(session.problems + result.problems)
        sys.exit(0 if all(c.agrees for c in comparisons) else 1)


@main.command()
@_project_options
@click.option("--base", "base_ref", required=True, metavar="REF", help="The branch to resolve against (git).")
@click.option("--strategy", type=click.Choice(["rebase", "merge"]), default="rebase", show_default=True,
              help="rebase: renumber this branch's migrations after REF's; merge: add a merge migration.")
@click.option("--write", is_flag=True, help="Apply the plan (default: only print it).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def resolve(path, base_ref, strategy, write, fmt, **kwargs):
    """Resolve this branch's migration conflicts with REF before merging (git)."""
    from migsafe.resolve import run, write_result
    from migsafe.session import open_session

    with open_session(path, **_session_kwargs(kwargs)) as session:
        result = run(session, base_ref, strategy, write)
    write_result(result, fmt, click.echo)
    sys.exit(result.exit_code)


@main.command()
@_project_options
@click.option("--write", is_flag=True, help="Change the files (default: print a unified diff).")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff (the default).")
@click.option("--force", is_flag=True, help="With --write: rewrite files even if they have uncommitted changes.")
@click.option("--rule", "rule_ids", multiple=True, metavar="ID", help="Only fix findings of this rule (repeatable).")
@click.option("--app", "app_label", default=None, help="Only this app.")
@click.option("--migration", "migration_name", default=None, help="Only this migration (name or prefix).")
@click.option("--base", "base_ref", metavar="REF", default=None,
              help="Fix only migrations added or changed since the merge-base with REF (git).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def fix(path, write, show_diff, force, rule_ids, app_label, migration_name, base_ref, fmt, **kwargs):
    """Rewrite migrations into their safe, zero-downtime form (see `migsafe rules` for which are fixable)."""
    from migsafe.check import Config, analyse
    from migsafe.fix import apply, plan, unified_diff
    from migsafe.session import open_session

    with open_session(path, **_session_kwargs(kwargs)) as session:
        config = Config.from_table(session.config)
        result = analyse(session, config, base_ref=base_ref, app=app_label, migration=migration_name)
        rules = {r.upper() for r in rule_ids} or None
        fix_plan = plan(session, result, rules, config.lock_timeout)
        if write:
            apply(fix_plan.changes, force=force)
        if fmt == "json":
            click.echo(json.dumps({
                "changes": [{"path": c.path, "new": c.is_new, "rules": list(c.rules)} for c in fix_plan.changes],
                "skipped": [vars(s) for s in fix_plan.skipped],
                "written": bool(write),
                "diff": unified_diff(fix_plan.changes, root=path),
            }, indent=2))
        elif fmt == "markdown":
            from migsafe.output.markdown import fix_summary

            click.echo(fix_summary(fix_plan, unified_diff(fix_plan.changes, root=path)), nl=False)
        else:
            click.echo(unified_diff(fix_plan.changes, root=path), nl=False)
            for skipped in fix_plan.skipped:
                where = f"{skipped.app_label}.{skipped.migration}" if skipped.migration else skipped.app_label
                click.echo(f"migsafe: not fixed: {skipped.rule} {where}: {skipped.reason}", err=True)
            verb = "changed" if write else "would change"
            click.echo(f"{len(fix_plan.changes)} file(s) {verb}, {len(fix_plan.skipped)} finding(s) not fixable",
                       err=True)


@main.command()
@_project_options
@click.option("--output", "output_dir", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write database-review-YYYY-MM-DD.md into.")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default=None,
              help="Findings at or above this severity are the report's deployment blockers (default error).")
@click.option("--base", "base_ref", metavar="REF", default=None,
              help="Review only migrations added or changed since the merge-base with REF (git).")
@click.option("--app", "app_label", default=None, help="Only this app.")
@stats_options
def report(path, output_dir, fail_on, base_ref, app_label, **kwargs):
    """Write the database review (database-review-YYYY-MM-DD.md): summary, good patterns,
    blockers with their fixed code, improvements, tasks and checklist."""
    from datetime import date

    from migsafe import report as review
    from migsafe.check import Config, analyse
    from migsafe.fix import plan
    from migsafe.session import open_session

    today = date.today()
    stats = pop_stats(kwargs)
    try:
        with open_session(path, **_session_kwargs(kwargs)) as session:
            config = Config.from_table(session.config, fail_on)
            result = analyse(session, config, base_ref=base_ref, app=app_label, stats=stats)
            text = review.build(session, result, plan(session, result, None, config.lock_timeout),
                                path=path, config=config, today=today, base=base_ref)
    except ProjectImportError as exc:
        config, result, session = _static_fallback(Path(path), exc, fail_on)
        text = review.build(session, result, None, path=path, config=config, today=today, base=base_ref)
    _report_problems(result.problems)
    click.echo(review.write(text, output_dir, today))


@main.command(name="rules")
def list_rules():
    """List every rule: id, severity, title."""
    from migsafe.rules.registry import all_rules

    for rule in all_rules():
        click.echo(f"{rule.id}  {rule.severity:7}  {rule.title}")


@main.command()
@click.argument("rule_id")
def explain(rule_id):
    """Explain one rule: why it matters and what to do instead."""
    from migsafe.rules.registry import get

    rule = get(rule_id)
    if rule is None:
        raise MigsafeError(f"no rule {rule_id!r}", hint="`migsafe rules` lists them")
    click.echo(f"{rule.id} ({rule.severity}): {rule.title}\n")
    click.echo(f"Why: {rule.why}\n")
    click.echo(f"Instead: {rule.fix}")
    click.echo(f"\nDocumentation: docs/rules/{rule.id}.md")


def _write_check(session, result, config, fmt: str) -> None:
    """Print a check result in FMT (sarif/github paths are made relative to the repository)."""
    root = session.project.root
    if fmt in ("text", "json"):
        from migsafe.output import check as out

        out.write(result, fmt, click.echo, colour=sys.stdout.isatty() and fmt == "text")
    elif fmt == "sarif":
        from migsafe.output import sarif

        sarif.write(result, click.echo, root)
    elif fmt == "github":
        from migsafe.output import github

        github.write(result, click.echo, root)
    else:
        from migsafe.output.markdown import check_summary
        from migsafe.report.rewrites import rewrite_diffs

        click.echo(check_summary(result, rewrite_diffs(session, result, config.lock_timeout)), nl=False)


def _report_problems(problems) -> None:
    for problem in problems:
        where = problem.location()
        prefix = f"{where}: " if where else ""
        click.secho(f"migsafe: {prefix}{problem.message}", fg="yellow", err=True)
        if problem.hint:
            click.echo(f"  hint: {problem.hint}", err=True)


main.add_command(stats_group)
main.add_command(calibrate)


if __name__ == "__main__":  # pragma: no cover
    main()
