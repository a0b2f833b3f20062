"""📏 Tables in Production (only with --stats): per table the checked operations and
code findings touching it, with the rows, size, traffic and estimated blocking time that
decide how much each matters. Largest table first."""

from __future__ import annotations

from migsafe.report.text import count, location
from migsafe.stats.describe import duration_text, rates, size_text
from migsafe.stats.duration import operation_work


def _touching(review, stats) -> dict[str, list[tuple[str, float | None]]]:
    """Table name -> (what touches it, estimated blocking seconds of that, or None)."""
    rules: dict[tuple, list[str]] = {}
    touching: dict[str, list[tuple[str, float | None]]] = {}
    for finding in review.active:
        if finding.facts is not None:
            f = finding.facts
            rules.setdefault((f.app_label, f.migration, f.operation_index), []).append(finding.rule)
        elif finding.table_stats:
            touching.setdefault(finding.table_stats["table"], []).append(
                (f"{finding.rule} {location(finding.location)}", None))
    for facts in review.result.operations:
        found = rules.get((facts.app_label, facts.migration, facts.operation_index))
        if not found:
            continue
        work = operation_work(facts, stats)
        for name in dict.fromkeys(s.table for s in facts.existing() if stats.table(s.table) is not None):
            seconds = sum(w.seconds for w in work if w.table.name == name) if work else None
            what = (f"{', '.join(dict.fromkeys(found))} `{facts.app_label}.{facts.migration}` "
                    f"[{facts.operation_index}] {facts.operation}")
            touching.setdefault(name, []).append((what, seconds))
    return touching


def render(review) -> str:
    stats = review.result.stats
    if stats is None:
        return ""
    calibrated = stats.throughput.calibrated_at
    lines = ["## 📏 Tables in Production", "",
             f"Statistics of `{stats.database}` (PostgreSQL {stats.pg_major}) exported {stats.generated_at[:10]}, "
             f"counters since {(stats.stats_since or 'unknown')[:10]}; durations from "
             + (f"throughput calibrated on {calibrated[:10]}." if calibrated else "default throughput figures "
                "(`migsafe calibrate` measures the server's)."), ""]
    touching = _touching(review, stats)
    if not touching:
        return "\n".join(lines + ["No checked operation or finding touches a table in the statistics."])
    lines += ["| Table | Model | Rows | Size | Writes/s | Dangerous operations | Estimated blocking |",
              "|---|---|---|---|---|---|---|"]
    for table in sorted((stats.table(name) for name in touching), key=lambda t: -t.rows):
        items = touching[table.name]
        writes = rates(table, stats)[0]
        estimates = [s for _, s in items if s is not None]
        described = "; ".join(what + (f" ({duration_text(s)})" if s is not None else "") for what, s in items)
        lines.append(f"| `{table.name}` | {f'`{table.model}`' if table.model else '—'} | {table.rows:,} | "
                     f"{size_text(table.total_bytes)} | {f'{writes:,.1f}' if writes is not None else '—'} | "
                     f"{described} | {duration_text(sum(estimates)) if estimates else '—'} |")
    lines += ["", f"{count(len(touching), 'table')} touched; estimates are for a warm cache and grow with "
                  "the table: re-export before deploying."]
    return "\n".join(lines)
