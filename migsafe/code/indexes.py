"""Indexes the code's queries need and do not have, and indexes no query uses.

A query on a model is served when one of the columns it filters on (equality or range)
leads an index; a query that only sorts is served by an index led by its sort column.
Otherwise the index to propose puts the equality columns first (booleans last: alone
they rarely narrow anything), then one range or sort column. A proposal that is the
prefix of another on the same model is served by it, so the two are merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migsafe.code.schema import field_name, leading_fields, query_indexes

_MAX_COLUMNS = 3


@dataclass
class Proposal:
    """An index to add: on MODEL's FIELDS, with the name Django would give it."""

    rule: str
    model: type
    fields: tuple[str, ...]
    sites: list = field(default_factory=list)  # Uses that need it, first one first (MS501)
    location: object = None  # where the finding points

    @property
    def name(self) -> str:
        from django.db import models

        index = models.Index(fields=list(self.fields))
        index.set_name_with_model(self.model)
        return index.name

    def code(self, models_name: str = "models") -> str:
        fields = ", ".join(f'"{f}"' for f in self.fields)
        return f'{models_name}.Index(fields=[{fields}], name="{self.name}")'


def _is_boolean(model, name: str) -> bool:
    return model._meta.get_field(name).get_internal_type() == "BooleanField"


def _unique(names) -> list[str]:
    return list(dict.fromkeys(names))


def needed_index(model, uses, leads: set[str]) -> tuple[str, ...] | None:
    """The index USES (one query's uses of MODEL) need, None when one serves them already."""
    equal = _unique(u.field for u in uses if u.kind == "eq")
    ranges = _unique(u.field for u in uses if u.kind == "range")
    orders = _unique(u.field for u in uses if u.kind == "order")
    if any(name in leads for name in equal + ranges):
        return None
    if not equal and not ranges:
        if not orders or orders[0] in leads:
            return None
        return (orders[0],)
    equal = [n for n in equal if not _is_boolean(model, n)] + [n for n in equal if _is_boolean(model, n)]
    tail = ranges[:1] or [n for n in orders[:1] if n not in equal]
    fields = tuple(equal + tail)[:_MAX_COLUMNS]
    return None if all(_is_boolean(model, n) for n in fields) else fields


def missing_indexes(context) -> list[Proposal]:
    own = set(context.models)
    leads = {model: leading_fields(model) for model in own}
    wanted: dict[tuple, list] = {}
    for uses in context.queries:
        by_model: dict = {}
        for use in uses:
            if use.model in own:
                by_model.setdefault(use.model, []).append(use)
        for model, model_uses in by_model.items():
            fields = needed_index(model, model_uses, leads[model])
            if fields:
                sites = [u for u in model_uses if u.kind in ("eq", "range", "order") and u.field in fields]
                wanted.setdefault((model, fields), []).extend(sites)
    merged: dict[tuple, list] = {}
    for key in sorted(wanted, key=lambda k: -len(k[1])):
        model, fields = key
        longer = next((k for k in merged if k[0] is model and k[1][: len(fields)] == fields), None)
        merged.setdefault(longer or key, []).extend(wanted[key])
    proposals = []
    for (model, fields), sites in merged.items():
        seen, ordered = set(), []
        for use in sorted(sites, key=lambda u: (u.file.relative, u.line, fields.index(u.field))):
            if (use.file.relative, use.line, use.field) not in seen:
                seen.add((use.file.relative, use.line, use.field))
                ordered.append(use)
        first = ordered[0]
        proposals.append(Proposal("MS501", model, fields, ordered, context.location(first.file, first.line)))
    return sorted(proposals, key=lambda p: (p.location.file, p.location.line))


def unindexed_foreign_keys(context) -> list[Proposal]:
    """Foreign keys declared with db_index=False that lead no other index."""
    found = []
    for model in context.models:
        leads = leading_fields(model)
        for f in model._meta.local_concrete_fields:
            if f.many_to_one and not f.db_index and f.name not in leads:
                location = context.model_location(model, field=f.name)
                if location is not None:
                    found.append(Proposal("MS502", model, (f.name,), location=location))
    return found


def unused_indexes(context) -> list[tuple]:
    """(model, IndexEntry) for indexes of queried models that no query of the code uses."""
    used, queried = set(), set()
    for uses in context.queries:
        for use in uses:
            used.add((use.model, use.field))
            queried.add(use.model)
    for model in queried:
        for name in [*model._meta.ordering, model._meta.get_latest_by or ""]:
            canonical = field_name(model, name.lstrip("-")) if isinstance(name, str) and name else None
            if canonical:
                used.add((model, canonical))
    found = []
    for model in context.models:
        if model not in queried:
            continue  # the code never queries it: no evidence either way
        for entry in query_indexes(model):
            serves = (entry.leading,) if entry.leading else entry.fields
            if not any((model, name) in used for name in serves):
                found.append((model, entry))
    return found
