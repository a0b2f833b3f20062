"""What the project's models say about indexing and documentation: the inventory behind the
report's model-quality and indexing sentences, and the tables behind a blast radius.

Read from the models Django loaded (the project's current code), never from a database.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field


@dataclass
class ForeignKey:
    name: str
    column: str
    target_table: str
    indexed: bool


@dataclass
class Model:
    label: str  # "catalog.Product"
    table: str
    pk_column: str
    file: str | None
    line: int | None
    documented: bool
    in_project: bool
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    referenced_by: list[str] = field(default_factory=list)  # tables whose foreign keys point here


def _leading_fields(meta) -> set[str]:
    """Fields that lead an index or a unique constraint (so a lookup on them uses it)."""
    leading = set()
    for index in meta.indexes:
        if index.fields:
            leading.add(index.fields[0].lstrip("-"))
    for constraint in meta.constraints:
        if getattr(constraint, "fields", None):
            leading.add(constraint.fields[0])
    for group in [*meta.unique_together, *getattr(meta, "index_together", ())]:
        if group:
            leading.add(group[0])
    return leading


def _documented(model) -> bool:
    # Django gives undocumented models a docstring of their own: "Product(id, name, ...)".
    doc = (model.__doc__ or "").strip()
    return bool(doc) and not doc.startswith(f"{model.__name__}(")


def _where(model, project) -> tuple[str | None, int | None]:
    try:
        path = inspect.getsourcefile(model)
        line = inspect.getsourcelines(model)[1]
    except (OSError, TypeError):
        return None, None
    return project.relative(path), line


def load_models(project, apps_in_project: set[str]) -> list[Model]:
    """Every concrete model Django loaded; those of APPS_IN_PROJECT are marked in_project."""
    from django.apps import apps

    out: dict[str, Model] = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.abstract or meta.proxy or not meta.managed:
            continue
        in_project = meta.app_label in apps_in_project
        file, line = _where(model, project) if in_project else (None, None)
        leading = _leading_fields(meta)
        entry = Model(
            label=meta.label, table=meta.db_table, pk_column=meta.pk.column, file=file, line=line,
            documented=_documented(model), in_project=in_project,
        )
        for f in meta.local_fields:
            if f.is_relation and (f.many_to_one or f.one_to_one) and f.column:
                indexed = f.db_index or f.unique or f.primary_key or f.name in leading
                entry.foreign_keys.append(ForeignKey(f.name, f.column, f.related_model._meta.db_table, indexed))
        out[meta.db_table] = entry
    for model in out.values():
        for fk in model.foreign_keys:
            target = out.get(fk.target_table)
            if target is not None and model.table not in target.referenced_by:
                target.referenced_by.append(model.table)
    return sorted(out.values(), key=lambda m: m.label)
