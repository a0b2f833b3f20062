"""Turn rendered SQL into facts: per operation, the locks, rewrites, scans and risks.

The statements of every walked migration are replayed, in the order they ran, into a
catalog of their own; the catalog reports what each statement does (with what it knew
just before), and the knowledge in migsafe.analysis.locks says what that costs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from migsafe.analysis.changes import Change
from migsafe.analysis.describe import describe
from migsafe.analysis.facts import Facts, StatementFacts
from migsafe.analysis.locks import STATEMENTS

_VOLATILE_DEFAULT = re.compile(
    r"\b(random|clock_timestamp|timeofday|gen_random_uuid|uuid_generate_v[14]\w*|nextval|txid_current)\s*\(",
    re.I,
)
_VARCHAR = re.compile(r"^(?:varchar|character varying)(?:\((\d+)\))?$")
_NUMERIC = re.compile(r"^(?:numeric|decimal)(?:\((\d+)(?:,\s*(\d+))?\))?$")
_BIT_VARYING = re.compile(r"^(?:varbit|bit varying)(?:\((\d+)\))?$")


@dataclass
class MigrationFacts:
    """Facts for one migration's operations, in order."""

    app_label: str
    name: str
    file: str | None
    atomic: bool
    operations: list[Facts]
    selected: bool = True


@dataclass
class Classification:
    migrations: list[MigrationFacts] = field(default_factory=list)

    def operations(self):
        for migration in self.migrations:
            if migration.selected:
                yield from migration.operations


def normalize_type(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.lower().replace('"', "").split())
    text = text.replace("( ", "(").replace(" )", ")").replace(" (", "(")
    aliases = {
        "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint",
        "bool": "boolean", "float8": "double precision", "float4": "real",
        "timestamptz": "timestamp with time zone", "timestamp": "timestamp without time zone",
        "character varying": "varchar", "serial": "integer", "bigserial": "bigint",
    }
    return aliases.get(text, text)


def binary_coercible(old: str | None, new: str | None) -> bool | None:
    """Whether PostgreSQL can change OLD to NEW without rewriting (None: old type unknown)."""
    old, new = normalize_type(old), normalize_type(new)
    if old is None or new is None:
        return None
    if old == new:
        return True
    old_varchar, new_varchar = _VARCHAR.match(old), _VARCHAR.match(new)
    if old_varchar and new == "text":
        return True
    if old == "text" and new_varchar and not new_varchar.group(1):
        return True
    if old_varchar and new_varchar:
        if not new_varchar.group(1):
            return True
        return bool(old_varchar.group(1)) and int(new_varchar.group(1)) >= int(old_varchar.group(1))
    old_num, new_num = _NUMERIC.match(old), _NUMERIC.match(new)
    if old_num and new_num:
        if not new_num.group(1):
            return True
        if not old_num.group(1):
            return False
        same_scale = (old_num.group(2) or "0") == (new_num.group(2) or "0")
        return same_scale and int(new_num.group(1)) >= int(old_num.group(1))
    old_bits, new_bits = _BIT_VARYING.match(old), _BIT_VARYING.match(new)
    if old_bits and new_bits:
        return not new_bits.group(1) or (
            bool(old_bits.group(1)) and int(new_bits.group(1)) >= int(old_bits.group(1))
        )
    return (old, new) in {("cidr", "inet"), ("xml", "text")}


_WIDTH = {"smallint": 2, "integer": 4, "bigint": 8, "real": 4, "double precision": 8}


def narrows(old: str | None, new: str | None) -> bool:
    """Whether values of OLD may not fit in NEW (a shorter varchar, a smaller integer...)."""
    old, new = normalize_type(old), normalize_type(new)
    if old is None or new is None or old == new:
        return False
    if old in _WIDTH and new in _WIDTH:
        return _WIDTH[new] < _WIDTH[old]
    old_varchar, new_varchar = _VARCHAR.match(old), _VARCHAR.match(new)
    new_limit = int(new_varchar.group(1)) if new_varchar and new_varchar.group(1) else None
    if new_limit is not None:
        if old == "text" or (old_varchar and not old_varchar.group(1)):
            return True
        if old_varchar:
            return new_limit < int(old_varchar.group(1))
    old_num, new_num = _NUMERIC.match(old), _NUMERIC.match(new)
    if old_num and new_num and new_num.group(1):
        if not old_num.group(1):
            return True
        old_p, old_s = int(old_num.group(1)), int(old_num.group(2) or 0)
        new_p, new_s = int(new_num.group(1)), int(new_num.group(2) or 0)
        return new_s < old_s or (new_p - new_s) < (old_p - old_s)
    return (old == "text" or bool(old_varchar)) and new != "text" and not new_varchar


