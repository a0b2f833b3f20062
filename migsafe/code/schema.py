"""What a model's table is indexed on, and where in models.py each piece is written.

PostgreSQL can use a B-tree index for a condition on its leading column, so that is what
"indexed" means here: the primary key, a unique or ``db_index`` field, a foreign key
(Django indexes them), and the first column of every ``Meta.indexes`` entry, unique
constraint, ``unique_together`` and ``index_together``.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass


def concrete_models(app_configs) -> list:
    """The models whose tables the checked apps own (not proxies, not unmanaged)."""
    return [
        model for config in app_configs for model in config.get_models(include_auto_created=False)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def field_name(model, name: str) -> str | None:
    """The field NAME (or attname) means on MODEL, as its canonical name."""
    from django.core.exceptions import FieldDoesNotExist

    if name == "pk":
        return model._meta.pk.name
    try:
        return model._meta.get_field(name).name
    except FieldDoesNotExist:
        return None


def leading_fields(model) -> set[str]:
    """Fields that lead some index of MODEL's table."""
    from django.db.models import UniqueConstraint

    meta = model._meta
    leads = {f.name for f in meta.local_concrete_fields if f.primary_key or f.unique or f.db_index}
    firsts = [index.fields[0] for index in meta.indexes if index.fields]
    firsts += [name for index in meta.indexes if type(index).__name__ == "BloomIndex" for name in index.fields]
    firsts += [c.fields[0] for c in meta.constraints if isinstance(c, UniqueConstraint) and c.fields]
    firsts += [c.expressions[0][0] for c in meta.constraints
               if type(c).__name__ == "ExclusionConstraint" and isinstance(c.expressions[0][0], str)]
    firsts += [fields[0] for fields in meta.unique_together]
    firsts += [fields[0] for fields in getattr(meta, "index_together", ())]
    for name in firsts:
        canonical = field_name(model, name.lstrip("-"))
        if canonical:
            leads.add(canonical)
    return leads


@dataclass(frozen=True)
class IndexEntry:
    """An index the model asks for that only serves queries (not a key, not a constraint)."""

    name: str
    fields: tuple[str, ...]  # the fields it covers; the first leads, unless it is on expressions
    leading: str | None  # None for an index on expressions: any of its fields counts
    option: str  # "indexes" or "db_index", for locating it


def query_indexes(model) -> list[IndexEntry]:
    """Meta.indexes entries and db_index fields (foreign keys, unique and primary keys left out:
    they serve joins, deletes and constraints, not just the code's queries)."""
    entries = []
    for index in model._meta.indexes:
        if index.fields:
            fields = tuple(field_name(model, name.lstrip("-")) or name.lstrip("-") for name in index.fields)
            entries.append(IndexEntry(index.name, fields, fields[0], "indexes"))
        else:
            fields = tuple(sorted({name for expression in index.expressions for name in referenced_fields(expression)}))
            entries.append(IndexEntry(index.name, fields, None, "indexes"))
    for f in model._meta.local_concrete_fields:
        if f.db_index and not (f.primary_key or f.unique or f.is_relation):
            entries.append(IndexEntry(f.name, (f.name,), f.name, "db_index"))
    return entries


def referenced_fields(expression) -> set[str]:
    """The fields an expression (F, Lower("name"), a lookup) refers to."""
    from django.db.models import F

    if isinstance(expression, F):
        return {expression.name.split("__")[0]}
    if isinstance(expression, str):
        return {expression.split("__")[0]}
    found = set()
    for inner in getattr(expression, "get_source_expressions", lambda: [])():
        found |= referenced_fields(inner)
    return found


class Definitions:
    """Lines in the project's models.py files where models, fields and Meta options are written
    (read from the ast: it has the line numbers at no cost)."""

    def __init__(self, sources) -> None:
        self.sources = sources
        self._models: dict = {}

    def model(self, model):
        """(file, class node) of MODEL's class in the project, or None for a third-party model."""
        if model not in self._models:
            self._models[model] = self._find(model)
        return self._models[model]

    def _find(self, model):
        try:
            path = inspect.getsourcefile(model)
        except (TypeError, OSError):
            return None
        parsed = self.sources.file(path) if path else None
        if parsed is None:
            return None
        return next(((parsed, node) for node in _classes(parsed.tree.body) if node.name == model.__name__), None)

    def where(self, model, field: str | None = None, option: str | None = None, index: str | None = None):
        """(file, line) of MODEL's FIELD, Meta OPTION (the INDEX entry of it, by name), or class;
        None when MODEL is not written in the project."""
        fallback = None
        for cls in [c for c in model.__mro__ if hasattr(c, "_meta")]:
            found = self.model(cls)
            if found is None:
                continue
            parsed, node = found
            fallback = fallback or (parsed, node.lineno)
            target = _assignment(node.body, field) if field else None
            if option:
                meta = next((c for c in _classes(node.body) if c.name == "Meta"), None)
                target = _assignment(meta.body, option) if meta else None
                if target is not None and index:
                    target = _list_entry(target, index) or target
            if target is not None:
                return parsed, target.lineno
        return fallback


def _classes(body):
    for statement in body:
        if isinstance(statement, ast.ClassDef):
            yield statement
        elif isinstance(statement, (ast.If, ast.Try)):
            yield from _classes(statement.body)


def _statements(body):
    """Statements of a class body, looking inside ``if`` blocks (version-dependent fields)."""
    for statement in body:
        if isinstance(statement, ast.If):
            yield from _statements(statement.body)
            yield from _statements(statement.orelse)
        else:
            yield statement


def _assignment(body, name: str):
    for statement in _statements(body):
        targets = statement.targets if isinstance(statement, ast.Assign) else \
            [statement.target] if isinstance(statement, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return statement
    return None


def _list_entry(assignment, index_name: str):
    if not isinstance(assignment.value, (ast.List, ast.Tuple)):
        return None
    for call in assignment.value.elts:
        for keyword in getattr(call, "keywords", ()):
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant) and keyword.value.value == index_name:
                return call
    return None
