"""🌟 Good Patterns Found: what this project already does right, with its own examples.

Only operations with no warning or error are held up as examples: a concurrent index
that sits in an atomic migration is not a good pattern.
"""

from __future__ import annotations

from migsafe.report.text import count, listing

_CONCURRENT = ("create_index_concurrently", "drop_index_concurrently")
_NOT_VALID = ("add_check_not_valid", "add_foreign_key_not_valid")
_VALIDATE = ("validate_constraint", "validate_foreign_key")
_STATE_ONLY_REMOVALS = ("RemoveField", "DeleteModel")


def _at(facts) -> str:
    return f"`{facts.file}:{facts.line}`" if facts.line else f"`{facts.file}`"


def _clean_operations(review):
    """Checked operations with no active warning or error."""
    flagged = {(f.location.app_label, f.location.migration, f.location.operation_index)
               for f in review.active if f.severity != "info"}
    return [f for f in review.result.operations
            if (f.app_label, f.migration, f.operation_index) not in flagged]


def _operation(review, facts):
    return review.graph.migrations[(facts.app_label, facts.migration)].operations[facts.operation_index].operation


def _state_only_removal(operation) -> bool:
    state = getattr(operation, "state_operations", None) or []
    return any(type(op).__name__ in _STATE_ONLY_REMOVALS for op in state)


def patterns(review) -> list[tuple[str, str, list[str]]]:
    """(name, what it buys, examples) for every good pattern with at least one example."""
    concurrent, not_valid, guarded, reversible, batched, two_phase, checked_not_null = ([] for _ in range(7))
    for facts in _clean_operations(review):
        kinds = {s.kind for s in facts.existing()}
        name = f"{_at(facts)} ({facts.operation})"
        if kinds & set(_CONCURRENT):
            concurrent.append(name)
        if kinds & (set(_NOT_VALID) | set(_VALIDATE)):
            not_valid.append(name)
        if "set_not_null_checked" in kinds:
            checked_not_null.append(name)
        locking = [s for s in facts.existing() if s.locks and "ACCESS EXCLUSIVE" in s.locks.values()]
        if locking and all(s.under_lock_timeout for s in locking):
            guarded.append(name)
        operation = _operation(review, facts)
        if facts.operation_class in ("RunPython", "RunSQL") and getattr(operation, "reversible", False):
            reversible.append(name)
            if facts.runs_python and not facts.atomic_migration:
                batched.append(name)
        if _state_only_removal(operation) and not facts.data_loss:
            two_phase.append(name)
    found = [
        ("Concurrent index builds", "reads and writes continue while the index is built or dropped "
         "(SHARE UPDATE EXCLUSIVE)", concurrent),
        ("Constraints added NOT VALID, validated later", "existing rows are checked under SHARE UPDATE "
         "EXCLUSIVE, without blocking writes", not_valid),
        ("NOT NULL proven by a validated CHECK", "SET NOT NULL skips the full-table scan", checked_not_null),
        ("lock_timeout guards", "a blocked ACCESS EXCLUSIVE gives up instead of queueing every query behind it",
         guarded),
        ("Reversible data migrations", "the deploy can be rolled back past them", reversible),
        ("Batched data migrations", "atomic = False keeps each batch's locks and row versions short", batched),
        ("Two-phase removals", "the model forgets the field or model first; the data stays until a later "
         "release drops it", two_phase),
    ]
    loading = review.loading
    if loading:
        found.append(("Related rows loaded up front", "select_related / prefetch_related replace one query per "
                      "row with one join or one extra query",
                      [f"`{c.file}:{c.line}` (`{c.code}`)" for c in loading]))
    fks = [fk for m in review.project_models for fk in m.foreign_keys]
    if fks and all(fk.indexed for fk in fks):
        found.append(("Indexed foreign keys", f"all {count(len(fks), 'foreign key')} can be joined and "
                      "cascaded without a sequential scan", []))
    documented = [m for m in review.project_models if m.documented]
    if documented:
        found.append(("Documented models", f"{len(documented)} of {count(len(review.project_models), 'model')} "
                      "say what they are for in a docstring",
                      [f"`{m.label}`" for m in documented]))
    return [(name, why, examples) for name, why, examples in found if examples or name == "Indexed foreign keys"]


def render(review) -> str:
    lines = ["## 🌟 Good Patterns Found", ""]
    found = patterns(review)
    if not found:
        return "\n".join(lines + [
            "None found: no clean operation builds an index concurrently, adds a constraint NOT VALID, "
            "sets a lock_timeout, reverses a data migration or removes a field in two phases."])
    for name, why, examples in found:
        where = f" — {count(len(examples), 'example')}: {listing(examples)}" if examples else ""
        lines.append(f"- ✅ **{name}**: {why}{where}.")
    return "\n".join(lines)
