"""Which columns a query's lookups land on, and whether an index could serve each one.

``filter(customer__country_code="DE")`` on Order joins Customer through orders.customer_id
(a foreign key: indexed) and compares customer.country_code: the use that matters for an
index is (Customer, country_code, "eq").
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist

# Lookups a plain B-tree index on the column serves.
_EQUAL = {"exact", "in", "isnull"}
_RANGE = {"gt", "gte", "lt", "lte", "range"}
_ON_RELATION = _EQUAL | _RANGE


def lookup_kind(rest: list[str]) -> str:
    """"eq", "range" or "other" for what follows the field name in a lookup."""
    if not rest or (len(rest) == 1 and rest[0] in _EQUAL):
        return "eq"
    if len(rest) == 1 and rest[0] in _RANGE:
        return "range"
    if rest[0] == "year" and (len(rest) == 1 or (len(rest) == 2 and rest[1] in _EQUAL | _RANGE)):
        return "range"  # Django turns year lookups into BETWEEN on the column
    return "other"


def resolve_lookup(model, lookup: str, kind: str | None = None) -> list[tuple]:
    """(model, field name, kind) for every column LOOKUP (``a__b__gte``) touches from MODEL.

    KIND forces the kind of the last column (order_by, distinct). Unknown names
    (annotations, typos) end the walk: nothing is claimed about them.
    """
    from django.db.models import ForeignObjectRel

    parts = lookup.split("__")
    current, uses = model, []
    for i, part in enumerate(parts):
        rest = parts[i + 1:]
        try:
            f = current._meta.pk if part == "pk" else current._meta.get_field(part)
        except FieldDoesNotExist:
            return uses
        if isinstance(f, ForeignObjectRel):
            if not f.many_to_many:
                uses.append((f.related_model, f.field.name, "join"))  # the child's foreign key column
            if not rest or rest[0] in _ON_RELATION:
                return uses
            current = f.related_model
            continue
        if f.is_relation and f.many_to_many:
            if not rest or rest[0] in _ON_RELATION:
                return uses
            current = f.related_model
            continue
        if f.is_relation and not (f.concrete and (f.many_to_one or f.one_to_one)):  # generic: no column to index
            if f.related_model is None or not rest or rest[0] in _ON_RELATION:
                return uses
            current = f.related_model
            continue
        if f.is_relation and rest and rest[0] not in _ON_RELATION:
            target = f.target_field.name
            if rest[0] in ("pk", target) and (len(rest) == 1 or (len(rest) == 2 and rest[1] in _ON_RELATION)):
                uses.append((current, f.name, kind or lookup_kind(rest[1:])))  # Django compares the FK column
                return uses
            uses.append((current, f.name, "join"))
            current = f.related_model
            continue
        uses.append((current, f.name, kind or lookup_kind(rest)))
        return uses
    return uses
