"""What a SQL statement does, read with the catalog's parser against the catalog's state.

Called just before the statement is applied to the catalog, so the old type of a column,
the existing constraints and the tables referencing a dropped one are still known.
"""

from __future__ import annotations

from migsafe.analysis.changes import Change
from migsafe.render.catalog import (  # the catalog's parser: one SQL grammar in migsafe
    _TABLE_CONSTRAINT,
    Catalog,
    _Cur,
    _parse_column,
    _parse_table_constraint,
    _Rejected,
    _Tok,
    parse,
)

_LOCK_MODES = {
    "access share": "ACCESS SHARE", "row share": "ROW SHARE", "row exclusive": "ROW EXCLUSIVE",
    "share update exclusive": "SHARE UPDATE EXCLUSIVE", "share": "SHARE",
    "share row exclusive": "SHARE ROW EXCLUSIVE", "exclusive": "EXCLUSIVE",
    "access exclusive": "ACCESS EXCLUSIVE",
}


# Statements no STATEMENTS entry describes whose effect is still known: session settings,
# reads, privileges, and objects that hold no rows. They lock no table ("no_table_lock");
# anything else left over is "other", whose locks migsafe cannot tell (MS406).
_NO_TABLE_LOCK = frozenset({"set", "reset", "show", "select", "values", "grant", "revoke", "comment", "analyze",
                            "analyse"})
_NO_ROWS = frozenset({"extension", "collation", "sequence", "function", "procedure", "type", "schema", "role",
                      "user", "aggregate", "operator", "cast", "text", "temp", "temporary"})


def describe(catalog: Catalog, statement: str, parsed: list[list[_Tok]] | None = None) -> list[Change]:
    """Changes STATEMENT makes (one per ALTER TABLE action); [Change("other")] if it cannot
    be read. PARSED is parse(STATEMENT) when the caller already has it."""
    try:
        changes: list[Change] = []
        for toks in parse(statement) if parsed is None else parsed:
            cur = _Cur.over(toks, statement)
            found = _describe(catalog, cur)
            cur.pos = 0
            changes.extend(found or [_unlisted(cur)])
    except (_Rejected, KeyError, IndexError, ValueError):
        return [Change("other")]
    return changes or [Change("other")]


def _unlisted(cur: _Cur) -> Change:
    """A statement with no entry in STATEMENTS: known to lock no table, or unknown."""
    if cur.word() in ("create", "alter", "drop"):
        cur.skip()
        cur.take("or", "replace")
        known = cur.word() in _NO_ROWS
    else:
        known = cur.word() in _NO_TABLE_LOCK
    return Change("no_table_lock" if known else "other")


def _name(cur: _Cur) -> str | None:
    schema, name = cur.qualified()
    return name if schema in (None, "public") else None


def _describe(catalog: Catalog, cur: _Cur) -> list[Change]:
    verb = cur.word()
    if verb is None:
        return []
    cur.skip()
    if verb == "create":
        return _create(catalog, cur)
    if verb == "drop":
        return _drop(catalog, cur)
    if verb == "alter":
        if cur.take("table"):
            return _alter_table(catalog, cur)
        if cur.take("index"):
            cur.take("if", "exists")
            index = _name(cur)
            if cur.take("rename"):
                return [Change("rename_index", catalog.index_table(index or ""))]
        return []
    if verb == "update":
        cur.take("only")
        return [Change("update", _name(cur), has_where=_has_where(cur))]
    if verb == "delete":
        cur.expect("from")
        cur.take("only")
        return [Change("delete", _name(cur), has_where=_has_where(cur))]
    if verb == "insert":
        cur.expect("into")
        return [Change("insert", _name(cur))]
    if verb == "truncate":
        cur.take("table")
        cur.take("only")
        return [Change("truncate", name) for name in _names(cur)]
    if verb == "lock":
        cur.take("table")
        cur.take("only")
        names = _names(cur)
        mode = "access exclusive"
        if cur.take("in"):
            words = []
            while not cur.at_end() and cur.word() != "mode":
                words.append(cur.next().value)
            mode = " ".join(words)
        return [Change("lock_table", name, lock_mode=_LOCK_MODES.get(mode, "ACCESS EXCLUSIVE")) for name in names]
    if verb == "comment":
        cur.expect("on")
        if cur.take("table"):
            return [Change("comment", _name(cur))]
        if cur.take("column"):
            parts = [cur.ident()]
            while cur.take_op("."):
                parts.append(cur.ident())
            return [Change("comment", parts[-2] if len(parts) >= 2 else None, column=parts[-1])]
    return []


