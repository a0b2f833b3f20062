"""The resolver's report: a plan in text, or JSON for tools."""

from __future__ import annotations

import json

from migsafe.resolve.model import ResolveResult


def as_dict(result: ResolveResult) -> dict:
    rel = result.relative
    return {
        "strategy": result.strategy,
        "ref": result.ref,
        "merge_base": result.merge_base,
        "apps": {
            app: {
                "base": plan.base,
                "branch": plan.branch,
                "base_leaf": plan.base_leaf,
                "branch_leaf": plan.branch_leaf,
                "action": plan.action,
                "note": plan.note,
                "renames": {r.old: r.new for r in plan.renames},
                "merge": plan.merge,
                "max_migration": (
                    {"old": plan.max_migration[0], "new": plan.max_migration[1]} if plan.max_migration else None
                ),
            }
            for app, plan in sorted(result.apps.items())
        },
        "rewrites": [
            {"file": rel(r.path), "migration": list(r.migration), "attribute": r.attribute,
             "old": list(r.old), "new": list(r.new)}
            for r in result.rewrites
        ],
        "refusals": [r.as_dict() for r in result.refusals],
        "written": list(result.written),
        "removed": list(result.removed),
    }


def write(result: ResolveResult, fmt: str, echo) -> None:
    if fmt == "json":
        echo(json.dumps(as_dict(result), indent=2))
        return
    echo(f"Resolving this branch against {result.ref} (merge-base {result.merge_base[:12]}), "
         f"strategy {result.strategy}")
    for line in _app_lines(result):
        echo(line)
    if result.refusals:
        echo(f"REFUSED: this branch and {result.ref} change the same models or fields in ways that do not "
             "commute; no files written.")
        for refusal in result.refusals:
            echo(f"  {refusal.app}: {refusal.reason}")
            for ref in (refusal.ours, refusal.theirs):
                where = f"  ({ref.file}:{ref.line})" if ref.file and ref.line else (f"  ({ref.file})" if ref.file else "")
                echo(f"    {ref.side_label}: {ref.app_label}.{ref.migration} operation {ref.operation_index}: "
                     f"{ref.operation}{where}")
        echo("Change one side so they no longer touch the same model or field, then run resolve again.")
        return
    if result.applied:
        removed = f", removed {len(result.removed)}" if result.removed else ""
        echo(f"Wrote {len(result.written)} file(s){removed}. Once {result.ref} is merged, each app has one leaf.")
    elif result.edits:
        echo("Plan only: run again with --write to apply it.")
    else:
        echo("Nothing to do.")


def _app_lines(result: ResolveResult):
    ref = result.ref
    for app, plan in sorted(result.apps.items()):
        added = []
        if plan.base:
            added.append(f"{ref} added {', '.join(plan.base)}")
        if plan.branch:
            added.append(f"this branch added {', '.join(plan.branch)}")
        yield f"{app}: {'; '.join(added)}"
        if plan.note:
            yield f"  no conflict: {plan.note}"
        for rename in plan.renames:
            yield f"  rename {result.relative(rename.old_path)} -> {rename.new_path.name}"
        if plan.merge:
            yield f"  merge migration {plan.merge} (after {plan.base_leaf} and {plan.branch_leaf})"
        for r in (r for r in result.rewrites if r.migration[0] == app):
            yield f"  rewrite {result.relative(r.path)}: {r.attribute} {r.old[0]}.{r.old[1]} -> {r.new[0]}.{r.new[1]}"
        if plan.max_migration:
            yield f"  max_migration.txt: {plan.max_migration[0]} -> {plan.max_migration[1]}"
