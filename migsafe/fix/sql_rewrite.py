"""MS102 / MS103 / MS104 / MS105 on operations Django turns into several statements
(AddField, AlterField, AlterUniqueTogether, AlterIndexTogether, AddConstraint of a unique
constraint): the operation moves to a non-atomic follow-up migration as
``SeparateDatabaseAndState(state_operations=[the operation], database_operations=[RunSQL...])``,
where each of Django's own statements is replaced by its non-blocking form:

* ``CREATE INDEX`` -> ``CREATE INDEX CONCURRENTLY`` (after ``DROP INDEX CONCURRENTLY IF EXISTS``,
  so a failed build can be re-run), ``DROP INDEX`` -> ``DROP INDEX CONCURRENTLY``;
* a unique constraint -> ``CREATE UNIQUE INDEX CONCURRENTLY`` then ``ADD CONSTRAINT ... UNIQUE
  USING INDEX`` (a brief lock, no scan);
* a foreign key or check -> added ``NOT VALID``, then ``VALIDATE CONSTRAINT`` (SHARE UPDATE EXCLUSIVE);
* ``SET NOT NULL`` -> ``CHECK (col IS NOT NULL) NOT VALID``, validate, ``SET NOT NULL`` (proved by
  the check, no scan, PostgreSQL 12+), drop the check; Django's ``UPDATE ... WHERE col IS NULL``
  backfill becomes a RunPython that fills the NULLs in batches.

The SQL is the SQL Django would run (same names), so the schema is the same; every statement
gets its reverse, so the migration stays reversible. Each step is an operation of its own
(the migration is not atomic, so each commits on its own): the one that scans never holds
the lock of the one that briefly blocks; the model state changes with the last step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from migsafe.fix import register
from migsafe.fix.assemble import OperationFix, operation_element
from migsafe.fix.history import quoted

_I = r'"((?:[^"]|"")+)"'
_CREATE_INDEX = re.compile(r'^CREATE\s+(UNIQUE\s+)?INDEX\s+' + _I + r'\s+ON\s+(.*)$', re.I | re.S)
_DROP_INDEX = re.compile(r'^DROP\s+INDEX\s+(?:IF\s+EXISTS\s+)?' + _I + r'$', re.I)
_ADD_CONSTRAINT = re.compile(r'^ALTER\s+TABLE\s+' + _I + r'\s+ADD\s+CONSTRAINT\s+' + _I + r'\s+(.*)$', re.I | re.S)
_UNIQUE = re.compile(r'^UNIQUE\s*(\((?:[^()"]|"[^"]*")*\))\s*(DEFERRABLE\s+INITIALLY\s+(?:DEFERRED|IMMEDIATE))?$', re.I)
_DROP_CONSTRAINT = re.compile(r'^ALTER\s+TABLE\s+' + _I + r'\s+DROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?' + _I + r'$', re.I)
_SET_NOT_NULL = re.compile(r'^ALTER\s+TABLE\s+' + _I + r'\s+ALTER\s+COLUMN\s+' + _I + r'\s+SET\s+NOT\s+NULL$', re.I)
_ADD_COLUMN = re.compile(r'^ALTER\s+TABLE\s+' + _I + r'\s+ADD\s+COLUMN\s+' + _I + r'\s+(.*)$', re.I | re.S)
_COLUMN_DEFAULT = re.compile(r'^ALTER\s+TABLE\s+' + _I + r'\s+ALTER\s+COLUMN\s+' + _I + r'\s+(?:DROP|SET)\s+DEFAULT\b', re.I)
_INLINE_FK = re.compile(r'\s+CONSTRAINT\s+' + _I + r'\s+(REFERENCES\s+"(?:[^"]|"")+"\s*\((?:[^()"]|"[^"]*")*\)'
                        r'(?:\s+DEFERRABLE\s+INITIALLY\s+(?:DEFERRED|IMMEDIATE))?)', re.I)
_NULL_IS = re.compile(r'^UPDATE\s+' + _I + r'\s+SET\s+' + _I + r'\s*=\s*.*\s+WHERE\s+' + _I + r'\s+IS\s+NULL$', re.I | re.S)
_SET_CONSTRAINTS = re.compile(r'^SET\s+CONSTRAINTS\b', re.I)
NAME_LIMIT = 63  # PostgreSQL's identifier length


class CannotRewrite(Exception):
    pass


@dataclass
class Step:
    """One RunSQL (or, with ``python``, a RunPython) of the follow-up."""

    sql: list[str]
    reverse: list[str] | None  # None: nothing to undo (RunSQL.noop)
    python: str | None = None  # name of a generated backfill function


@dataclass
class Rewrite:
    steps: list[Step] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    needs: set[str] = field(default_factory=set)


def _strip(statement: str) -> str:
    return statement.strip().rstrip(";").strip()


def _unquote(name: str) -> str:
    return name.replace('""', '"')


def _concurrent_index(create: str) -> Step:
    match = _CREATE_INDEX.match(create)
    unique, name, rest = match.group(1) or "", _unquote(match.group(2)), match.group(3)
    drop = f"DROP INDEX CONCURRENTLY IF EXISTS {quoted(name)}"
    return Step([drop, f"CREATE {unique.upper()}INDEX CONCURRENTLY {quoted(name)} ON {rest}"], [drop])


def _unique_steps(table: str, name: str, columns: str, deferrable: str | None) -> list[Step]:
    index = _concurrent_index(f"CREATE UNIQUE INDEX {quoted(name)} ON {quoted(table)} {columns}")
    using = f"ALTER TABLE {quoted(table)} ADD CONSTRAINT {quoted(name)} UNIQUE USING INDEX {quoted(name)}"
    if deferrable:
        using += " " + deferrable.upper()
    return [index, Step([using], [f"ALTER TABLE {quoted(table)} DROP CONSTRAINT {quoted(name)}"])]


def _not_valid_steps(table: str, name: str, definition: str) -> list[Step]:
    drop = f"ALTER TABLE {quoted(table)} DROP CONSTRAINT IF EXISTS {quoted(name)}"
    return [
        Step([f"ALTER TABLE {quoted(table)} ADD CONSTRAINT {quoted(name)} {definition} NOT VALID"], [drop]),
        Step([f"ALTER TABLE {quoted(table)} VALIDATE CONSTRAINT {quoted(name)}"], None),
    ]


def _balanced(text: str, start: int) -> int:
    """Index just past the parenthesis that closes the one at START."""
    depth, quote = 0, None
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    raise CannotRewrite("unbalanced parentheses")


_DEFAULT = re.compile(r'\sDEFAULT\s+(.*?)(?=\s+(?:NOT\s+NULL|NULL|UNIQUE|CHECK|CONSTRAINT|REFERENCES)\b|$)', re.I | re.S)


def _volatile_default(table: str, column: str, rest: str, out: "Rewrite") -> tuple[str, list[Step]]:
    """A volatile default rewrites the table (every row gets its own value): add the column
    nullable with the default for new rows, fill the old rows in batches, then NOT NULL
    through a validated check."""
    match = _DEFAULT.search(rest)
    if match is None:
        raise CannotRewrite("the volatile default could not be read from the ADD COLUMN")
    expression = match.group(1).strip()
    not_null = re.search(r'\sNOT\s+NULL\b', rest, re.I) is not None
    rest = rest[:match.start()] + rest[match.end():]
    rest = re.sub(r'\s(NOT\s+)?NULL\b', "", rest, flags=re.I)
    name = re.sub(r"\W", "_", f"backfill_{table}_{column}")
    out.functions.append(
        f"def {name}(apps, schema_editor):\n"
        f'    """Give the rows that existed before {table}.{column} its default, 1,000 rows per\n'
        f'    transaction (the migration is not atomic): no long lock, no table rewrite."""\n'
        f"    with schema_editor.connection.cursor() as cursor:\n"
        f"        while True:\n"
        f"            cursor.execute({_py(f'UPDATE {quoted(table)} SET {quoted(column)} = DEFAULT WHERE ctid = ANY(ARRAY(SELECT ctid FROM {quoted(table)} WHERE {quoted(column)} IS NULL LIMIT 1000))')})\n"
        f"            if cursor.rowcount == 0:\n"
        f"                break\n"
    )
    set_default = f"ALTER TABLE {quoted(table)} ALTER COLUMN {quoted(column)} SET DEFAULT {expression}"
    later = [Step([], None, python=name)]
    if not_null:
        later += _set_not_null(table, column)
    return f"{rest.strip()} NULL", [set_default], later


