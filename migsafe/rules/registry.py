"""The rule registry: every rule has a stable id, a severity, a title, a why and a fix.

A rule is a small class in one of the family modules (locking, compatibility, data,
...); it reads facts and yields findings. Adding a rule is one new class plus its test
and its page in docs/rules/<ID>.md.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("info", "warning", "error")


@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    suggestion: str
    facts: object  # migsafe.analysis.facts.Facts
    suppressed: str | None = None  # the reason given in "# migsafe: ignore[ID] reason"

    def as_dict(self) -> dict:
        f = self.facts
        return {
            "rule": self.rule,
            "severity": self.severity,
            "app_label": f.app_label,
            "migration": f.migration,
            "operation_index": f.operation_index,
            "operation": f.operation,
            "file": f.file,
            "line": f.line,
            "lock_mode": f.lock_mode,
            "blocks_reads": f.blocks_reads,
            "blocks_writes": f.blocks_writes,
            "rewrites_table": f.rewrites_table,
            "scans_table": f.scans_table,
            "data_loss": f.data_loss,
            "backward_incompatible": f.backward_incompatible,
            "message": self.message,
            "suggestion": self.suggestion,
        }


class Rule:
    """Base class. Subclasses set the class attributes and implement check()."""

    id: str = ""
    severity: str = "warning"
    title: str = ""
    why: str = ""
    fix: str = ""
    family: str = ""

    def check(self, facts, context) -> list[tuple[str, str]]:
        """(message, suggestion) pairs for FACTS; CONTEXT is the migration's analysis."""
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
    from migsafe.rules import compatibility, data, locking  # noqa: F401