def _has_where(cur: _Cur) -> bool:
    """A WHERE of the statement itself (not one inside a sub-query)."""
    while not cur.at_end():
        if cur.word() == "where":
            return True
        cur.skip()  # steps over a parenthesised group whole
    return False


def _tables_read(cur: _Cur) -> list[str]:
    """Tables named after FROM or JOIN in a query (sub-queries included)."""
    found: list[str] = []
    toks = cur.toks[cur.pos : cur.stop]
    for i, tok in enumerate(toks[:-1]):
        if tok.kind == "word" and tok.value in ("from", "join"):
            nxt = toks[i + 1]
            if nxt.kind in ("word", "ident") and nxt.value not in ("select", "lateral", "only"):
                name = nxt.value
                if i + 3 < len(toks) and toks[i + 2].value == "." and toks[i + 3].kind in ("word", "ident"):
                    name = toks[i + 3].value if nxt.value == "public" else ""
                if name and name not in found:
                    found.append(name)
    return found


def _names(cur: _Cur) -> list[str]:
    names = []
    while True:
        cur.take("only")
        name = _name(cur)
        if name:
            names.append(name)
        cur.take_op("*")
        if not cur.take_op(","):
            return names


def _create(catalog: Catalog, cur: _Cur) -> list[Change]:
    cur.take("or", "replace")
    while cur.word() in ("global", "local", "unlogged"):
        cur.skip()
    if cur.word() in ("temp", "temporary"):
        return []
    if cur.take("table"):
        cur.take("if", "not", "exists")
        table = _name(cur)
        related: list[str] = []
        if cur.is_op("("):
            for item in cur.group().items():
                if item.word() in _TABLE_CONSTRAINT:
                    d = _parse_table_constraint(item)
                    related += [d.ref] if d.kind == "f" and d.ref else []
                elif item.word() != "like":
                    related += [d.ref for d in _parse_column(item).constraints if d.kind == "f" and d.ref]
        return [Change("create_table", table, related=tuple(dict.fromkeys(related)), creates_table=True)]
    unique = cur.take("unique")
    if cur.take("index"):
        concurrently = cur.take("concurrently")
        cur.take("if", "not", "exists")
        index = cur.ident() if cur.word() != "on" else None
        cur.expect("on")
        cur.take("only")
        return [Change("create_index", _name(cur), concurrently=concurrently, not_null=unique, name=index)]
    if cur.take("view") or cur.take("recursive", "view") or cur.take("materialized", "view"):
        return [Change("create_view", None, related=tuple(_tables_read(cur)))]
    if cur.take("trigger") or cur.take("constraint", "trigger"):
        while not cur.at_end() and not cur.take("on"):
            cur.skip()
        return [Change("create_trigger", _name(cur))] if not cur.at_end() else []
    return []


def _drop(catalog: Catalog, cur: _Cur) -> list[Change]:
    if cur.take("table"):
        cur.take("if", "exists")
        names = _names(cur)
        cascade = cur.take("cascade")
        changes = []
        for name in names:
            # Dropping a table drops its foreign keys' triggers on the tables they reference,
            # and with CASCADE the foreign keys of the tables referencing it.
            related = catalog.referenced_tables(name) + (catalog.referencing_tables(name) if cascade else [])
            changes.append(Change("drop_table", name, related=tuple(dict.fromkeys(related))))
        return changes
    if cur.take("index"):
        concurrently = cur.take("concurrently")
        cur.take("if", "exists")
        return [Change("drop_index", catalog.index_table(name), concurrently=concurrently, name=name)
                for name in _names(cur)]
    return []