def _add_column(table: str, column: str, rest: str, out: "Rewrite | None" = None,
                volatile: bool = False) -> tuple[str, list[Step]]:
    """ADD COLUMN without its inline constraints, and the steps that add them safely."""
    later: list[Step] = []
    extra: list[str] = []
    if volatile:
        rest, extra, later = _volatile_default(table, column, rest, out)
    if fk := _INLINE_FK.search(rest):
        rest = rest[:fk.start()] + rest[fk.end():]
        later += _not_valid_steps(table, _unquote(fk.group(1)), f"FOREIGN KEY ({quoted(column)}) {fk.group(2)}")
    if (at := re.search(r'\sCHECK\s*\(', rest)) is not None:
        open_at = rest.index("(", at.start())
        end = _balanced(rest, open_at)
        later += _not_valid_steps(table, _pg_name(table, column, "check"), f"CHECK {rest[open_at:end]}")
        rest = rest[:at.start()] + rest[end:]
    if re.search(r'\sUNIQUE\b', rest):
        rest = re.sub(r'\sUNIQUE\b', "", rest, count=1)
        later += _unique_steps(table, _pg_name(table, column, "key"), f"({quoted(column)})", None)
    if re.search(r'\s(PRIMARY\s+KEY|REFERENCES|GENERATED)\b', rest, re.I):
        raise CannotRewrite(f"ADD COLUMN {column} has a clause with no safe rewrite")
    return [f"ALTER TABLE {quoted(table)} ADD COLUMN {quoted(column)} {rest.strip()}", *extra], later


