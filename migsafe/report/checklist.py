"""🎯 Review Excellence Validation: the seed checklist, each item ticked from the findings.

✅ met · ❌ not met (with the evidence) · ⬜ not verifiable by this analysis (and why).
The mapping from item to evidence is documented in docs/report.md.
"""

from __future__ import annotations

from migsafe.report.text import count, listing
from migsafe.report.topics import DATA_SAFETY, INDEXING, PERFORMANCE, QUERIES, topic

MET, NOT_MET, UNKNOWN = "✅", "❌", "⬜"


def unindexed(review) -> list:
    """Foreign keys without an index, from the models, when no code rule reports them itself."""
    if review.index_rules:
        return []
    return [(m, fk) for m in review.project_models for fk in m.foreign_keys if not fk.indexed]


def undocumented(review) -> list:
    return [m for m in review.project_models if not m.documented]


def _code_findings(review, name: str) -> list:
    return [f for f in review.active if f.facts is None and f.location.migration is None and topic(f.rule) == name]


def indexes(review) -> tuple[str, str]:
    missing = unindexed(review)
    fks = [fk for m in review.project_models for fk in m.foreign_keys]
    columns = _code_findings(review, INDEXING)
    if missing or columns:
        parts = []
        if missing:
            parts.append(f"{len(missing)} of {count(len(fks), 'foreign key')} unindexed: "
                         + listing([f"`{m.table}.{fk.column}`" for m, fk in missing]))
        if columns:
            parts.append(f"{count(len(columns), 'indexing finding')} in the code")
        return NOT_MET, "; ".join(parts)
    if not review.index_rules:
        return UNKNOWN, (f"all {count(len(fks), 'foreign key')} are indexed; frequently queried columns were not "
                         "checked (no index rule reads the code)")
    return MET, f"all {count(len(fks), 'foreign key')} are indexed and no query lacks an index"


def queries(review) -> tuple[str, str]:
    if not review.query_rules:
        return UNKNOWN, "no query rule ran, so N+1 queries and aggregations were not analysed"
    found = [f for f in review.active if topic(f.rule) == QUERIES]
    if found:
        return NOT_MET, f"{count(len(found), 'query finding')} (see Technical Improvement Opportunities)"
    return MET, "no query finding"


def migrations(review) -> tuple[str, str]:
    unsafe = [f for f in review.active if f.location.migration and f.severity != "info"
              and topic(f.rule) in (PERFORMANCE, INDEXING, DATA_SAFETY)]
    irreversible = [f for f in unsafe if f.rule in ("MS305", "MS402", "MS403")]
    if unsafe:
        return NOT_MET, (f"{len(unsafe)} warnings and errors on migrations, "
                         f"{len(irreversible)} of them about reversibility")
    return MET, f"no warning or error on the {count(len(review.result.operations), 'operation')} checked"


def sensitive(review) -> tuple[str, str]:
    return UNKNOWN, ("migsafe has no rule about encryption or access control: review the fields holding "
                     "personal or secret data by hand")


def documentation(review) -> tuple[str, str]:
    bare = undocumented(review)
    models = review.project_models
    if bare:
        return NOT_MET, f"{len(bare)} of {count(len(models), 'model')} have no docstring: " + listing(
            [f"`{m.label}`" for m in bare])
    return MET, f"all {count(len(models), 'model')} have a docstring"


ITEMS = (
    ("Indexes on all foreign keys and frequent query columns", indexes),
    ("No N+1 queries or inefficient aggregations", queries),
    ("Migration scripts are safe and reversible", migrations),
    ("Sensitive data is protected", sensitive),
    ("Documentation is clear and complete", documentation),
)


def render(review) -> str:
    lines = ["## 🎯 Review Excellence Validation", "", "**ORM Quality Checklist** (✅ met · ❌ not met · ⬜ not "
             "verified by this analysis):", ""]
    for label, judge in ITEMS:
        mark, evidence = judge(review)
        lines.append(f"- {mark} {label} — {evidence}.")
    return "\n".join(lines)
