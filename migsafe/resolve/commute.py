"""Do both sides' operations commute? If not, reordering them (rebase) or running them side by
side (merge) changes the result or fails, so the resolver refuses and says which pair and why."""

from __future__ import annotations

from migsafe.resolve.model import Effect, MigrationSource, OperationRef, Refusal, Target

DESTRUCTIVE = {"delete", "rename"}
# Verbs that, done by both sides to the same target, do not commute.
EXCLUSIVE = {"create", "alter", "delete", "rename"}

_VERBS = {  # (verb, kind) -> third person, as in "main deletes model shop.item"
    ("create", "model"): "creates",
    ("create", "field"): "adds",
    ("create", "index"): "adds",
    ("create", "constraint"): "adds",
    ("delete", "model"): "deletes",
    ("delete", "field"): "removes",
    ("delete", "index"): "removes",
    ("delete", "constraint"): "removes",
    ("rename", None): "renames",
    ("alter", "option"): "changes",
    ("alter", None): "alters",
    ("ref", "model"): "references",
    ("ref", "field"): "uses",
    ("ref", "constraint"): "validates",
}
_PLURAL = {"creates": "create", "adds": "add", "deletes": "delete", "removes": "remove",
           "renames": "rename", "changes": "change", "alters": "alter"}


def what(target: Target) -> str:
    kind, app, model, *rest = target
    if kind == "model":
        return f"model {app}.{model}"
    if kind == "field":
        return f"field {app}.{model}.{rest[0]}"
    if kind == "option":
        return f"{rest[0]} of {app}.{model}"
    return f"{kind} {rest[0]} on {app}.{model}"


def _verb(effect: Effect) -> str:
    kind = effect.target[0]
    return _VERBS.get((effect.verb, kind)) or _VERBS.get((effect.verb, None)) or effect.verb


def phrase(effect: Effect) -> str:
    """What a side does, in words: "renames field shop.item.name to title"."""
    if effect.verb == "rename":
        return f"renames {what(effect.target)} to {effect.new_name}"
    if effect.verb == "create" and effect.new_name:
        return f"renames a {effect.target[0]} to {what(effect.target)}"
    return f"{_verb(effect)} {what(effect.target)}"


def covers(outer: Target, inner: Target) -> bool:
    """Whether changing OUTER also changes INNER: the same target, or a model and its parts."""
    return outer == inner or (outer[0] == "model" and inner[0] != "model" and outer[1:3] == inner[1:3])


def clash(ours: Effect, theirs: Effect, our_label: str, their_label: str) -> str | None:
    """Why two effects do not commute, or None when either order gives the same state."""
    if ours.verb == theirs.verb in EXCLUSIVE and ours.target == theirs.target and ours.new_name == theirs.new_name:
        return f"both sides {_PLURAL.get(_verb(ours), ours.verb)} {what(ours.target)}" + (
            f" to {ours.new_name}" if ours.verb == "rename" else "")
    for d, other, d_label, other_label in ((ours, theirs, our_label, their_label),
                                           (theirs, ours, their_label, our_label)):
        if d.verb in DESTRUCTIVE and covers(d.target, other.target):
            return f"{d_label} {phrase(d)}, but {other_label} {phrase(other)}"
    if ours.target == theirs.target and ours.verb == theirs.verb in ("create", "alter"):
        return f"{our_label} {phrase(ours)}, but {their_label} {phrase(theirs)}"
    return None


def find_refusals(ours: list[MigrationSource], theirs: list[MigrationSource], their_label: str,
                  relative=str) -> list[Refusal]:
    """Every pair of operations, one per side, that does not commute (the first reason each)."""
    our_label = "this branch"
    refusals = []
    for our_migration in ours:
        for our_op in our_migration.operations:
            for their_migration in theirs:
                for their_op in their_migration.operations:
                    reason, app = _first_clash(our_op.effects, their_op.effects, our_label, their_label)
                    if reason is None:
                        continue
                    refusals.append(Refusal(
                        app=app,
                        ours=_ref(our_migration, our_op, our_label, relative),
                        theirs=_ref(their_migration, their_op, their_label, relative),
                        reason=reason,
                    ))
    return refusals


def _first_clash(ours, theirs, our_label, their_label):
    for a in ours:
        for b in theirs:
            reason = clash(a, b, our_label, their_label)
            if reason:
                return reason, a.target[1]
    return None, None


def _ref(migration: MigrationSource, op, label, relative) -> OperationRef:
    return OperationRef(side=migration.side, side_label=label, app_label=migration.app_label,
                        migration=migration.name, operation_index=op.index, operation=op.description,
                        file=relative(migration.path), line=op.line)