def _pg_name(table: str, column: str, suffix: str) -> str:
    """The name PostgreSQL gives an inline constraint (no truncation needed, else refused)."""
    name = f"{table}_{column}_{suffix}"
    if len(name.encode()) > NAME_LIMIT:
        raise CannotRewrite(f"the constraint name PostgreSQL picks for {table}.{column} is truncated")
    return name


def _set_not_null(table: str, column: str) -> list[Step]:
    check = _pg_name(table, column, "notnull")
    add_check, validate = _not_valid_steps(table, check, f"CHECK ({quoted(column)} IS NOT NULL)")
    return [
        add_check, validate,
        Step([f"ALTER TABLE {quoted(table)} ALTER COLUMN {quoted(column)} SET NOT NULL"],
             [f"ALTER TABLE {quoted(table)} ALTER COLUMN {quoted(column)} DROP NOT NULL"]),
        Step([f"ALTER TABLE {quoted(table)} DROP CONSTRAINT {quoted(check)}"], add_check.sql),
    ]


def rewrite_statements(statements: list[str], indexes: dict[str, str], constraints: dict[str, str],
                       backfill=None, volatile_default: bool = False) -> Rewrite:
    """The safe steps for STATEMENTS (one operation's SQL, in order). INDEXES and CONSTRAINTS
    give the definitions of what exists before it (to undo drops); BACKFILL(table, column)
    returns (step, function source, names it needs) for Django's NULL backfill."""
    out = Rewrite()
    pending = [_strip(s) for s in statements if _strip(s)]
    i = 0
    while i < len(pending):
        sql = pending[i]
        i += 1
        if _SET_CONSTRAINTS.match(sql):
            continue  # only meaningful with the inline constraint it followed
        if match := _ADD_COLUMN.match(sql):
            table, column = _unquote(match.group(1)), _unquote(match.group(2))
            add, later = _add_column(table, column, match.group(3), out, volatile_default)
            step = Step(add, [f"ALTER TABLE {quoted(table)} DROP COLUMN {quoted(column)} CASCADE"])
            while i < len(pending) and (m := _COLUMN_DEFAULT.match(pending[i])) and _unquote(m.group(2)) == column:
                step.sql.append(pending[i])  # Django's DEFAULT-then-DROP DEFAULT pair stays together
                i += 1
            out.steps += [step, *later]
        elif match := _CREATE_INDEX.match(sql):
            out.steps.append(_concurrent_index(sql))
        elif match := _DROP_INDEX.match(sql):
            name = _unquote(match.group(1))
            recreated = next((j for j in range(i, len(pending)) if (m := _CREATE_INDEX.match(pending[j]))
                              and _unquote(m.group(2)) == name), None)
            if recreated is not None and name in indexes and _strip(indexes[name]) == pending[recreated]:
                del pending[recreated]  # dropped and rebuilt identical (Django does this for _like indexes)
                continue
            if name not in indexes:
                raise CannotRewrite(f"how index {name} was created is unknown, so dropping it cannot be undone")
            drop = f"DROP INDEX CONCURRENTLY IF EXISTS {quoted(name)}"
            out.steps.append(Step([drop], _concurrent_index(_strip(indexes[name])).sql))
        elif match := _ADD_CONSTRAINT.match(sql):
            table, name, definition = _unquote(match.group(1)), _unquote(match.group(2)), match.group(3).strip()
            if unique := _UNIQUE.match(definition):
                out.steps += _unique_steps(table, name, unique.group(1), unique.group(2))
            elif re.match(r'^(FOREIGN\s+KEY|CHECK)\b', definition, re.I) and not re.search(r'\bNOT\s+VALID$', definition, re.I):
                out.steps += _not_valid_steps(table, name, definition)
            else:
                raise CannotRewrite(f"no non-blocking form for: {sql}")
        elif match := _DROP_CONSTRAINT.match(sql):
            table, name = _unquote(match.group(1)), _unquote(match.group(2))
            if name not in constraints:
                raise CannotRewrite(f"how constraint {name} was created is unknown, so dropping it cannot be undone")
            out.steps.append(Step([sql], [_strip(constraints[name])]))
        elif match := _NULL_IS.match(sql):
            if backfill is None:
                raise CannotRewrite("the NULL backfill cannot be batched here")
            step, function, needs = backfill(_unquote(match.group(1)), _unquote(match.group(2)))
            out.steps.append(step)
            out.functions.append(function)
            out.needs |= needs
        elif match := _SET_NOT_NULL.match(sql):
            out.steps += _set_not_null(_unquote(match.group(1)), _unquote(match.group(2)))
        else:
            raise CannotRewrite(f"no non-blocking form for: {sql}")
    return out


