"""[tool.migsafe.stats]: where production size and traffic move a finding's severity."""

from __future__ import annotations

from dataclasses import dataclass, fields

from migsafe.errors import MigsafeError


@dataclass(frozen=True)
class Thresholds:
    info_below_rows: int = 10_000  # blocking work on a smaller table is info: it is over in moments
    warning_below_seconds: float = 1.0  # estimated blocking shorter than this is at most a warning
    error_above_seconds: float = 10.0  # estimated blocking this long (or longer) is an error
    large_table_rows: int = 100_000  # index evidence (unused, missing, FK) counts from this size
    busy_writes_per_second: float = 10.0  # rows inserted/updated/deleted per second: a busy table
    busy_scans_per_second: float = 100.0  # sequential + index scans per second: a busy table

    @classmethod
    def from_table(cls, table: dict) -> "Thresholds":
        if not isinstance(table, dict):
            raise MigsafeError("[tool.migsafe.stats] must be a table", hint="write it as [tool.migsafe.stats]")
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(table) - set(known))
        if unknown:
            raise MigsafeError(f"[tool.migsafe.stats]: unknown key {unknown[0]!r}",
                               hint=f"the keys are {', '.join(known)}")
        values = {}
        for key, value in table.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise MigsafeError(f"[tool.migsafe.stats]: {key} must be a non-negative number (got {value!r})")
            values[key] = int(value) if known[key] == "int" else float(value)
        return cls(**values)
