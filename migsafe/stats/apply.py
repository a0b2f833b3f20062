"""Production statistics applied to a check's findings: the affected table's size and
traffic, the estimated blocking time, a severity that follows them, and the stats rules.

Tables are mapped to models here, at check time, from the models of the project being
checked (a stats file exported once serves every branch; `stats export --project` only
labels the file for people reading it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migsafe.report.text import count
from migsafe.rules.registry import Finding, Location, all_rules
from migsafe.stats.describe import rates, rows_text, size_text, table_dict, table_note
from migsafe.stats.duration import operation_work
from migsafe.stats.mapping import table_models

# Rules whose harm is the length of the work done under the lock: their severity follows it.
SCALED = {"MS101", "MS102", "MS103", "MS105", "MS107"}


@dataclass
class StatsContext:
    """What stats rules look at: the check, the statistics and the thresholds."""

    result: object  # migsafe.check.CheckResult
    stats: object  # migsafe.stats.model.Stats
    thresholds: object  # migsafe.stats.thresholds.Thresholds
    lock_timeout: str
    explained_indexes: set[str] = field(default_factory=set)  # indexes an MS503 finding already speaks for

    @property
    def code(self):
        return self.result.code

    @property
    def since(self) -> str:
        return self.stats.stats_since[:10] if self.stats.stats_since else "the statistics started"

    def busy(self, table) -> bool:
        writes, scans = rates(table, self.stats)
        return writes is not None and (writes >= self.thresholds.busy_writes_per_second
                                       or scans >= self.thresholds.busy_scans_per_second)

    def traffic(self, table) -> str:
        writes, scans = rates(table, self.stats)
        return f"{table.name} (~{writes:,.0f} writes/s and ~{scans:,.0f} scans/s in production)"

    def project_tables(self):
        """(model, TableStats) for the checked apps' models present in the statistics."""
        for model in self.code.models if self.code is not None else ():
            table = self.stats.table(model._meta.db_table)
            if table is not None:
                yield model, table

    def index_location(self, model, index) -> Location | None:
        """Where the project declares INDEX (an IndexStats) of MODEL: its db_index field, its
        Meta.indexes entry, else the model."""
        field = next((f for f in model._meta.local_concrete_fields if f.db_index and [f.column] == index.columns),
                     None)
        if field is not None:
            return self.code.model_location(model, field=field.name)
        return self.code.model_location(model, option="indexes", index=index.name) or self.code.model_location(model)


def apply_stats(session, result, stats, config) -> None:
    """Add production evidence to RESULT's findings in place, then run the stats rules."""
    models = table_models()
    for table in stats.tables:
        table.model = models.get(table.name) or table.model  # the project checked knows best
    context = StatsContext(result, stats, config.stats, config.lock_timeout)
    for finding in result.findings:
        if finding.facts is not None:
            _operation_evidence(finding, context, config)
    if any(f.rule in ("MS501", "MS502", "MS503") for f in result.findings) and context.code is not None:
        _code_evidence(result.findings, context, config)
    _run_rules(session, result, context, config)
    result.stats = stats


def scaled(severity: str, rows: int, seconds: float, thresholds) -> str:
    """SEVERITY moved by the table's ROWS and the estimated blocking SECONDS."""
    if rows < thresholds.info_below_rows:
        return "info"
    if seconds >= thresholds.error_above_seconds:
        return "error"
    if seconds < thresholds.warning_below_seconds and severity == "error":
        return "warning"
    return severity


def _operation_evidence(finding, context, config) -> None:
    stats = context.stats
    work = operation_work(finding.facts, stats)
    if work:
        table = max(work, key=lambda w: w.seconds).table
        seconds = sum(w.seconds for w in work)
    else:
        tables = [t for t in map(stats.table, (s.table for s in finding.facts.existing())) if t is not None]
        if not tables:
            return
        table, seconds = max(tables, key=lambda t: t.rows), None
    finding.table_stats = table_dict(table, stats)
    finding.estimated_seconds = round(seconds, 3) if seconds is not None else None
    finding.message += f" ({table_note(table, seconds)})"
    if finding.rule in SCALED and finding.rule not in config.severity:
        finding.severity = scaled(finding.severity, table.rows, seconds or 0.0, context.thresholds)


