"""📊 Review Summary: one sentence per area, each backed by counts from the analysis."""

from __future__ import annotations

from collections import Counter

from migsafe.report.text import count, join_words, severities
from migsafe.report.topics import DATA_SAFETY, INDEXING, MODELS, PERFORMANCE, QUERIES, topic


def _findings(review, name: str) -> list:
    return [f for f in review.active if topic(f.rule) == name]


def _tail(findings: list) -> str:
    return f" Findings: {severities(findings)}." if findings else " No finding."


def performance(review) -> str:
    ops = review.result.operations
    writes = [f for f in ops if f.blocks_writes]
    reads = [f for f in writes if f.blocks_reads]
    rewrites = [f for f in ops if f.rewrites_table]
    scans = [f for f in ops if f.scans_table and not f.rewrites_table]
    unguarded = {(f.location.app_label, f.location.migration, f.location.operation_index)
                 for f in review.active if f.rule == "MS106"}
    if not writes and not rewrites and not scans:
        text = f"None of the {count(len(ops), 'operation')} checked blocks reads or writes on a table with rows."
    else:
        text = (f"{len(writes)} of {count(len(ops), 'operation')} checked block writes on a table with rows "
                f"({len(reads)} block reads too); {count(len(rewrites), 'operation')} rewrite a table and "
                f"{len(scans)} scan every row of one; {len(unguarded)} wait for ACCESS EXCLUSIVE without a "
                "lock_timeout.")
    return text + _tail(_findings(review, PERFORMANCE))


def data_safety(review) -> str:
    ops = review.result.operations
    kinds = Counter(s.kind for f in ops if f.data_loss for s in f.existing()
                    if s.kind in ("drop_table", "drop_column", "alter_type"))
    lossy = [f for f in ops if f.data_loss]
    breaking = [f for f in ops if f.backward_incompatible]
    irreversible = {(f.location.app_label, f.location.migration) for f in review.active
                    if f.rule in ("MS305", "MS402", "MS403") and f.location.migration}
    if not lossy and not breaking and not irreversible:
        text = (f"No operation of the {count(len(ops), 'operation')} checked drops data, breaks code still "
                "running during a rolling deploy, or cannot be reversed.")
    else:
        what = join_words([count(kinds[k], label) for k, label in (
            ("drop_table", "table drop"), ("drop_column", "column drop"), ("alter_type", "narrowed type"))
            if kinds[k]])
        text = (f"{count(len(lossy), 'operation')} lose data{f' ({what})' if what else ''}, "
                f"{len(breaking)} break code still running during a rolling deploy, and "
                f"{count(len(irreversible), 'migration')} cannot be fully reversed.")
    suppressed = [f for f in review.result.findings if f.suppressed]
    if suppressed:
        text += f" {count(len(suppressed), 'finding')} accepted in the code with a reason."
    return text + _tail(_findings(review, DATA_SAFETY))


def query_efficiency(review) -> str:
    found = _findings(review, QUERIES)
    files = {f.location.file for f in found if f.location.file}
    loading = review.loading
    where = len({c.file for c in loading})
    calls = (f"select_related/prefetch_related {'is' if len(loading) == 1 else 'are'} used at "
             f"{count(len(loading), 'place')} in {count(where, 'file')}" if loading
             else "no select_related/prefetch_related call was found in the project's code")
    if not review.query_rules:
        return (f"Not analysed for N+1 queries (no query rule is installed or enabled); {calls}.")
    if not found:
        return f"No N+1 or inefficient query was found; {calls}."
    return f"{count(len(found), 'query finding')} in {count(len(files), 'file')} ({severities(found)}); {calls}."


def model_quality(review) -> str:
    models = review.project_models
    apps = {m.label.split(".")[0] for m in models}
    documented = [m for m in models if m.documented]
    found = _findings(review, MODELS)
    by_rule = Counter(f.rule for f in found)
    text = (f"{count(len(models), 'model')} in {count(len(apps), 'app')}, {len(documented)} of them with a "
            "docstring")
    if by_rule:
        from migsafe.rules.registry import get

        titles = [f"{rule} × {n} ({get(rule).title if get(rule) else rule})" for rule, n in sorted(by_rule.items())]
        text += "; on the models and the migration history: " + join_words(titles)
    else:
        text += "; no finding on the models or the migration history"
    return text + "."


def indexing(review) -> str:
    builds = [s for f in review.result.operations for s in f.existing() if s.builds_index]
    drops = [s for f in review.result.operations for s in f.existing()
             if s.kind in ("drop_index", "drop_index_concurrently")]
    fks = [fk for m in review.project_models for fk in m.foreign_keys]
    indexed = [fk for fk in fks if fk.indexed]
    text = (f"{count(len(builds), 'index build')} on tables with rows, "
            f"{sum(s.concurrently for s in builds)} of them CONCURRENTLY; {count(len(drops), 'index drop')}, "
            f"{sum(s.concurrently for s in drops)} CONCURRENTLY; {len(indexed)} of {count(len(fks), 'foreign key')} "
            "indexed.")
    return text + _tail(_findings(review, INDEXING))


def render(review) -> str:
    lines = ["## 📊 Review Summary", ""]
    for label, sentence in (("Performance", performance), ("Data Safety", data_safety),
                            ("Query Efficiency", query_efficiency), ("Model Quality", model_quality),
                            ("Indexing", indexing)):
        lines.append(f"- **{label}**: {sentence(review)}")
    return "\n".join(lines)