# -- writing the code -------------------------------------------------------------------------------

def _py(value: str) -> str:
    return repr(value)


def _list(items: list[str], indent: int) -> str:
    pad = " " * (indent + 4)
    return "[\n" + "".join(f"{pad}{item},\n" for item in items) + " " * indent + "]"


def step_code(step: Step, indent: int) -> str:
    if step.python:
        return f"migrations.RunPython({step.python}, reverse_code=migrations.RunPython.noop)"
    pad = " " * (indent + 4)
    reverse = _list([_py(s) for s in step.reverse], indent + 4) if step.reverse else "migrations.RunSQL.noop"
    sql = _list([_py(s) for s in step.sql], indent + 4)
    return f"migrations.RunSQL(\n{pad}sql={sql},\n{pad}reverse_sql={reverse},\n{' ' * indent})"


def separate_code(original: str, column: int, steps: list[Step], indent: int) -> str:
    """SeparateDatabaseAndState keeping ORIGINAL (written at COLUMN) for the state."""
    from migsafe.fix.assemble import reindent

    pad = " " * (indent + 4)
    inner = " " * (indent + 8)
    state = reindent(original, column, indent + 8)
    database = "".join(f"{inner}{step_code(s, indent + 8)},\n" for s in steps)
    return (f"migrations.SeparateDatabaseAndState(\n{pad}state_operations=[\n{inner}{state},\n{pad}],\n"
            f"{pad}database_operations=[\n{database}{pad}],\n{' ' * indent})")


