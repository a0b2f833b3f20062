"""Render the SQL of every operation in one forward pass over the migration plan.

Each operation is applied once to a single project state, as `migrate` does, and its
SQL is recorded by the schema editor (offline: answered by the in-memory catalog;
live: executed on a scratch database). Repeated `sqlmigrate` calls instead rebuild the
state from scratch for every migration.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from migsafe import progress
from migsafe.errors import Problem, describe_exception, innermost_frame_in
from migsafe.graph import Graph, Key, MigrationInfo


def identity(op, location: bool = True) -> dict:
    """The JSON fields that name an operation (and, with LOCATION, where it is written)."""
    data = {
        "app_label": op.app_label,
        "migration": op.migration,
        "operation_index": op.operation_index,
        "operation": op.operation,
    }
    if location:
        data.update(file=op.file, line=op.line)
    return data


@dataclass
class RenderedOperation:
    app_label: str
    migration: str
    operation_index: int
    operation: str  # describe()
    operation_class: str
    file: str | None
    line: int | None
    sql: list[str] = field(default_factory=list)
    runs_python: bool = False  # cannot be written as SQL (RunPython and the like)
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**identity(self), "sql": list(self.sql)}


@dataclass
class RenderedMigration:
    app_label: str
    name: str
    file: str | None
    atomic: bool
    operations: list[RenderedOperation]
    # Every statement in the order it ran, with the index of the operation it belongs to.
    executed: list[tuple[int, str]] = field(default_factory=list)
    selected: bool = True  # asked for (the others were walked only to reach it)

    @property
    def key(self) -> Key:
        return (self.app_label, self.name)


@dataclass
class RenderResult:
    mode: str  # "offline" or "live"
    pg_version: int
    migrations: list[RenderedMigration]
    problems: list[Problem]
    seconds: float
    # The state after the whole plan when nothing failed (None otherwise): what the
    # migrations build, so that no one needs to replay the history again.
    final_state: object = None
    # With a snapshot: the catalog after its PREFIX leading migrations, for the classifier
    # (whose own walk over them would be most of what the snapshot saved).
    prefix_catalog: object = None
    prefix: int = 0

    def selected(self):
        return [m for m in self.migrations if m.selected]

    def operations(self):
        for migration in self.selected():
            yield from migration.operations


def _connection():
    from django.db import connection

    return connection


def render(graph: Graph, *, only: set[Key] | None = None, connection=None, observer=None,
           branch_last: bool = False) -> RenderResult:
    """Walk GRAPH's plan once, up to the last migration in ONLY (default: all).

    Migrations before the last selected one are walked too (their state and DDL are
    needed) and returned with ``selected = False``. With BRANCH_LAST (a pull request's
    migrations, `--base`), those in ONLY and the ones depending on them are walked after
    every other migration, as production will run them: after the whole base branch; offline,
    that prefix is kept as a snapshot (migsafe.render.snapshot) for the next run. With an
    OBSERVER (live only), each operation runs in a transaction of its own and is watched
    (see migsafe.trace).
    """
    from migsafe.render.states import FullStates, PartialStates

    conn = connection or _connection()
    live = getattr(conn, "catalog", None) is None
    started = time.perf_counter()
    plan, prefix = _plan(graph, only, branch_last and not live)
    states = (FullStates if live else PartialStates)(graph.loader.unmigrated_apps)
    problems: list[Problem] = []
    rendered: list[RenderedMigration] = []
    store = snapshot = None
    if prefix or (plan == graph.plan and not live):  # a whole walk is a later pull request's prefix
        from migsafe.render.snapshot import SnapshotStore, cache_dir

        store = SnapshotStore(graph, plan, conn.pg_version, cache_dir())
        snapshot = store.load(prefix) if prefix else None
    if snapshot is not None:
        states.state = snapshot.state
        conn.catalog = snapshot.catalog()
        rendered = list(snapshot.rendered)
        for migration in rendered:  # selected by the run that stored it, maybe
            migration.selected = False
    for number, key in enumerate(plan, 1):
        if number <= len(rendered):
            continue
        if prefix and store is not None and number == prefix + 1 and not problems:
            store.save(prefix, states.state, conn.catalog, rendered)
        progress.step(key, number, len(plan))
        if observer is not None:
            observer.start_migration(key, states.state)
        result = _walk_migration(graph.migrations[key], states, conn, live, problems, observer)
        result.selected = only is None or key in only
        rendered.append(result)
    progress.finish()
    if store is not None and not prefix and not problems:
        store.save(len(plan), states.state, conn.catalog, rendered)
    return RenderResult(
        mode="live" if live else "offline",
        pg_version=conn.pg_version,
        migrations=rendered,
        problems=problems,
        seconds=time.perf_counter() - started,
        final_state=None if problems else _final_state(graph, set(plan), states.state),
        prefix_catalog=snapshot.catalog() if snapshot is not None else None,
        prefix=len(snapshot.rendered) if snapshot is not None else 0,
    )


def _plan(graph: Graph, only: set[Key] | None, branch_last: bool) -> tuple[list[Key], int]:
    """(the migrations to walk in order, how many lead it before the branch's own)."""
    if only is None:
        return graph.plan, 0
    if not branch_last:
        wanted = [i for i, key in enumerate(graph.plan) if key in only]
        return (graph.plan[: wanted[-1] + 1] if wanted else []), 0
    if not only:
        return [], 0
    nodes = graph.loader.graph.node_map
    later, pending = set(), [key for key in only if key in nodes]
    while pending:
        key = pending.pop()
        if key not in later:
            later.add(key)
            pending.extend(child.key for child in nodes[key].children)
    base = base_plan(graph, [key for key in graph.plan if key not in later])
    return base + [key for key in graph.plan if key in later], len(base)


def base_plan(graph: Graph, keys: list[Key]) -> list[Key]:
    """The plan `migrate` would follow on KEYS alone, made as load_graph makes the whole one:
    so the base branch's own plan is the same list, and its snapshot is found."""
    nodes, wanted = graph.loader.graph.node_map, set(keys)
    leaves = sorted(key for key in wanted
                    if not any(child.key in wanted and child.key[0] == key[0] for child in nodes[key].children))
    plan, seen = [], set()
    for leaf in leaves:
        for key in graph.loader.graph.forwards_plan(leaf):
            if key not in seen and key in wanted:
                seen.add(key)
                plan.append(key)
    return plan


def _final_state(graph: Graph, walked: set[Key], state):
    """STATE carried to the end of the plan: the rest only changes the state (a few ms per
    hundred migrations), and the graph rules need what the whole history builds."""
    try:
        for key in graph.plan:
            if key not in walked:
                graph.migrations[key].migration.mutate_state(state, preserve=False)
    except Exception:  # a custom operation's state_forwards; the graph rules rebuild it their way
        return None
    return state


def _walk_migration(info: MigrationInfo, states, conn, live: bool, problems, observer=None) -> RenderedMigration:
    from migsafe.render.recording import Recorder

    operations = [
        RenderedOperation(
            app_label=info.app_label,
            migration=info.name,
            operation_index=op.index,
            operation=op.description,
            operation_class=op.class_name,
            file=info.file,
            line=op.line,
            runs_python=not getattr(op.operation, "reduces_to_sql", True),
        )
        for op in info.operations
    ]
    result = RenderedMigration(info.app_label, info.name, info.file, info.atomic, operations)
    recorder = Recorder()
    recorder.observer = observer
    editor = conn.schema_editor(atomic=info.atomic and live and observer is None)
    editor.recorder = recorder
    try:
        with editor:
            for op_info, out in zip(info.operations, operations):
                recorder.current = op_info.index
                try:
                    step = states.apply(info.app_label, op_info.operation)
                    if step.sql_free or (out.runs_python and not live):
                        continue
                    if observer is not None:
                        observer.run(
                            op_info.index,
                            lambda: _database_forwards(info, op_info.operation, editor, step, recorder, False),
                            in_transaction=not _runs_outside_transaction(info, op_info.operation),
                        )
                    else:
                        _database_forwards(info, op_info.operation, editor, step, recorder, live)
                except Exception as exc:  # the user's operations can raise anything
                    out.error = describe_exception(exc)
                    problems.append(_render_problem(info, op_info, exc))
                    if live and editor.atomic_migration:
                        raise _AbortMigration() from exc
                finally:
                    recorder.own_deferred(editor.deferred_sql)
            recorder.current = None
    except _AbortMigration:
        pass
    except Exception as exc:  # deferred SQL failing at the end of the migration
        problems.append(_render_problem(info, None, exc))
    last = len(operations) - 1
    for owner, message in recorder.notes:
        operations[owner if owner is not None else last].notes.append(message)
    for owner, statement in recorder.executed:
        index = owner if owner is not None else last
        if index >= 0:
            operations[index].sql.append(statement)
            result.executed.append((index, statement))
    return result


def _database_forwards(info: MigrationInfo, operation, editor, step, recorder, live: bool) -> None:
    """Run the operation's database side as Migration.apply does."""
    from django.db.transaction import atomic

    if live and not editor.atomic_migration and (
        operation.atomic or (info.atomic and operation.atomic is not False)
    ):
        with atomic(editor.connection.alias):
            operation.database_forwards(info.app_label, editor, step.before, step.after)
        return
    executed, deferred = len(recorder.executed), len(editor.deferred_sql)
    try:
        operation.database_forwards(info.app_label, editor, step.before, step.after)
    except Exception:
        # A partial state may lack a model the operation reached for; with nothing
        # emitted yet, the operation can run again on the full states.
        if not step.partial or len(recorder.executed) != executed or len(editor.deferred_sql) != deferred:
            raise
        wide = step.widen()
        operation.database_forwards(info.app_label, editor, wide.before, wide.after)


def _runs_outside_transaction(info: MigrationInfo, operation) -> bool:
    """Operations PostgreSQL refuses inside a transaction (CONCURRENTLY), in non-atomic migrations."""
    if info.atomic or operation.atomic:
        return False
    inner = getattr(operation, "database_operations", None)
    if inner is not None:  # SeparateDatabaseAndState
        return any(_runs_outside_transaction(info, op) for op in inner)
    sql = str(getattr(operation, "sql", ""))
    return "Concurrently" in type(operation).__name__ or "CONCURRENTLY" in sql.upper()


class _AbortMigration(Exception):
    """A live atomic migration failed: its transaction is rolled back as a whole."""


def _render_problem(info: MigrationInfo, op_info, exc: BaseException) -> Problem:
    line = op_info.line if op_info else info.line
    if info.path:
        line = innermost_frame_in(exc, info.path) or line
    what = f"operation {op_info.index} ({op_info.description})" if op_info else "deferred SQL"
    raiser = type(op_info.operation) if op_info else None
    return Problem(
        kind="render",
        message=f"{info.app_label}.{info.name}: {what} could not be rendered: {describe_exception(exc)}",
        file=info.file,
        line=line,
        app_label=info.app_label,
        migration=info.name,
        hint="render with --database-url to apply it to a scratch database"
        if "offline" in str(exc)
        else f"raised by {raiser.__module__}.{raiser.__qualname__}: its SQL is not checked, the rest of the "
        "migration is; fix the operation (if it needs a database, check with --database-url)"
        if raiser
        else None,
    )
