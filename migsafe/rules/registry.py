"""The rule registry: every rule has a stable id, a severity, a title, a why and a fix.

A rule is a small class in one of the family modules (locking, compatibility, data,
...); it reads facts and yields findings. Adding a rule is one new class plus its test
and its page in docs/rules/<ID>.md.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("info", "warning", "error")


@dataclass(frozen=True)
class Location:
    """Where a finding points: a migration, or one of its operations."""

    app_label: str
    migration: str | None
    file: str | None
    line: int | None
    operation_index: int | None = None
    operation: str | None = None

    @classmethod
    def of(cls, facts) -> "Location":
        return cls(facts.app_label, facts.migration, facts.file, facts.line, facts.operation_index, facts.operation)


@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    suggestion: str
    location: Location
    facts: object | None = None  # migsafe.analysis.facts.Facts, for operation findings
    suppressed: str | None = None  # the reason given in "# migsafe: ignore[ID] reason"
    # With production statistics (--stats): the affected table's figures (migsafe.stats.describe.table_dict)
    # and the estimated seconds of the operation's blocking work; in the JSON only when set.
    table_stats: dict | None = None
    estimated_seconds: float | None = None

    def as_dict(self) -> dict:
        where, f = self.location, self.facts
        production = {} if self.table_stats is None else {
            "table_stats": self.table_stats, "estimated_seconds": self.estimated_seconds}
        return {
            "rule": self.rule,
            "severity": self.severity,
            "app_label": where.app_label,
            "migration": where.migration,
            "operation_index": where.operation_index,
            "operation": where.operation,
            "file": where.file,
            "line": where.line,
            "lock_mode": f.lock_mode if f else None,
            "blocks_reads": bool(f and f.blocks_reads),
            "blocks_writes": bool(f and f.blocks_writes),
            "rewrites_table": bool(f and f.rewrites_table),
            "scans_table": bool(f and f.scans_table),
            "data_loss": bool(f and f.data_loss),
            "backward_incompatible": bool(f and f.backward_incompatible),
            "message": self.message,
            "suggestion": self.suggestion,
            **production,
        }


class Rule:
    """Base class. Subclasses set the class attributes and implement check()."""

    id: str = ""
    severity: str = "warning"
    title: str = ""
    why: str = ""
    fix: str = ""
    family: str = ""

    scope = "operation"  # or "graph": once per run, on the migration graph; "code": once, on the project's code;
    # "stats": once, only when production statistics are given (see migsafe.stats.apply)

    def check(self, facts, context) -> list[tuple[str, str]]:
        """(message, suggestion) pairs for FACTS; CONTEXT is the migration's analysis."""
        raise NotImplementedError

    def check_graph(self, context) -> list[tuple[Location, str, str]]:
        """(location, message, suggestion) for graph rules; CONTEXT is a GraphContext."""
        raise NotImplementedError

    def check_code(self, context) -> list[tuple[Location, str, str]]:
        """(location, message, suggestion) for code rules; CONTEXT is a migsafe.code.context.CodeContext."""
        raise NotImplementedError

    def check_stats(self, context) -> list[tuple[Location | None, str, str, object, object]]:
        """(location, message, suggestion, facts, table) for stats rules: location None points at the
        operation FACTS, TABLE is the TableStats it is about; CONTEXT is a migsafe.stats.apply.StatsContext."""
        raise NotImplementedError


_RULES: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    if cls.id in _RULES:
        raise ValueError(f"duplicate rule id {cls.id}")
    if cls.severity not in SEVERITIES:
        raise ValueError(f"{cls.id}: unknown severity {cls.severity}")
    _RULES[cls.id] = cls
    return cls


def all_rules() -> list[type[Rule]]:
    _load()
    return [_RULES[key] for key in sorted(_RULES)]


def get(rule_id: str) -> type[Rule] | None:
    _load()
    return _RULES.get(rule_id.upper())


def _load() -> None:
    # Importing the family modules registers their rules.
    from migsafe.rules import compatibility, data, graph, indexes, locking, models, production, queries  # noqa: F401
