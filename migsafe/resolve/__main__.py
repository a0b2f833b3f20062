"""`python -m migsafe.resolve PATH --base REF`: the resolver until `migsafe resolve` is wired in."""

from __future__ import annotations

import sys

import click

from migsafe.errors import MigsafeError


@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=str))
@click.option("--base", "base_ref", required=True, metavar="REF", help="The branch to resolve against (git).")
@click.option("--strategy", type=click.Choice(["rebase", "merge"]), default="rebase", show_default=True,
              help="rebase: renumber this branch's migrations after REF's; merge: add a merge migration.")
@click.option("--write", is_flag=True, help="Apply the plan (default: only print it).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--settings", "settings", metavar="MODULE", help="Django settings module (dotted path).")
def main(path, base_ref, strategy, write, fmt, settings):
    """Resolve this branch's migration conflicts with REF before merging."""
    from migsafe.resolve import run, write_result
    from migsafe.session import open_session

    try:
        with open_session(path, settings=settings) as session:
            result = run(session, base_ref, strategy, write)
    except MigsafeError as exc:
        click.secho(f"migsafe: error: {exc.message}", fg="red", err=True)
        if exc.hint:
            click.echo(f"  hint: {exc.hint}", err=True)
        sys.exit(2)
    write_result(result, fmt, click.echo)
    sys.exit(result.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()
