"""Resolve migration conflicts before merging: bring this branch's new migrations after REF's.

`run(session, base_ref, strategy, write)` plans (and with WRITE applies) either a rebase
(renumber the branch's migrations after REF's leaf and rewrite the references to them) or a
merge migration, and refuses when both sides change the same model or field in ways that do
not commute. `write_result(result, fmt, echo)` reports it. REF is read from git, never checked out.
"""

from __future__ import annotations

from migsafe.resolve.model import (
    AppPlan, FileEdit, MigrationSource, OperationRef, Refusal, Rename, ResolveResult, Rewrite,
)
from migsafe.resolve.output import as_dict
from migsafe.resolve.output import write as write_result
from migsafe.resolve.plan import STRATEGIES, run

__all__ = [
    "AppPlan", "FileEdit", "MigrationSource", "OperationRef", "Refusal", "Rename", "ResolveResult", "Rewrite",
    "STRATEGIES", "as_dict", "run", "write_result",
]