# What a statement falls back to on a server older than its entry's `since`.
_BEFORE = {"set_not_null_checked": "set_not_null"}


def statement_facts(sql: str, change: Change, pg_version: int = 160000) -> StatementFacts:
    """Locks, rewrite and scan of one change on PG_VERSION, refined from the knowledge table."""
    kind = change.kind
    detail = ""
    if kind == "add_column":
        volatile = bool(change.default and _VOLATILE_DEFAULT.search(change.default))
        if change.generated or volatile:
            kind = "add_column_rewrite"
            detail = (
                "a stored generated or identity column is computed for every row"
                if change.generated
                else f"the default {change.default} is volatile: every row gets its own value"
            )
    elif kind == "alter_type":
        coercible = binary_coercible(change.old_type, change.new_type)
        if coercible and not change.using:
            kind = "alter_type_coercible"
            detail = f"{change.old_type} -> {change.new_type} is binary-coercible"
        elif coercible is None:
            detail = f"the old type of {change.column} is unknown: assuming a rewrite to {change.new_type}"
        else:
            detail = f"{change.old_type} -> {change.new_type} is not binary-coercible"
    elif kind == "set_not_null" and change.proven_not_null:
        kind = "set_not_null_checked"
    elif kind == "add_check" and change.not_valid:
        kind = "add_check_not_valid"
    elif kind == "add_foreign_key" and change.not_valid:
        kind = "add_foreign_key_not_valid"
    elif kind == "create_index" and change.concurrently:
        kind = "create_index_concurrently"
    elif kind == "drop_index" and change.concurrently:
        kind = "drop_index_concurrently"
    effect = STATEMENTS.get(kind)
    while effect is not None and effect.since > pg_version and kind in _BEFORE:
        kind = _BEFORE[kind]
        effect = STATEMENTS.get(kind)
    facts = StatementFacts(sql=sql, kind=kind, table=change.table, column=change.column,
                           concurrently=change.concurrently, not_valid=change.not_valid,
                           has_where=change.has_where, name=change.name, detail=detail)
    if effect is None:
        return facts
    if change.table and (change.lock_mode or effect.lock):
        facts.locks[change.table] = change.lock_mode or effect.lock
    if effect.referenced_lock:
        for related in change.related:
            if related != change.table:
                facts.locks[related] = effect.referenced_lock
    facts.rewrites = effect.rewrites
    facts.scans = effect.scans or effect.rewrites
    facts.builds_index = effect.builds_index
    return facts


def classify(render_result, *, branch_new: set | None = None, catalog_factory=None) -> Classification:
    """Facts for every operation of RENDER_RESULT (every walked migration, in order).

    BRANCH_NEW holds the keys of migrations new on this branch: tables they create are
    empty in production, so work on them is not dangerous.
    """
    from migsafe.render.catalog import Catalog, parse

    catalog = getattr(render_result, "prefix_catalog", None)
    skip = render_result.prefix if catalog is not None else 0
    if catalog is None:
        catalog = (catalog_factory or Catalog)()
    branch_new = branch_new or set()
    new_tables: set[str] = set()  # created by branch-new migrations
    out = Classification()
    for number, migration in enumerate(render_result.migrations):
        created_here: set[str] = set()
        is_new = (migration.app_label, migration.name) in branch_new
        operations = [_facts_for(migration, op) for op in migration.operations]
        if number < skip:  # before the branch's migrations, already in the snapshot's catalog
            out.migrations.append(MigrationFacts(migration.app_label, migration.name, migration.file,
                                                 migration.atomic, operations, selected=False))
            continue
        lock_timeout = False
        for index, statement in migration.executed:
            facts = operations[index]
            lock_timeout = lock_timeout_after(statement, lock_timeout, migration.atomic)
            parsed = parse(statement)
            changes = describe(catalog, statement, parsed)
            catalog.apply(statement, parsed)
            for change in changes:
                if change.creates_table and change.table:
                    created_here.add(change.table)
                if change.kind == "rename_table" and change.new_name:
                    facts.renames[change.table] = change.new_name
                    if change.table in created_here:
                        created_here.add(change.new_name)
                item = statement_facts(statement, change, render_result.pg_version)
                item.under_lock_timeout = lock_timeout
                facts.statements.append(item)
                facts.new_tables = set(new_tables | created_here)
                _risks(facts, change, item)
        for facts in operations:
            _settle_added_columns(facts)
        if is_new:
            new_tables |= created_here
        out.migrations.append(
            MigrationFacts(migration.app_label, migration.name, migration.file, migration.atomic, operations,
                           selected=getattr(migration, "selected", True))
        )
    return out


