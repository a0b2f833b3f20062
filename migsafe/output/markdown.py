"""Markdown for pull requests: a compact summary of `migsafe check` (the PR comment and the
job summary), and Markdown forms of `fix` and `sql` output.

Migrations with findings get a table, one row per operation: the locks it takes, what it
risks, the rules it breaks and its SQL; under it, the rewrite `migsafe fix` proposes as a
diff. Migrations without findings are only counted.
"""

from __future__ import annotations

import html
from collections import Counter

ICONS = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}
_CLEAN_LISTED = 10  # name the clean migrations up to this many


def _cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "&#124;").replace("\n", "<br>")


def _code(text: str) -> str:
    return f"<code>{_cell(text)}</code>"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _fence(text: str, language: str) -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def headline(result) -> str:
    counts = Counter(f.severity for f in result.findings if not f.suppressed)
    status = "❌ migsafe: unsafe migrations" if result.failing() else "✅ migsafe: migrations are safe to deploy"
    if not result.failing() and counts:
        status = "⚠️ migsafe: migrations pass, with findings to review"
    parts = " · ".join(_count(counts.get(level, 0), level) for level in ("error", "warning", "info"))
    ignored = f", {len(result.suppressions)} ignored with a reason" if result.suppressions else ""
    how = (f"({_count(result.static['operations'], 'operation')}) read statically" if result.static else
           f"({_count(len(result.operations), 'operation')}) checked for PostgreSQL {result.pg_version // 10000}")
    return (f"## {status}\n\n{parts} in {_count(result.checked_migrations, 'migration')} {how}"
            f"{ignored}; fail on {result.fail_on}.")


def static_banner(static: dict) -> str:
    """The warning a partial, static check carries (migsafe.static.banner as a quote)."""
    from migsafe.static import banner

    sentences = [f"{line[0].upper()}{line[1:]}." for line in banner(static)]
    return "\n>\n".join([f"> ⚠️ **Static check.** {sentences[0]}"] + [f"> {s}" for s in sentences[1:]])


def _risks(facts) -> str:
    flags = [name for name, on in (
        ("blocks reads", facts.blocks_reads), ("blocks writes", facts.blocks_writes),
        ("rewrites table", facts.rewrites_table), ("scans table", facts.scans_table),
        ("data loss", facts.data_loss), ("breaks running code", facts.backward_incompatible),
    ) if on]
    return ", ".join(flags) or "none on tables with rows"


def _finding_line(finding) -> str:
    muted = f" (ignored: {finding.suppressed})" if finding.suppressed else ""
    return f"{ICONS[finding.severity]} **{finding.rule}** {finding.message}{muted}"


def _migration_section(facts_list, findings_by_operation, diff: str | None) -> list[str]:
    first = facts_list[0]
    atomic = "" if first.atomic_migration else " (atomic = False)"
    out = [f"### `{first.app_label}.{first.migration}`{atomic}", "", f"`{first.file}`", "",
           "| # | operation | lock | risk | SQL |", "|---|---|---|---|---|"]
    suggestions: dict[str, str] = {}
    for facts in facts_list:
        found = findings_by_operation.get((facts.app_label, facts.migration, facts.operation_index), [])
        locks = "<br>".join(f"<code>{_cell(t)}</code> {m}" for t, m in sorted(facts.locks.items())) or "—"
        risk = "<br>".join([_cell(_risks(facts))] + [_cell(_finding_line(f)) for f in found])
        sql = "<br>".join(_code(s) for s in facts.sql) or ("Python code" if facts.runs_python else "—")
        where = f"line {facts.line}" if facts.line else ""
        out.append(f"| {facts.operation_index} | {_cell(facts.operation)}<br>{where} | {locks} | {risk} | {sql} |")
        for finding in found:
            if not finding.suppressed:
                suggestions.setdefault(finding.rule, finding.suggestion)
    if suggestions:
        out += ["", "**How to fix**", ""]
        out += [f"- **{rule}** {text}" for rule, text in suggestions.items()]
    if diff:
        out += ["", "<details><summary>Suggested rewrite (<code>migsafe fix</code>)</summary>", "",
                _fence(diff, "diff"), "", "</details>"]
    return out + [""]


def check_summary(result, diffs: dict | None = None) -> str:
    """The PR summary of a check. DIFFS: the rewrite of each migration, by (app, name)."""
    diffs = diffs or {}
    out = [headline(result), ""] + ([static_banner(result.static), ""] if result.static else [])
    by_operation: dict = {}
    elsewhere = []
    for finding in result.findings:
        if finding.facts is None:
            elsewhere.append(finding)
        else:
            f = finding.facts
            by_operation.setdefault((f.app_label, f.migration, f.operation_index), []).append(finding)
    if elsewhere:
        out += ["### Beyond single operations", ""]
        for finding in elsewhere:
            where = finding.location
            place = f"{where.file}:{where.line}" if where.file and where.line else (where.file or where.app_label)
            out.append(f"- {_finding_line(finding)} (`{place}`)")
            if not finding.suppressed:
                out.append(f"  - fix: {finding.suggestion}")
        out.append("")
    migrations: dict = {}
    for facts in result.operations:
        migrations.setdefault((facts.app_label, facts.migration), []).append(facts)
    flagged = {key[:2] for key in by_operation}
    clean = [key for key in migrations if key not in flagged]
    for key, facts_list in migrations.items():
        if key in flagged:
            out += _migration_section(facts_list, by_operation, diffs.get(key))
    if clean:
        names = ", ".join(f"`{app}.{name}`" for app, name in clean[:_CLEAN_LISTED])
        more = f" and {len(clean) - _CLEAN_LISTED} more" if len(clean) > _CLEAN_LISTED else ""
        out += [f"✅ {_count(len(clean), 'migration')} without findings: {names}{more}.", ""]
    if result.problems:
        out += ["### Not analysed", ""]
        out += [f"- `{p.location() or p.app_label or '?'}`: {p.message}" for p in result.problems]
        out.append("")
    if not result.checked_migrations and not result.problems:
        out += ["No migration was added or changed: nothing to check.", ""]
    return "\n".join(out).rstrip() + "\n"


def fix_summary(fix_plan, diff: str) -> str:
    """`migsafe fix --format markdown`: the proposed rewrite and what could not be fixed."""
    out = [f"## migsafe fix: {_count(len(fix_plan.changes), 'file')} to change", ""]
    out.append(_fence(diff, "diff") if diff else "Nothing to rewrite.")
    if fix_plan.skipped:
        out += ["", "**Not fixed automatically**", ""]
        out += [f"- **{s.rule}** `{s.app_label}.{s.migration}`"
                + (f" operation {s.operation_index}" if s.operation_index is not None else "")
                + f": {s.reason}" for s in fix_plan.skipped]
    return "\n".join(out) + "\n"


def sql_summary(result) -> str:
    """`migsafe sql --format markdown`: each selected migration's SQL, per operation."""
    out = []
    for migration in result.selected():
        out += [f"### `{migration.app_label}.{migration.name}`", ""]
        for op in migration.operations:
            out.append(f"**[{op.operation_index}] {op.operation}**" + (f" (`{op.file}:{op.line}`)" if op.line else ""))
            out.append("")
            if op.error:
                out.append(f"Not rendered: {op.error}")
            elif op.sql:
                out.append(_fence("\n".join(s if s.rstrip().endswith(";") else s + ";" for s in op.sql), "sql"))
            else:
                out.append("Python code: no SQL to show." if op.runs_python else "No SQL.")
            out.append("")
    return ("\n".join(out).rstrip() or "No migrations selected.") + "\n"
