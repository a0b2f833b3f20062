"""In-process measurements, run by benchmarks/run.py as a child of the benchmark's venv.

Each subcommand prints one JSON object on stdout (its own timings and ru_maxrss):

  inventory      the migrations of a project: the plan `migrate` follows (squashes used, what
                 migsafe analyses) and every migration on disk (what lintmigrations lints)
  migsafe-loop   migsafe in one process: load the project and graph, then time the
                 render + classify + rules loop (migsafe.check.run_check) on its own
  sqlmigrate-loop  Django's `sqlmigrate` called with call_command for every migration of the
                 given apps, in one process (the fair in-process peer figure)

Run from the project root (sys.path[0] is set to it); DJANGO_SETTINGS_MODULE as the project's
manage.py sets it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import time
from pathlib import Path

def _maxrss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


def _django(root: Path, settings: str) -> None:
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def inventory(args) -> dict:
    _django(args.root, args.settings)
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    disk = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    plan_loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=True)
    # Every app with migrations but Django's own (contrib): what the project's history is.
    labels = sorted({label for label, _ in disk.disk_migrations
                     if not apps.get_app_config(label).name.startswith("django.")})
    wanted = set(args.apps) if args.apps else set(labels)
    plan = plan_loader.graph.leaf_nodes()
    ordered = []
    seen = set()
    for leaf in plan:
        for key in plan_loader.graph.forwards_plan(leaf):
            if key not in seen:
                seen.add(key)
                ordered.append(key)

    def ops(key, loader):
        return len(loader.graph.nodes[key].operations)

    planned = [[a, n, ops((a, n), plan_loader)] for a, n in ordered if a in wanted]
    on_disk = sorted([a, n, len(m.operations)] for (a, n), m in disk.disk_migrations.items() if a in wanted)
    return {
        "labels": labels,
        "plan": planned,
        "disk": on_disk,
        "plan_operations": sum(o for *_, o in planned),
        "disk_operations": sum(o for *_, o in on_disk),
    }


def migsafe_loop(args) -> dict:
    started = time.perf_counter()
    from migsafe.check import Config, checked_keys, run_check
    from migsafe.session import open_session

    import migsafe.render

    renders = []
    original = migsafe.render.render

    def timed_render(*a, **kw):  # run_check looks render up at call time: record its own seconds
        result = original(*a, **kw)
        renders.append(result.seconds)
        return result

    migsafe.render.render = timed_render
    profiler = None
    with open_session(str(args.root)) as session:
        loaded = time.perf_counter()
        config = Config.from_table(session.config)
        keys = checked_keys(session, config)
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t0 = time.perf_counter()
        result = run_check(session, config, keys)
        analysed = time.perf_counter() - t0
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
    return {
        "load_seconds": loaded - started,
        "analyse_seconds": analysed,
        "render_seconds": sum(renders),
        "migrations": result.checked_migrations,
        "operations": len(result.operations),
        "findings": len(result.findings),
        "problems": len(result.problems),
        "maxrss_kb": _maxrss_kb(),
    }


def sqlmigrate_loop(args) -> dict:
    started = time.perf_counter()
    _django(args.root, args.settings)
    from django.core.management import call_command

    targets = json.loads(Path(args.targets).read_text())
    loaded = time.perf_counter()
    errors = []
    statements = 0
    t0 = time.perf_counter()
    for app, name in targets:
        out = io.StringIO()
        try:
            call_command("sqlmigrate", app, name, stdout=out)
        except Exception as exc:  # noqa: BLE001 - reported, as lintmigrations --ignore-sqlmigrate-errors does
            errors.append(f"{app}.{name}: {type(exc).__name__}: {exc}")
        statements += out.getvalue().count(";")
    loop = time.perf_counter() - t0
    return {
        "load_seconds": loaded - started,
        "loop_seconds": loop,
        "migrations": len(targets),
        "statements": statements,
        "errors": errors,
        "maxrss_kb": _maxrss_kb(),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("inventory", "migsafe-loop", "sqlmigrate-loop"):
        p = sub.add_parser(name)
        p.add_argument("root", type=Path)
        p.add_argument("--settings", default="benchsite.settings")
        if name == "inventory":
            p.add_argument("--apps", nargs="*", default=None)
        if name == "migsafe-loop":
            p.add_argument("--profile", default=None, help="write cProfile stats of the analyse loop here")
        if name == "sqlmigrate-loop":
            p.add_argument("--targets", required=True, help="JSON file: [[app, migration], ...]")
    args = parser.parse_args(argv)
    args.root = args.root.resolve()
    os.chdir(args.root)
    handler = {"inventory": inventory, "migsafe-loop": migsafe_loop, "sqlmigrate-loop": sqlmigrate_loop}[args.command]
    print(json.dumps(handler(args)))


if __name__ == "__main__":
    main()