def _code_evidence(findings, context, config) -> None:
    """MS501/MS502/MS503 findings confirmed (or contradicted) by the table's production figures."""
    from migsafe.code.indexes import missing_indexes, unindexed_foreign_keys
    from migsafe.rules.indexes import unused_index_sites

    code = context.code
    targets = {("MS501", p.location): (p.model, None) for p in missing_indexes(code)}
    targets.update({("MS502", p.location): (p.model, None) for p in unindexed_foreign_keys(code)})
    targets.update({("MS503", where): (model, entry) for model, entry, where in unused_index_sites(code)})
    for finding in findings:
        model, entry = targets.get((finding.rule, finding.location), (None, None))
        table = context.stats.table(model._meta.db_table) if model is not None else None
        if table is None:
            continue
        finding.table_stats = table_dict(table, context.stats)
        if entry is None:
            severity, note = _missing_index_evidence(finding.rule, table, context)
        else:
            indexes = _declared_indexes(model, entry, context.stats)
            context.explained_indexes.update(i.name for i in indexes)
            severity, note = _unused_index_evidence(indexes, table, context) if indexes else (None, None)
        if note:
            finding.message += f" (production: {note})"
        if severity and finding.rule not in config.severity:
            finding.severity = severity


def _missing_index_evidence(rule: str, table, context) -> tuple[str | None, str]:
    size = f"{table.name} has {rows_text(table.rows)} ({size_text(table.total_bytes)})"
    if table.rows < context.thresholds.info_below_rows:
        return "info", f"{size}: reading all of it is cheap"
    if table.rows < context.thresholds.large_table_rows:
        return None, size
    if rule == "MS502":
        return "error", f"{size}: each join from the parent and each delete of one reads them all"
    if not table.seq_scan:
        return None, f"{size}, but no sequential scan of it since {context.since}"
    return "error", (f"{size} and served {table.seq_scan:,} sequential scans reading {table.seq_tup_read:,} "
                     f"rows since {context.since}: the missing index is confirmed")


def _unused_index_evidence(indexes, table, context) -> tuple[str | None, str]:
    scans = sum(i.idx_scan for i in indexes)
    if scans:
        return "info", (f"scanned {count(scans, 'time')} since {context.since}: something outside the analysed code "
                        "uses it (raw SQL, the admin, reports); keep it")
    note = f"idx_scan = 0 since {context.since}"
    if table.rows < context.thresholds.large_table_rows:
        return None, note
    return "warning", (f"{note} on {rows_text(table.rows)}; it takes {size_text(sum(i.bytes for i in indexes))} "
                       "and every write maintains it")


def _declared_indexes(model, entry, stats) -> list:
    """The indexes in STATS that ENTRY (a Meta.indexes entry or a db_index field) created."""
    on_table = stats.indexes_of(model._meta.db_table)
    if entry.option == "indexes":
        return [i for i in on_table if i.name == entry.name]
    column = model._meta.get_field(entry.name).column
    # db_index makes a plain index, and for text columns a second one with *_pattern_ops.
    return [i for i in on_table if not i.unique and i.columns == [column]]


def _run_rules(session, result, context, config) -> None:
    from migsafe.check import _suppressions

    for rule in [r() for r in all_rules() if r.scope == "stats" and r.id not in config.ignore]:
        for location, message, suggestion, facts, table in rule.check_stats(context):
            location = location or Location.of(facts)
            finding = Finding(rule.id, config.severity.get(rule.id, rule.severity), message, suggestion, location,
                              facts, table_stats=table_dict(table, context.stats))
            path = (session.graph.migrations[(facts.app_label, facts.migration)].path if facts is not None
                    else str(session.project.root / location.file))
            reason = _suppressions(path, location.line, result.problems, location).get(rule.id)
            if reason:
                finding.suppressed = reason
                result.suppressions.append({"rule": rule.id, "file": location.file, "line": location.line,
                                            "reason": reason})
            result.findings.append(finding)
            if facts is not None:
                ids = result.rules_by_operation.setdefault(
                    (facts.app_label, facts.migration, facts.operation_index), [])
                if rule.id not in ids:
                    ids.append(rule.id)