def _default_source(code: str) -> str | None:
    """The source of the ``default=`` of the field in an AlterField / AddField call."""
    call = cst.parse_expression(code)
    if not isinstance(call, cst.Call):
        return None
    field_value = next((a.value for a in call.args if a.keyword and a.keyword.value == "field"),
                       call.args[2].value if len(call.args) > 2 and call.args[2].keyword is None else None)
    if not isinstance(field_value, cst.Call):
        return None
    for arg in field_value.args:
        if arg.keyword and arg.keyword.value == "default":
            return cst.Module(body=[]).code_for_node(arg.value)
    return None


@register
class SqlRewriteFixer:
    rules = ("MS101", "MS102", "MS103", "MS104", "MS105")
    operations = ("AddField", "AlterField", "AlterUniqueTogether", "AlterIndexTogether", "AddConstraint")
    opt_in = False

    def fix(self, context, info, index, findings):
        facts = findings[0].facts
        if facts is None:
            return "no SQL was rendered for it"
        op_info = info.operations[index]
        operation = op_info.operation
        if op_info.class_name == "AddConstraint" and type(operation.constraint).__name__ == "CheckConstraint":
            return "handled as AddConstraintNotValid"
        element = operation_element(context.source(info.path), index)
        if isinstance(element, str):
            return element
        indexes, constraints = context.history.definitions(info.key, index)

        def backfill(table, column):
            return self._backfill(info, operation, element.code, table, column)

        try:
            volatile = any(s.kind == "add_column_rewrite" and "is volatile" in s.detail for s in facts.statements)
            rewrite = rewrite_statements(facts.sql, indexes, constraints, backfill, volatile)
        except CannotRewrite as exc:
            return str(exc)
        if not rewrite.steps:
            return "nothing to rewrite"
        rules = tuple(sorted({f.rule for f in findings}))
        description = f"{op_info.description}: Django's SQL, each statement in its non-blocking form."
        if op_info.class_name == "AddField" and rewrite.steps[0].sql and _ADD_COLUMN.match(rewrite.steps[0].sql[0]):
            # The column is added where it was (columns keep their order); what builds or
            # checks something over its rows follows in the non-atomic migration.
            now = separate_code(element.code, element.column, rewrite.steps[:1], 8)
            later = [step_code(step, 8) for step in rewrite.steps[1:]]
            return OperationFix(
                index=index, rules=rules, now=[now], later=later, later_atomic=False, guard=True,
                now_comment=f"migsafe fix ({', '.join(rules)}): the column only; what reads or builds over its "
                            "rows runs, without blocking, in the next migration.",
                comment=f"{op_info.description}: the rest (backfill, constraints, indexes), without blocking.",
                functions=rewrite.functions, needs=rewrite.needs, suffix="safe",
            ) if later else "nothing to rewrite"
        # One operation per step, so each runs (and is traced) on its own; the state changes
        # with the last one.
        return OperationFix(
            index=index,
            rules=rules,
            now=[],
            later=[step_code(step, 8) for step in rewrite.steps[:-1]]
            + [separate_code(element.code, element.column, rewrite.steps[-1:], 8)],
            later_atomic=False,
            guard=True,
            functions=rewrite.functions,
            needs=rewrite.needs,
            comment=description,
            suffix="safe",
            later_trailing=element.comment,
        )

    def _backfill(self, info, operation, code, table, column):
        source = _default_source(code)
        if source is None:
            raise CannotRewrite("the field has no literal default= to backfill with")
        name = f"backfill_{operation.model_name_lower}_{operation.name}"
        field_name = operation.name
        function = (
            f"def {name}(apps, schema_editor):\n"
            f'    """Fill {table}.{column} where it is NULL, 1,000 rows per transaction (the migration\n'
            f'    is not atomic), so no row stays locked for long."""\n'
            f'    model = apps.get_model("{info.app_label}", "{operation.model_name}")\n'
            f"    default = {source}\n"
            f"    value = default() if callable(default) else default\n"
            f"    while True:\n"
            f"        batch = list(model._base_manager.filter({field_name}__isnull=True)"
            f'.values_list("pk", flat=True)[:1000])\n'
            f"        if not batch:\n"
            f"            break\n"
            f"        model._base_manager.filter(pk__in=batch).update({field_name}=value)\n"
        )
        from migsafe.fix.cst import used_names

        return Step([], None, python=name), function, used_names(cst.parse_expression(source))

