"""`migsafe graph`: per app, its migrations, leaves and conflicts."""

from __future__ import annotations

import json


def as_dict(session) -> dict:
    graph = session.graph
    apps: dict[str, dict] = {}
    for key in graph.plan:
        info = graph.migrations[key]
        app = apps.setdefault(info.app_label, {"migrations": [], "leaves": [], "conflict": False})
        app["migrations"].append(
            {
                "name": info.name,
                "file": info.file,
                "dependencies": [list(d) for d in info.dependencies],
                "replaces": [list(r) for r in info.replaces],
                "atomic": info.atomic,
                "operations": len(info.operations),
            }
        )
    for app, leaves in graph.leaves.items():
        entry = apps.setdefault(app, {"migrations": [], "leaves": [], "conflict": False})
        entry["leaves"] = leaves
        entry["conflict"] = len(leaves) > 1
    return {
        "apps": {label: apps[label] for label in sorted(apps)},
        "plan": [list(key) for key in graph.plan],
        "unmigrated_apps": sorted(graph.loader.unmigrated_apps),
        "skipped": [{"app_label": a, "migration": n, "reason": r} for (a, n), r in sorted(graph.skipped.items())],
        "problems": [p.as_dict() for p in session.problems],
    }


def write(session, fmt: str, echo) -> None:
    data = as_dict(session)
    if fmt == "json":
        echo(json.dumps(data, indent=2))
        return
    total = sum(len(app["migrations"]) for app in data["apps"].values())
    conflicts = [label for label, app in data["apps"].items() if app["conflict"]]
    for label, app in data["apps"].items():
        leaves = ", ".join(app["leaves"])
        status = f"CONFLICT: {len(app['leaves'])} leaves ({leaves})" if app["conflict"] else f"leaf {leaves}"
        echo(f"{label}  ({len(app['migrations'])} migrations, {status})")
        for migration in app["migrations"]:
            external = [f"{a}.{n}" for a, n in migration["dependencies"] if a != label]
            notes = []
            if external:
                notes.append("after " + ", ".join(external))
            if migration["replaces"]:
                notes.append(f"squashes {len(migration['replaces'])}")
            if not migration["atomic"]:
                notes.append("non-atomic")
            suffix = f"  [{'; '.join(notes)}]" if notes else ""
            echo(f"  {migration['name']}  ({migration['operations']} ops){suffix}")
    for item in data["skipped"]:
        echo(f"skipped {item['app_label']}.{item['migration']}: {item['reason']}")
    echo(
        f"{len(data['apps'])} apps, {total} migrations, "
        + (f"{len(conflicts)} app(s) with conflicting leaves: {', '.join(conflicts)}" if conflicts else "no conflicts")
    )
