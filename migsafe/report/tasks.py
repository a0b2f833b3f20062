"""🏁 Implementation Tasks: the work the findings call for, most urgent first, each with the
command or the places it applies to."""

from __future__ import annotations

from pathlib import Path

from migsafe.report import backup
from migsafe.report.checklist import undocumented, unindexed
from migsafe.report.text import count, join_words, listing, location
from migsafe.report.topics import MODELS, QUERIES, topic


def tasks(review) -> list[str]:
    out = []
    changes = [c for group in review.changes.values() for c in group]
    if changes:
        fixed = sorted({f"`{app}.{name}`" for app, name in review.changes})
        out.append(f"Apply the safe rewrites: `migsafe fix {review.path} --write` changes "
                   f"{count(len({c.path for c in changes}), 'file')} ({count(len(fixed), 'migration')}: "
                   f"{listing(fixed)}); review the diff, and ship each `*_drop` follow-up one release later.")
    skipped = sorted({(s.rule, s.app_label, s.migration) for s in review.skipped})
    if skipped:
        places = [f"{rule} in `{app}.{name}`" for rule, app, name in skipped]
        out.append(f"Rewrite by hand what `migsafe fix` cannot: {listing(places, 10)} (the reasons: "
                   f"`migsafe fix {review.path}` prints them; the patterns: docs/rules/).")
    lossy = {t for f in review.result.operations for t in backup.targets(f)}
    if lossy:
        named = sorted(f"`{t}.{c}`" if c else f"`{t}`" for t, c in lossy)
        out.append(f"Back up {join_words(named)} before the migrations that destroy them run in production "
                   "(the exact commands are in the issues above).")
    manual = [f for f in review.active if f.facts is not None and f.rule not in _fixable()
              and not review.skipped_for(f)]
    if manual:
        rules = sorted({f.rule for f in manual})
        out.append(f"Rework the operations no rewrite covers ({join_words(rules)}): "
                   f"{listing(sorted({location(f.location) for f in manual}), 10)}.")
    history = [f for f in review.active if f.facts is None and topic(f.rule) == MODELS]
    for rule in sorted({f.rule for f in history}):
        first = next(f for f in history if f.rule == rule)
        out.append(f"Repair the migration history ({rule}, {location(first.location)}): "
                   f"{review.concrete(first.suggestion, first)}")
    missing = unindexed(review)
    if missing:
        out.append(f"Index the foreign keys {listing([f'`{m.table}.{fk.column}`' for m, fk in missing])} "
                   "with AddIndexConcurrently in an atomic = False migration.")
    queries = [f for f in review.active if topic(f.rule) == QUERIES]
    if queries:
        files = sorted({f.location.file for f in queries if f.location.file})
        out.append(f"Fix the {count(len(queries), 'query finding')} in {listing([f'`{f}`' for f in files])}.")
    bare = undocumented(review)
    if bare:
        out.append(f"Document {listing([f'`{m.label}`' for m in bare])} with a docstring saying what each "
                   "model holds.")
    return out


def _fixable() -> set[str]:
    from migsafe.fix import fixable_rules

    return fixable_rules()


def render(review) -> str:
    lines = ["## 🏁 Implementation Tasks", ""]
    found = tasks(review)
    if not found:
        return "\n".join(lines + ["Nothing to do: no finding, no unindexed foreign key, no undocumented model."])
    return "\n".join(lines + [f"{number}. {task}" for number, task in enumerate(found, 1)])
