"""Output of `migsafe trace`: what PostgreSQL did next to what migsafe predicted."""

from __future__ import annotations

import json


def _locks(locks: dict[str, str]) -> str:
    return ", ".join(f"{table} {mode}" for table, mode in locks.items()) or "none"


def write(comparisons, fmt: str, echo) -> None:
    if fmt == "json":
        echo(json.dumps([c.as_dict() for c in comparisons], indent=2))
        return
    current = None
    for c in comparisons:
        if (c.app_label, c.migration) != current:
            current = (c.app_label, c.migration)
            echo(f"{c.app_label}.{c.migration}")
        mark = "python" if c.runs_python else ("ok" if c.agrees else "DIFF")
        echo(f"  [{c.operation_index}] {mark:6} {c.operation}")
        if c.runs_python:
            echo(f"      observed:  locks {_locks(c.observed_locks)}")
            continue
        echo(f"      predicted: locks {_locks(c.predicted_locks)}; rewrites {sorted(c.predicted_rewrites) or 'none'}; "
             f"scans {sorted(c.predicted_scans) or 'none'}")
        if not c.agrees:
            echo(f"      observed:  locks {_locks(c.observed_locks)}; rewrites {sorted(c.observed_rewrites) or 'none'}; "
                 f"scans {sorted(c.observed_scans) or 'none'}")
    checked = [c for c in comparisons if not c.runs_python]
    agreeing = sum(c.agrees for c in checked)
    echo(f"{agreeing}/{len(checked)} operations: predicted locks, rewrites and scans equal what PostgreSQL reported"
         f" ({len(comparisons) - len(checked)} RunPython operations observed, not predicted)")
