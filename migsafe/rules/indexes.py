"""MS5xx: indexes the project's queries need, foreign keys without one, indexes nothing uses.

Code rules: they read the project's own code (see migsafe.code) and point at the line
that needs the change, not at a migration.
"""

from __future__ import annotations

from migsafe.code.indexes import missing_indexes, unindexed_foreign_keys, unused_indexes
from migsafe.rules.registry import Location, Rule, register


def _sites(proposal) -> str:
    """"shop/views.py:12 filter(status, created_at), ..." in order."""
    calls: dict[tuple, list[str]] = {}
    for use in proposal.sites:
        calls.setdefault((use.file.relative, use.line, use.method), []).append(use.field)
    return ", ".join(f"{file}:{line} {method}({', '.join(dict.fromkeys(fields))})"
                     for (file, line, method), fields in calls.items())


@register
class MissingIndex(Rule):
    id = "MS501"
    severity = "warning"
    family = "indexing"
    scope = "code"
    title = "Queried columns have no index"
    why = (
        "A filter, get or order_by on a column no index leads makes PostgreSQL read the whole table (and "
        "sort it) for every such query: fast on a developer's database, seconds per request in production."
    )
    fix = (
        "Add the proposed index to the model's Meta.indexes and build it with AddIndexConcurrently in a "
        "migration of its own (atomic = False); `migsafe fix PATH --rule MS501` writes both."
    )

    def check_code(self, context):
        found = []
        for proposal in missing_indexes(context):
            model = proposal.model.__name__
            columns = ", ".join(proposal.fields)
            message = f"{model} is queried on {columns} and no index serves it: {_sites(proposal)}"
            suggestion = (
                f"Add `{proposal.code()}` to {model}.Meta.indexes and build it with AddIndexConcurrently in a "
                f"migration of its own (atomic = False); `migsafe fix PATH --rule MS501` writes both."
            )
            found.append((proposal.location, message, suggestion))
        return found


@register
class ForeignKeyWithoutIndex(Rule):
    id = "MS502"
    severity = "warning"
    family = "indexing"
    scope = "code"
    title = "Foreign key column has no index"
    why = (
        "PostgreSQL does not index the referencing side of a foreign key by itself. Without an index, "
        "joins from the parent scan the child table, and every DELETE (or key UPDATE) on the parent scans "
        "it to check the constraint, under lock."
    )
    fix = "Index the column (drop db_index=False, or add an index it leads), built CONCURRENTLY."

    def check_code(self, context):
        found = []
        for proposal in unindexed_foreign_keys(context):
            f = proposal.model._meta.get_field(proposal.fields[0])
            message = (f"{proposal.model.__name__}.{f.name} ({f.column}) is a foreign key with db_index=False and no "
                       f"index leads with it: joins from {f.related_model.__name__} and every delete of one scan "
                       f"{proposal.model._meta.db_table}")
            suggestion = (f"Remove db_index=False (or add `{proposal.code()}` to Meta.indexes) and build the index "
                          f"with AddIndexConcurrently; `migsafe fix PATH --rule MS502` writes both.")
            found.append((proposal.location, message, suggestion))
        return found + self._created_in_sql(context)

    def _created_in_sql(self, context):
        """Foreign keys no model field declares (added with RunSQL) that no index serves."""
        found = []
        for model in context.models:
            table = model._meta.db_table
            declared = {f.column for f in model._meta.local_concrete_fields if f.is_relation}
            constraints = context.constraints(table)
            indexed = [c["columns"] for c in constraints.values()
                       if (c["index"] or c["unique"] or c["primary_key"]) and c["columns"]]
            for name, constraint in sorted(constraints.items()):
                columns = constraint["columns"]
                if not constraint["foreign_key"] or columns[0] in declared:
                    continue
                if any(set(index[: len(columns)]) == set(columns) for index in indexed):
                    continue
                where = _created_by(context, name) or context.model_location(model)
                if where is None:
                    continue
                parent = constraint["foreign_key"][0]
                cols = ", ".join(columns)
                found.append((where,
                              f"{table}({cols}) references {parent} through {name}, added in SQL, and no index "
                              f"leads with {cols}: joins from {parent} and every delete on it scan {table}",
                              f'Add `CREATE INDEX CONCURRENTLY ... ON "{table}" ({cols})` in a RunSQL of a migration '
                              f"with atomic = False (or declare the column as a ForeignKey)."))
        return found


def _created_by(context, constraint: str) -> Location | None:
    """The migration operation whose SQL adds CONSTRAINT (its file and line)."""
    rendered = context.rendered
    for migration in rendered.migrations if rendered is not None else ():
        for op in migration.operations:
            if any(constraint in statement and "FOREIGN KEY" in statement.upper() for statement in op.sql):
                return Location(migration.app_label, None, op.file, op.line)
    return None


@register
class UnusedIndex(Rule):
    id = "MS503"
    severity = "info"
    family = "indexing"
    scope = "code"
    title = "Index that no query in the code uses"
    why = (
        "Every index is written on each INSERT and on UPDATEs of its columns, and takes space and cache. "
        "One that no query filters or sorts on (or that serves only other code: reports, raw SQL) costs "
        "without paying back."
    )
    fix = (
        "Check pg_stat_user_indexes.idx_scan in production; if it stays 0, drop it with "
        "RemoveIndexConcurrently (after removing it from Meta.indexes)."
    )

    def check_code(self, context):
        found = []
        for model, entry, where in unused_index_sites(context):
            what = f"db_index on {entry.name}" if entry.option == "db_index" else \
                f"index {entry.name} ({', '.join(entry.fields)})"
            found.append((where, f"{model.__name__}: {what} serves none of the code's queries on "
                                 f"{model.__name__}", self.fix))
        return found


def unused_index_sites(context):
    """(model, IndexEntry, location) of the indexes no query of the code uses, where the
    project's code declares them (MS503's findings; production statistics add to them)."""
    for model, entry in unused_indexes(context):
        where = context.model_location(model, field=entry.name) if entry.option == "db_index" else \
            context.model_location(model, option="indexes", index=entry.name)
        if where is not None:
            yield model, entry, where
