"""MS103 / MS104: AddIndex / RemoveIndex in a transaction -> the Concurrently operations
in a migration with ``atomic = False``.

If every operation of the migration is fixed, the migration is converted in place. Otherwise
the fixed operations move (source text of their arguments kept) into a new migration right
after it, numbered after the app's highest number (a second migration with the same number
would fire MS306), and every migration that depended on the original depends on the new one.
"""

from __future__ import annotations

import builtins
import re
from pathlib import Path

import libcst as cst

from migsafe.fix import FileChange, Skipped, register
from migsafe.fix.cst import (
    bound_names, called_name, ensure_import, is_import, migration_class, class_assignment, remove_elements,
    replace_class_statement, rewrite_dependency, set_class_attribute, used_names,
)

POSTGRES_OPERATIONS = "django.contrib.postgres.operations"
REPLACEMENT = {"AddIndex": "AddIndexConcurrently", "RemoveIndex": "RemoveIndexConcurrently"}
_NUMBER = re.compile(r"^(\d+)_?(.*)$")
# Operations on the same model that a moved index operation may safely be put after.
_HARMLESS_AFTER = {"AddIndex", "RemoveIndex", "RenameIndex", "AddIndexConcurrently", "RemoveIndexConcurrently",
                   "AddConstraint", "RemoveConstraint", "AddField", "AlterModelOptions", "AlterModelManagers"}


def _index_names(op) -> set[str]:
    names = set()
    for attr in ("name", "old_name", "new_name"):
        value = getattr(op, attr, None)
        if isinstance(value, str):
            names.add(value)
    for attr in ("index", "constraint"):
        value = getattr(op, attr, None)
        if value is not None and getattr(value, "name", None):
            names.add(value.name)
    return names


def _model(op) -> str | None:
    return getattr(op, "model_name_lower", None) or getattr(op, "name_lower", None)


