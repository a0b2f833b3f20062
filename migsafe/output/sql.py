"""`migsafe sql`: per-operation SQL, as sqlmigrate prints it, with file and line."""

from __future__ import annotations

import json

from migsafe.errors import MigsafeError


def select(graph, app_label: str | None, migration_name: str | None):
    """Keys to print: everything, one app, or one migration named by a unique prefix."""
    if app_label is None:
        return None
    keys = [key for key in graph.plan if key[0] == app_label]
    if not keys:
        raise MigsafeError(
            f"app {app_label!r} has no migrations in this project",
            hint="apps with migrations: " + ", ".join(graph.apps()),
        )
    if migration_name is None:
        return set(keys)
    exact = [key for key in keys if key[1] == migration_name]
    matches = exact or [key for key in keys if key[1].startswith(migration_name)]
    if len(matches) != 1:
        names = ", ".join(key[1] for key in (matches or keys))
        problem = "is ambiguous" if matches else "matches no migration"
        raise MigsafeError(f"{app_label} {migration_name!r} {problem}", hint=f"candidates: {names}")
    return set(matches)


def write(result, fmt: str, echo) -> None:
    if fmt == "json":
        echo(json.dumps([op.as_dict() for op in result.operations()], indent=2))
        return
    for migration in result.selected():
        atomic = "" if migration.atomic else "  (atomic = False)"
        echo(f"-- {migration.app_label}.{migration.name}  {migration.file or ''}{atomic}")
        for op in migration.operations:
            where = f"line {op.line}" if op.line else ""
            echo(f"-- [{op.operation_index}] {op.operation}  {where}".rstrip())
            for note in op.notes:
                echo(f"--   note: {note}")
            if op.error:
                echo(f"--   NOT RENDERED: {op.error}")
            elif op.runs_python:
                echo("--   runs Python code: no SQL to show")
            elif not op.sql:
                echo("--   (no SQL)")
            for statement in op.sql:
                echo(statement)
        echo("")
    selected = result.selected()
    echo(f"-- {sum(len(m.operations) for m in selected)} operations in "
         f"{len(selected)} migrations, rendered {result.mode} for PostgreSQL "
         f"{result.pg_version // 10000} in {result.seconds:.2f}s")