def _facts_for(migration, op) -> Facts:
    return Facts(
        app_label=op.app_label,
        migration=op.migration,
        operation_index=op.operation_index,
        operation=op.operation,
        operation_class=op.operation_class,
        file=op.file,
        line=op.line,
        sql=list(op.sql),
        atomic_migration=migration.atomic,
        runs_python=op.runs_python,
    )


_TIMEOUT = re.compile(
    r"^\s*(?:(set)\s+(local\s+|session\s+)?lock_timeout\s*(?:=|to)\s*'?([^';\s]+)'?"
    r"|(reset)\s+lock_timeout"
    r"|select\s+set_config\(\s*'lock_timeout'\s*,\s*'([^']*)'\s*,\s*(true|false))",
    re.I,
)


def lock_timeout_after(statement: str, in_force: bool, atomic: bool) -> bool:
    """Whether a lock_timeout is in force after STATEMENT (SET, SET LOCAL, RESET, set_config).

    SET LOCAL lasts until COMMIT, so outside a transaction (atomic = False) it does nothing.
    """
    match = _TIMEOUT.match(statement)
    if not match:
        return in_force
    if match.group(4):  # RESET
        return False
    if match.group(1):
        local, value = bool(match.group(2) and match.group(2).strip().lower() == "local"), match.group(3)
    else:
        local, value = match.group(6).lower() == "true", match.group(5)
    if local and not atomic:
        return in_force
    return value.lower() not in ("0", "default", "'0'")


def _risks(facts: Facts, change: Change, item: StatementFacts) -> None:
    """Data loss and rolling-deploy breakage, for tables that exist in production."""
    if change.table in facts.new_tables:
        return
    kind = change.kind
    if kind == "drop_table":
        facts.data_loss = facts.backward_incompatible = True
        facts.reasons.append(f"drops table {change.table} and its rows")
    elif kind == "drop_column":
        facts.data_loss = facts.backward_incompatible = True
        facts.reasons.append(f"drops column {change.table}.{change.column}: running code still selects it")
    elif kind in ("rename_table", "rename_column"):
        facts.backward_incompatible = True
        what = change.table if kind == "rename_table" else f"{change.table}.{change.column}"
        facts.reasons.append(f"renames {what}: running code still uses the old name")
    elif kind == "alter_type" and narrows(change.old_type, change.new_type):
        facts.data_loss = True
        facts.reasons.append(
            f"narrows {change.table}.{change.column} from {change.old_type} to {change.new_type}: "
            "values that do not fit make it fail or are cut"
        )
    elif kind == "set_not_null":
        facts.backward_incompatible = True
        facts.reasons.append(
            f"makes {change.table}.{change.column} NOT NULL: running code that writes NULL there fails"
        )
    elif kind == "add_column" and change.not_null:
        facts.added_not_null.append((change.table, change.column, bool(change.default)))
    elif kind == "drop_default":
        facts.dropped_defaults.add((change.table, change.column))


def _settle_added_columns(facts: Facts) -> None:
    """A NOT NULL column left without a database default breaks inserts from older code.

    Django adds such a column with a DEFAULT and drops the default in the same operation.
    """
    for table, column, had_default in facts.added_not_null:
        if not had_default or (table, column) in facts.dropped_defaults:
            facts.backward_incompatible = True
            facts.reasons.append(
                f"adds NOT NULL column {table}.{column} without a database default: inserts from code "
                "that does not know the column yet fail"
            )