@register
class IndexConcurrentlyFixer:
    rules = ("MS103", "MS104")

    def __init__(self, session, texts: dict) -> None:
        self.session = session
        self.graph = session.graph
        self.texts = texts  # path -> text as planned so far
        self.reserved: dict[str, set[int]] = {}

    def _text(self, path: str) -> str:
        if path in self.texts:
            return self.texts[path]
        return Path(path).read_text(encoding="utf-8")

    def fix(self, key, findings) -> tuple[list[FileChange], list[Skipped]]:
        info = self.graph.migrations.get(key)
        indices = sorted({f.location.operation_index for f in findings})
        rule_of = {f.location.operation_index: f.rule for f in findings}

        def skip(reason, only=None):
            return [], [Skipped(rule_of[i], key[0], key[1], i, reason) for i in (only or indices)]

        if info is None or not info.path:
            return skip("migration file not found")
        from django.db.migrations.operations import AddIndex, RemoveIndex

        bad = [i for i in indices if type(info.operations[i].operation) not in (AddIndex, RemoveIndex)]
        if bad:
            # Only plain AddIndex / RemoveIndex in this version (not index changes made by fields).
            changes, skipped = self.fix(key, [f for f in findings if f.location.operation_index not in bad]) \
                if len(bad) < len(indices) else ([], [])
            return changes, skipped + skip("only migrations.AddIndex / RemoveIndex are fixed", only=bad)[1]
        text = self._text(info.path)
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as exc:
            return skip(f"cannot parse {info.file}: {exc}")
        cls = migration_class(module)
        found = class_assignment(cls, "operations") if cls else None
        if found is None or not isinstance(found[1].value, cst.List):
            return skip("class Migration has no literal `operations = [...]` list")
        elements = found[1].value.elements
        if len(elements) != len(info.operations) or any(
                called_name(e.value) != op.class_name for e, op in zip(elements, info.operations)):
            return skip("the operations list in the file does not match the loaded migration")
        if len(indices) == len(info.operations):
            return [self._in_place(info, text, module, indices)], []
        problem = self._order_problem(info, indices)
        if problem:
            return skip(problem)
        return self._split(info, text, module, indices, skip)

    # -- in place ----------------------------------------------------------------------------------

    def _in_place(self, info, text, module, indices) -> FileChange:
        module = self._convert_calls(module, indices)
        module = set_class_attribute(module, "atomic", "False")
        names = sorted({REPLACEMENT[info.operations[i].class_name] for i in indices})
        module = ensure_import(module, POSTGRES_OPERATIONS, names)
        return FileChange(info.path, text, module.code)

    def _convert_calls(self, module, indices):
        cls = migration_class(module)
        i, assign = class_assignment(cls, "operations")
        elements = list(assign.value.elements)
        for index in indices:
            call = elements[index].value
            new_name = REPLACEMENT[called_name(call)]
            elements[index] = elements[index].with_changes(value=call.with_changes(func=cst.Name(new_name)))
        stmt = cls.body.body[i]
        assign = assign.with_changes(value=assign.value.with_changes(elements=elements))
        return replace_class_statement(module, i, stmt.with_changes(body=[assign]))

    # -- split -------------------------------------------------------------------------------------

    def _order_problem(self, info, indices) -> str | None:
        """Why moving the operations after the migration's other operations could change what
        they do (None if it cannot)."""
        moved = set(indices)
        for i in indices:
            op = info.operations[i].operation
            names = _index_names(op)
            for j in range(i + 1, len(info.operations)):
                if j in moved:
                    continue
                later = info.operations[j]
                other = later.operation
                if later.class_name in ("RunSQL", "RunPython", "SeparateDatabaseAndState"):
                    return f"operation [{j}] ({later.class_name}) runs after it and may depend on the index"
                if _model(other) != op.model_name_lower:
                    continue
                if later.class_name not in _HARMLESS_AFTER or names & _index_names(other):
                    return f"operation [{j}] ({later.class_name}) changes the same model after it"
        return None

    def _next_number(self, app_label: str, directory: Path) -> tuple[int, int]:
        numbers = set(self.reserved.setdefault(app_label, set()))
        width = 4
        for app, name in self.graph.migrations:
            match = _NUMBER.match(name)
            if app == app_label and match and match.group(1).isdigit():
                numbers.add(int(match.group(1)))
                width = max(width, len(match.group(1)))
        for path in directory.glob("*.py"):
            match = _NUMBER.match(path.stem)
            if match and match.group(1).isdigit():
                numbers.add(int(match.group(1)))
        number = max(numbers, default=0) + 1
        self.reserved[app_label].add(number)
        return number, width

    def _split(self, info, text, module, indices, skip):
        app = info.app_label
        directory = Path(info.path).parent
        number, width = self._next_number(app, directory)
        match = _NUMBER.match(info.name)
        rest = match.group(2) if match and match.group(2) else info.name
        new_name = f"{number:0{width}d}_{rest}_concurrently"
        new_path = directory / f"{new_name}.py"

        new_text, problem = self._new_migration(info, module, indices)
        if problem:
            return skip(problem)

        changes = []
        cls = migration_class(module)
        i, assign = class_assignment(cls, "operations")
        stmt = cls.body.body[i]
        assign = assign.with_changes(value=remove_elements(assign.value, set(indices)))
        changes.append(FileChange(info.path, text, replace_class_statement(module, i, stmt.with_changes(body=[assign])).code))

        for other_key, other in sorted(self.graph.migrations.items()):
            if info.key not in other.dependencies or not other.path:
                continue
            other_text = self._text(other.path)
            rewritten, count = rewrite_dependency(cst.parse_module(other_text), app, info.name, new_name)
            if not count:
                return skip(f"{other_key[0]}.{other_key[1]} depends on it in a way that cannot be rewritten")
            changes.append(FileChange(other.path, other_text, rewritten.code))
        changes.append(FileChange(str(new_path), None, new_text))
        return changes, []

    def _new_migration(self, info, module, indices) -> tuple[str, str | None]:
        cls = migration_class(module)
        _, assign = class_assignment(cls, "operations")
        used: set[str] = {"migrations"}
        bodies = []
        for index in indices:
            element = assign.value.elements[index]
            call = element.value
            new_call = call.with_changes(func=cst.Name(REPLACEMENT[called_name(call)]))
            for arg in call.args:
                used |= used_names(arg.value)
            ws = element.comma.whitespace_after if isinstance(element.comma, cst.Comma) else None
            comment = ws.first_line.comment if isinstance(ws, cst.ParenthesizedWhitespace) else None
            bodies.append((new_call, comment))

        imports = []
        provided = set(dir(builtins))
        for stmt in module.body:
            if not is_import(stmt):
                continue
            bound = bound_names(stmt)
            if "*" in bound:
                return "", "the migration uses `import *`"
            node = stmt.body[0]
            if len(stmt.body) == 1 and isinstance(node, cst.ImportFrom) and node.module is not None \
                    and cst.helpers.get_full_name_for_node(node.module) == "__future__":
                imports.append(stmt.with_changes(leading_lines=[]))
                continue
            keep = [name for name in bound if name in used]
            if not keep:
                continue
            provided |= set(keep)
            if len(stmt.body) == 1 and isinstance(node, cst.ImportFrom) and len(keep) < len(bound):
                aliases = [a for a in node.names if (a.asname.name.value if a.asname else
                                                     cst.helpers.get_full_name_for_node(a.name)) in keep]
                aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                stmt = stmt.with_changes(body=[node.with_changes(
                    names=aliases, lpar=None, rpar=None)])
            imports.append(stmt.with_changes(leading_lines=[]))
        missing = sorted(used - provided - {"migrations"})
        if missing:
            return "", f"its arguments use {', '.join(missing)}, which the migration does not import"
        header = (
            f"# Generated by migsafe fix: moved from {info.app_label}.{info.name} so the index is built\n"
            f"# or dropped CONCURRENTLY, outside a transaction (MS103/MS104).\n"
        )
        import_code = "".join(cst.Module(body=[s]).code for s in imports)
        source = (
            f"{header}{import_code}\n\n"
            "class Migration(migrations.Migration):\n\n"
            "    atomic = False\n\n"
            "    dependencies = [\n"
            f"        ({info.app_label!r}, {info.name!r}),\n".replace("'", '"') +
            "    ]\n\n"
            "    operations = [\n" + "".join(f"        X(),{'  ' + c.value if c is not None else ''}\n" for _, c in bodies) + "    ]\n"
        )
        new_module = cst.parse_module(source)
        # The moved calls go in as nodes, so their arguments keep their source text.
        cls = migration_class(new_module)
        at, ops = class_assignment(cls, "operations")
        elements = []
        for element, (call, _) in zip(ops.value.elements, bodies):
            element = element.with_changes(value=call)
            elements.append(element)
        ops = ops.with_changes(value=ops.value.with_changes(elements=elements))
        new_module = replace_class_statement(new_module, at, cls.body.body[at].with_changes(body=[ops]))
        names = sorted({REPLACEMENT[info.operations[i].class_name] for i in indices})
        new_module = ensure_import(new_module, POSTGRES_OPERATIONS, names)
        new_module = ensure_import(new_module, "django.db", ["migrations"])
        return new_module.code, None



def fix_source(text: str, app_label: str, name: str, indices: list[int]) -> tuple[str, str | None]:
    """The pure source rewrite (no graph): the migration's new text, and the new migration's
    text when the operations at ``indices`` are split out (None when converted in place)."""
    from types import SimpleNamespace

    module = cst.parse_module(text)
    cls = migration_class(module)
    elements = class_assignment(cls, "operations")[1].value.elements
    info = SimpleNamespace(app_label=app_label, name=name, path=None,
                           operations=[SimpleNamespace(class_name=called_name(e.value)) for e in elements])
    fixer = IndexConcurrentlyFixer.__new__(IndexConcurrentlyFixer)
    if len(set(indices)) == len(elements):
        return fixer._in_place(info, text, module, sorted(indices)).new_text, None
    new_text, problem = fixer._new_migration(info, module, sorted(indices))
    if problem:
        raise ValueError(problem)
    i, assign = class_assignment(cls, "operations")
    assign = assign.with_changes(value=remove_elements(assign.value, set(indices)))
    return replace_class_statement(module, i, cls.body.body[i].with_changes(body=[assign])).code, new_text
