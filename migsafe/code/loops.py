"""Per-row queries found by the walk, said the way a reviewer would: which loop, which access,
and the query that loads it up front."""

from __future__ import annotations

import django

from migsafe.code.types import attribute


def unique(rows) -> list:
    """One finding per loop and relation (Django caches a relation on the row after its first
    read, so two reads in one iteration cost one query), first access first; and one per
    access (a helper reached from several loops is reported once, with the first loop)."""
    per_loop, per_access = {}, {}
    for row in sorted(rows, key=lambda r: (r.origin.file.relative, r.origin.line, r.loop.origin.line)):
        what = (row.kind, row.path or row.name, row.origin.line if row.kind in ("save", "create") else None)
        per_loop.setdefault((row.loop.origin.file.relative, row.loop.origin.line, *what), row)
    for row in per_loop.values():
        per_access.setdefault((row.kind, row.origin.file.relative, row.origin.line, row.path or row.name), row)
    return list(per_access.values())


def where(origin) -> str:
    return f"{origin.file.relative}:{origin.line}"


def loop_text(row) -> str:
    """"the loop over `orders` (shop/views.py:12)", and how the access is reached from it."""
    loop = row.loop
    if loop.kind == "template":
        text = f"the {{% for %}} over `{loop.origin.text}` ({where(loop.origin)})"
        return text + (f", rendered by {where(row.via)}" if row.via is not None else "")
    text = f"the loop over `{loop.origin.text}` ({where(loop.origin)})"
    return text + (f", through `{row.via.text}` ({where(row.via)})" if row.via is not None else "")


def many_hops(model, path: str) -> bool:
    """Whether PATH from MODEL goes through a reverse foreign key or a many-to-many."""
    for name in path.split("__"):
        relation = attribute(model, name) if model is not None else None
        if relation is None:
            return False
        if relation[0] == "many":
            return True
        model = relation[1]
    return False


def base_and_path(row, own_rows: bool = False) -> tuple[str, str]:
    """The query to change, as written, and the relation path from its rows; with OWN_ROWS,
    the query of the loop's own rows (an annotation must count per row of the loop)."""
    queryset = row.queryset
    if queryset is not None and queryset.origin is not None and not (own_rows and row.row_path):
        return queryset.origin.text, row.path
    text = row.loop.origin.text
    if row.loop.kind == "template" and text.endswith(".all"):
        text = text[: -len(".all")]  # {% for c in category.children.all %}: the manager takes the call
    return text, row.path[len(row.row_path) + 2:] if row.row_path else row.path


def corrected(row) -> str:
    """The loop's queryset as written, loading what the row reads (in backticks, as said)."""
    base, path = base_and_path(row)
    queryset = row.queryset
    head, _, rest = path.partition("__")
    lists = {to_attr: (model, lookup) for to_attr, model, _, lookup in queryset.lists} if queryset else {}
    if head in lists and rest:  # rows of a Prefetch(..., to_attr=...): its queryset must load it
        model, lookup = lists[head]
        method = "prefetch_related" if many_hops(model, rest) else "select_related"
        return (f'`Prefetch("{lookup}", queryset={model.__name__}.objects.{method}("{rest}"), to_attr="{head}")` '
                f"in `{base}`")
    prefetch = row.kind != "forward" or many_hops(queryset.model if queryset else None, row.path)
    return f'`{base}.{"prefetch_related" if prefetch else "select_related"}("{path}")`'


def fetch_mode_note() -> str:
    """Django 6.1's alternative for a relation read on every row ("" before 6.1)."""
    if django.VERSION < (6, 1):
        return ""
    return ("; on Django 6.1+, `.fetch_mode(models.FETCH_PEERS)` on the queryset loads it for every row in one "
            "query on first access instead, and `models.FETCH_RAISE` in tests makes such reads fail")
