"""MS51x: queries that run once per row of a loop (N+1), in the project's code and templates.

Code rules: each finding points at the access inside the loop, names the loop, and gives
the loop's query as written with what loads the relation up front.
"""

from __future__ import annotations

from migsafe.code.loops import base_and_path, corrected, fetch_mode_note, loop_text
from migsafe.code.types import attribute
from migsafe.rules.registry import Rule, register


def _location(context, row):
    return context.location(row.origin.file, row.origin.line)


@register
class RelatedPerRow(Rule):
    id = "MS511"
    severity = "warning"
    family = "queries"
    scope = "code"
    title = "Related objects loaded with one query per row (N+1)"
    why = (
        "Reading a foreign key's object, or a reverse or many-to-many manager, on each row of a loop runs "
        "one more query per row: a page of 100 rows makes 101 queries, and the page gets slower as the "
        "data grows."
    )
    fix = (
        "Load the relation with the rows: select_related() for foreign keys and one-to-ones, "
        "prefetch_related() (or Prefetch(..., queryset=...)) for reverse and many-to-many relations."
    )

    def check_code(self, context):
        found = []
        for row in context.rows("forward", "many", "query"):
            related = row.related.__name__
            if row.kind == "forward":
                message = (f"`{row.origin.text}` in {loop_text(row)} loads the {related} of each row with a query "
                           "of its own")
                suggestion = f"Load it with the rows: {corrected(row)}{fetch_mode_note()}"
            elif row.kind == "many":
                message = f"`{row.origin.text}` in {loop_text(row)} runs a query for each row"
                suggestion = f"Prefetch it: {corrected(row)}"
            else:
                base, path = base_and_path(row)
                query = row.origin.text.partition(f".{row.name}.")[2] or "all()"
                message = (f"`{row.origin.text}` in {loop_text(row)} runs a query for each row "
                           f"(a prefetched relation does not serve a new filter or order)")
                suggestion = (f'Prefetch exactly those rows once: `{base}.prefetch_related(Prefetch("{path}", '
                              f'queryset={related}.objects.{query}, to_attr="{row.name}_selected"))` and read '
                              f"the list `.{row.name}_selected` on each row")
            found.append((_location(context, row), message, suggestion))
        return found


@register
class CountPerRow(Rule):
    id = "MS512"
    severity = "warning"
    family = "queries"
    scope = "code"
    title = "Count or existence queried once per row"
    why = (
        "`.count()` or `.exists()` on a related manager inside a loop asks the database once per row; "
        "the database can count for all rows in the query that loads them."
    )
    fix = "Annotate the queryset: annotate(n=Count(\"relation\")), or annotate(has=Exists(subquery))."

    def check_code(self, context):
        found = []
        for row in context.rows("count", "exists"):
            base, path = base_and_path(row, own_rows=True)
            if row.kind == "count":
                annotation = f'{row.name}_count=Count("{path}")'
                read = f"{row.name}_count"
            else:
                column = attribute(row.model, row.name)[2]
                subquery = f'{row.related.__name__}.objects.filter({column}=OuterRef("pk"))' if column else None
                annotation = f"has_{row.name}=Exists({subquery})" if subquery else \
                    f'{row.name}_count=Count("{path}")'
                read = f"has_{row.name}" if subquery else f"{row.name}_count > 0"
            message = f"`{row.origin.text}` in {loop_text(row)} queries the database for each row"
            suggestion = f"Let the database do it in the query of the rows: `{base}.annotate({annotation})` and " \
                         f"read `.{read}` on each row"
            found.append((_location(context, row), message, suggestion))
        return found


@register
class WritePerRow(Rule):
    id = "MS513"
    severity = "warning"
    family = "queries"
    scope = "code"
    title = "Rows saved or created one at a time in a loop"
    why = (
        "save() or create() inside a loop runs one INSERT or UPDATE (and one round trip) per row; "
        "bulk_update(), bulk_create() or a single update() do the same in one statement or a few."
    )
    fix = ("Collect the rows and write them at once: bulk_update(rows, fields), bulk_create(rows), or "
           "queryset.update(...).")

    def check_code(self, context):
        found = []
        for row in context.rows("save", "create"):
            model = row.model.__name__
            if row.kind == "save":
                fields = ", ".join(f'"{f}"' for f in row.fields) or '"field", ...'
                message = f"`{row.origin.text}` in {loop_text(row)} runs one UPDATE per row"
                suggestion = (f"Collect the changed rows in a list and update them together after the loop: "
                              f"`{model}.objects.bulk_update(rows, [{fields}])`; when every row gets the same value, "
                              f"one `{row.loop.origin.text}.update(...)` instead of the loop")
            else:
                message = f"`{row.origin.text}` in {loop_text(row)} runs one INSERT per iteration"
                suggestion = (f"Build the objects in the loop (`{model}(...)`) and insert them together after it: "
                              f"`{model}.objects.bulk_create(objects)`")
            found.append((_location(context, row), message, suggestion))
        return found
