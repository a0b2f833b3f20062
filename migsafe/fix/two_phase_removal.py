"""MS201 / MS202: RemoveField / DeleteModel drop data that running code still reads.

Two deploys instead of one. Where it was, the operation becomes state-only
(``SeparateDatabaseAndState(state_operations=[...])``): the model loses the field, the new
code stops selecting the column, nothing happens in the database. The follow-up migration
(to ship in a later release, once no running code uses the column or table) drops it with
Django's own operation, run against a view of the models that still has it (a nested
state-only AddField / CreateModel), so the SQL, and the reverse, are exactly Django's.
"""

from __future__ import annotations

from migsafe.fix import register
from migsafe.fix.assemble import INDENT, OperationFix, operation_element, reindent


def _state_before(graph, info, index):
    state = graph.loader.project_state((info.app_label, info.name), at_end=False)
    for op_info in info.operations[:index]:
        op_info.operation.state_forwards(info.app_label, state)
    return state


def _table(state, app_label: str, model_name: str) -> str:
    """The model's table, as the state at that point names it."""
    return state.apps.get_model(app_label, model_name)._meta.db_table


def _backup(state, app_label: str, model_name: str, field_name: str) -> str:
    """The command that saves what dropping the field loses (a many-to-many: its whole table)."""
    model = state.apps.get_model(app_label, model_name)
    concrete = model._meta.get_field(field_name)
    if concrete.many_to_many:
        return (f"pg_dump --table={concrete.remote_field.through._meta.db_table} --data-only "
                "--format=custom --file=backup.dump \"$DATABASE_URL\"")
    table, pk = model._meta.db_table, model._meta.pk.column
    return (f"psql \"$DATABASE_URL\" -c \"\\copy (SELECT {pk}, {concrete.column} FROM {table}) "
            f"TO '{table}.{concrete.column}.csv' WITH (FORMAT csv, HEADER)\"")


def _serialized(operation) -> tuple[str, set[str]]:
    from django.db.migrations.writer import OperationWriter

    code, imports = OperationWriter(operation, indentation=0).serialize()
    return code.rstrip().rstrip(","), imports


def _imports(lines: set[str]) -> list[tuple[str, str | None]]:
    pairs = []
    for line in lines:
        words = line.split()
        if words[0] == "from":
            pairs += [(words[1], name.strip(",")) for name in words[3:]]
        else:
            pairs.append((words[1], None))
    return pairs


@register
class TwoPhaseRemovalFixer:
    rules = ("MS201", "MS202")
    operations = ("RemoveField", "DeleteModel")
    opt_in = False

    def fix(self, context, info, index, findings):
        from django.db.migrations.operations import AddField, CreateModel

        operation = info.operations[index].operation
        element = operation_element(context.source(info.path), index)
        if isinstance(element, str):
            return element
        try:
            state = _state_before(context.graph, info, index)
            if type(operation).__name__ == "RemoveField":
                model = state.models[(info.app_label, operation.model_name_lower)]
                field = model.fields[operation.name]
                restore = AddField(model_name=operation.model_name, name=operation.name, field=field)
                what = f"column of {operation.model_name}.{operation.name}"
                backup = _backup(state, info.app_label, operation.model_name_lower, operation.name)
            else:
                model = state.models[(info.app_label, operation.name_lower)]
                restore = CreateModel(name=model.name, fields=list(model.fields.items()), options=model.options,
                                      bases=model.bases, managers=model.managers)
                what = f"table of {model.name}"
                backup = f"pg_dump --table={_table(state, info.app_label, operation.name_lower)} --data-only " \
                         "--format=custom --file=backup.dump \"$DATABASE_URL\""
            restore_code, import_lines = _serialized(restore)
        except Exception as exc:  # a model state Django cannot write back as code
            return f"cannot write the model's definition back as code ({exc})"
        rules = tuple(sorted({f.rule for f in findings}))
        original = reindent(element.code, element.column, INDENT)
        state_only = (f"migrations.SeparateDatabaseAndState(\n{' ' * 12}state_operations=[\n"
                      f"{' ' * 16}{reindent(original, INDENT, 16)},\n{' ' * 12}],\n{' ' * INDENT})")
        silenced = ", ".join(rules)
        return OperationFix(
            index=index,
            rules=rules,
            now=[state_only],
            now_comment=(f"migsafe fix ({silenced}): deploy 1 of 2, the model forgets the {what.split(' of ')[0]};\n"
                         f"the database keeps it until the follow-up migration drops it (deploy 2)."),
            later=[_database_half([(restore_code, original)], rules, info.name)],
            restore=(restore_code, original),
            phase_two=True,
            guard=True,
            imports=_imports(import_lines),
            comment=f"Deploy 2 of 2: drops the {what}, which {info.name} removed from the models.\n"
                    f"Back up first: {backup}",
            suffix="drop",
        )


def _database_half(pairs: list[tuple[str, str]], rules, migration: str) -> str:
    """One operation dropping what PAIRS (restore code, removal code) name, in order. The
    nested state_operations give it a view of the models that still has them (restored in
    reverse order: a field before the model it points to was removed), so the SQL, and the
    re-creation when unapplied, is exactly Django's."""
    restores = "".join(f"{' ' * 24}{reindent(code, 0, 24)},\n" for code, _ in reversed(pairs))
    drops = "".join(f"{' ' * 16}{reindent(code, INDENT, 16)},\n" for _, code in pairs)
    return (
        f"migrations.SeparateDatabaseAndState(  # migsafe: ignore[{', '.join(rules)}] second deploy of a "
        f"two-phase removal: the code stopped using it with {migration}\n"
        f"{' ' * 12}database_operations=[\n"
        f"{' ' * 16}migrations.SeparateDatabaseAndState(\n{' ' * 20}state_operations=[\n"
        f"{restores}{' ' * 20}],\n{' ' * 16}),\n"
        f"{drops}"
        f"{' ' * 12}],\n{' ' * INDENT})"
    )


def merge(fixes, migration: str):
    """The phase-two fixes of one migration as a single operation (a removed field may point
    to a removed model: the view must have both)."""
    rules = tuple(sorted({r for f in fixes for r in f.rules}))
    return _database_half([f.restore for f in fixes], rules, migration)