def _alter_table(catalog: Catalog, cur: _Cur) -> list[Change]:
    cur.take("if", "exists")
    cur.take("only")
    table = _name(cur)
    cur.take_op("*")
    if table is None:
        return []
    if cur.take("rename"):
        if cur.take("to"):
            return [Change("rename_table", table, new_name=cur.ident())]
        if cur.take("constraint"):
            return [Change("rename_constraint", table)]
        cur.take("column")
        return [Change("rename_column", table, column=cur.ident())]
    changes = []
    for action in cur.items():
        changes.extend(_action(catalog, table, action))
    return changes


def _action(catalog: Catalog, table: str, a: _Cur) -> list[Change]:
    if a.take("add"):
        if a.word() in _TABLE_CONSTRAINT:
            return [_constraint_change(catalog, table, _parse_table_constraint(a))]
        a.take("column")
        a.take("if", "not", "exists")
        col = _parse_column(a)
        generated = col.serial or col.identity or col.generated is not None
        changes = [Change("add_column", table, column=col.name, new_type=col.type, default=col.default,
                          not_null=col.not_null, generated=generated)]
        changes += [_constraint_change(catalog, table, d) for d in col.constraints]
        return changes
    if a.take("drop"):
        if a.take("constraint"):
            a.take("if", "exists")
            name = a.ident()
            existing = catalog.constraint(table, name)
            if existing is not None and existing.kind == "f":
                return [Change("drop_foreign_key", table, related=_related(catalog, existing))]
            return [Change("drop_constraint", table)]
        a.take("column")
        a.take("if", "exists")
        return [Change("drop_column", table, column=a.ident())]
    if a.take("validate", "constraint"):
        existing = catalog.constraint(table, a.ident())
        if existing is not None and existing.kind == "f":
            return [Change("validate_foreign_key", table, related=_related(catalog, existing))]
        return [Change("validate_constraint", table)]
    if a.take("alter", "constraint"):
        return [Change("alter_table_other", table)]
    if a.take("alter"):
        a.take("column")
        column = a.ident()
        old = catalog.column(table, column)
        if a.take("type") or a.take("set", "data", "type"):
            start = a.pos
            while not a.at_end() and a.word() not in ("using", "collate"):
                a.skip()
            new_type = a._sub(start, a.pos).text()
            using = a.take("using") and not _plain_cast(a, column, new_type)
            return [Change("alter_type", table, column=column, old_type=old.type if old else None,
                           new_type=new_type, using=using)]
        if a.take("set", "not", "null"):
            return [Change("set_not_null", table, column=column,
                           proven_not_null=catalog.proven_not_null(table, column))]
        if a.take("drop", "not", "null"):
            return [Change("drop_not_null", table, column=column)]
        if a.take("set", "default"):
            return [Change("set_default", table, column=column, default=a.text())]
        if a.take("drop", "default"):
            return [Change("drop_default", table, column=column)]
        if a.take("add", "generated"):
            return [Change("add_identity", table, column=column)]
        if a.take("drop", "identity"):
            return [Change("drop_identity", table, column=column)]
        return [Change("alter_table_other", table, column=column)]
    if a.take("set", "tablespace"):
        return [Change("set_tablespace", table)]
    return [Change("alter_table_other", table)]


def _plain_cast(a: _Cur, column: str, new_type: str) -> bool:
    """USING "col"::type, which Django writes for every type change: no different from none."""
    start = a.pos
    while not a.at_end() and a.word() != "collate":
        a.skip()
    expression = a._sub(start, a.pos).text()
    squeeze = lambda text: "".join(text.lower().replace('"', "").split())  # noqa: E731
    return squeeze(expression) == squeeze(f"{column}::{new_type}")


def _related(catalog: Catalog, constraint) -> tuple[str, ...]:
    target = catalog.referenced_table(constraint)
    return (target,) if target else ()


def _constraint_change(catalog: Catalog, table: str, d) -> Change:
    if d.kind == "f":
        return Change("add_foreign_key", table, related=(d.ref,) if d.ref else (), not_valid=not d.validated)
    if d.kind == "c":
        return Change("add_check", table, not_valid=not d.validated)
    if d.kind == "x":
        return Change("add_exclusion", table)
    if d.using_index:
        return Change("add_unique_using_index", table)
    return Change("add_unique", table)
