"""Output of `migsafe check`: text for people (grouped by migration and operation), JSON for tools."""

from __future__ import annotations

import json
from collections import Counter

import click

from migsafe import __version__

_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _parts(result):
    """The JSON document's members in order; the two long lists as generators, so that a
    large history's report is written piece by piece instead of held as one string."""
    active = [f for f in result.findings if not f.suppressed]
    counts = Counter(f.severity for f in active)
    yield "version", __version__
    yield "pg_version", result.pg_version // 10000
    yield "findings", (dict(f.as_dict(), suppressed=f.suppressed) if f.suppressed else f.as_dict()
                       for f in result.findings)
    yield "operations", (
        facts.as_dict(result.rules_by_operation.get((facts.app_label, facts.migration, facts.operation_index), []))
        for facts in result.operations
    )
    yield "summary", {
        "migrations": result.checked_migrations,
        "operations": len(result.operations),
        "findings": len(active),
        "errors": counts.get("error", 0),
        "warnings": counts.get("warning", 0),
        "infos": counts.get("info", 0),
        "suppressed": result.suppressions,
        "fail_on": result.fail_on,
        "failed": bool(result.failing()),
        "problems": [p.as_dict() for p in result.problems],
        **({"static": result.static} if getattr(result, "static", None) else {}),
    }
    if getattr(result, "stats", None):
        yield "stats", stats_summary(result.stats)


def as_dict(result) -> dict:
    return {key: value if isinstance(value, (dict, str, int)) else list(value) for key, value in _parts(result)}


def _json_chunks(result):
    """The text of ``json.dumps(as_dict(result), indent=2)``, one member or list item at a time."""
    members = list(_parts(result))
    yield "{"
    for number, (key, value) in enumerate(members):
        head = f"\n  {json.dumps(key)}: "
        tail = "," if number < len(members) - 1 else ""
        if isinstance(value, (dict, str, int)):
            yield head + json.dumps(value, indent=2).replace("\n", "\n  ") + tail
            continue
        opened = False
        for item in value:
            yield (head + "[\n    " if not opened else ",\n    ") + json.dumps(item, indent=2).replace("\n", "\n    ")
            opened = True
        yield ("\n  ]" if opened else head + "[]") + tail
    yield "\n}"


def stats_summary(stats) -> dict:
    """Which production statistics weighed the findings (present only with --stats / --stats-url)."""
    from dataclasses import asdict

    return {"database": stats.database, "server_version": stats.server_version, "generated_at": stats.generated_at,
            "stats_since": stats.stats_since, "tables": len(stats.tables), "throughput": asdict(stats.throughput)}


def write(result, fmt: str, echo, colour: bool) -> None:
    if fmt == "json":
        for chunk in _json_chunks(result):
            echo(chunk, nl=False)
        echo("")
        return
    style = (lambda text, **kw: click.style(text, **kw)) if colour else (lambda text, **kw: text)
    by_operation: dict = {}
    graph_findings, code_findings = [], []
    for finding in result.findings:
        if finding.facts is None:
            (code_findings if _is_code(finding) else graph_findings).append(finding)
            continue
        f = finding.facts
        by_operation.setdefault((f.app_label, f.migration, f.operation_index), []).append(finding)
    if graph_findings:
        echo("")
        echo(style("Migration graph", bold=True))
        for finding in graph_findings:
            where = finding.location
            place = f"{where.file}:{where.line}" if where.file and where.line else (where.file or where.app_label)
            label = style(f"{finding.severity.upper():7}", fg=_COLOURS[finding.severity], bold=True)
            echo(f"  {label} {finding.rule} {finding.message}  ({place})")
            echo(f"          fix: {finding.suggestion}")
    if code_findings:
        echo("")
        echo(style("Code", bold=True))
        for finding in sorted(code_findings, key=lambda f: (f.location.file, f.location.line)):
            label = style(f"{finding.severity.upper():7}", fg=_COLOURS[finding.severity], bold=True)
            muted = f"  (ignored: {finding.suppressed})" if finding.suppressed else ""
            echo(f"  {label} {finding.rule} {finding.message}  ({finding.location.file}:{finding.location.line}){muted}")
            if not finding.suppressed:
                echo(f"          fix: {finding.suggestion}")
    current = None
    for facts in result.operations:
        key = (facts.app_label, facts.migration, facts.operation_index)
        found = by_operation.get(key, [])
        if not found:
            continue
        if current != (facts.app_label, facts.migration):
            current = (facts.app_label, facts.migration)
            atomic = "" if facts.atomic_migration else "  (atomic = False)"
            echo("")
            echo(style(f"{facts.app_label}.{facts.migration}", bold=True) + f"  {facts.file}{atomic}")
        where = f"{facts.file}:{facts.line}" if facts.line else facts.file
        echo(f"  [{facts.operation_index}] {facts.operation}  ({where})")
        echo("      " + _risk_line(facts))
        for finding in found:
            label = style(f"{finding.severity.upper():7}", fg=_COLOURS[finding.severity], bold=True)
            muted = f"  (ignored: {finding.suppressed})" if finding.suppressed else ""
            echo(f"      {label} {finding.rule} {finding.message}{muted}")
            if not finding.suppressed:
                echo(f"              fix: {finding.suggestion}")
    echo("")
    echo(summary_line(result))


def _is_code(finding) -> bool:
    """A finding of a code rule, or a stats rule pointing at a model (on the project's code,
    not on its migrations)."""
    from migsafe.rules.registry import get

    rule = get(finding.rule)
    return rule is not None and rule.scope in ("code", "stats")


def _risk_line(facts) -> str:
    parts = []
    if facts.locks:
        parts.append("locks " + ", ".join(f"{table} {mode}" for table, mode in sorted(facts.locks.items())))
    flags = [name for name, on in (
        ("blocks reads", facts.blocks_reads), ("blocks writes", facts.blocks_writes),
        ("rewrites table", facts.rewrites_table), ("scans table", facts.scans_table),
        ("data loss", facts.data_loss), ("breaks running code", facts.backward_incompatible),
    ) if on]
    return "; ".join(parts + flags) or "no locks on existing tables"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def summary_line(result) -> str:
    active = [f for f in result.findings if not f.suppressed]
    counts = Counter(f.severity for f in active)
    status = "FAIL" if result.failing() else "ok"
    static = getattr(result, "static", None)
    how = (f"{_count(static['operations'], 'operation')} read statically (the project could not be imported)"
           if static else f"{_count(len(result.operations), 'operation')} checked for PostgreSQL "
                          f"{result.pg_version // 10000}")
    text = (
        f"{status}: {_count(result.checked_migrations, 'migration')}, {how}: "
        f"{_count(counts.get('error', 0), 'error')}, "
        f"{_count(counts.get('warning', 0), 'warning')}, {_count(counts.get('info', 0), 'info')}"
    )
    if result.suppressions:
        text += f", {len(result.suppressions)} ignored with a reason"
    return text + f" (fail on {result.fail_on})"
