"""Read a migration file without importing it: its graph edges and what each operation touches.

REF's migrations exist only as git blobs, and the branch's may depend on migrations that are
not checked out, so neither side can be imported. One static reader for both keeps the
comparison symmetric. Only literal arguments are understood; anything else touches nothing.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from migsafe.errors import MigsafeError
from migsafe.resolve.model import Effect, Key, MigrationSource, StaticOperation

# Positional parameters of Django's operations (django.db.migrations.operations and
# django.contrib.postgres.operations), so positional calls bind like keyword ones.
_MODEL = ("name",)
SIGNATURES: dict[str, tuple[str, ...]] = {
    "CreateModel": ("name", "fields", "options", "bases", "managers"),
    "DeleteModel": _MODEL,
    "RenameModel": ("old_name", "new_name"),
    "AlterModelTable": ("name", "table"),
    "AlterModelTableComment": ("name", "table_comment"),
    "AlterUniqueTogether": ("name", "unique_together"),
    "AlterIndexTogether": ("name", "index_together"),
    "AlterOrderWithRespectTo": ("name", "order_with_respect_to"),
    "AlterModelOptions": ("name", "options"),
    "AlterModelManagers": ("name", "managers"),
    "AddField": ("model_name", "name", "field", "preserve_default"),
    "RemoveField": ("model_name", "name", "field"),
    "AlterField": ("model_name", "name", "field", "preserve_default"),
    "RenameField": ("model_name", "old_name", "new_name"),
    "AddIndex": ("model_name", "index"),
    "AddIndexConcurrently": ("model_name", "index"),
    "RemoveIndex": ("model_name", "name"),
    "RemoveIndexConcurrently": ("model_name", "name"),
    "RenameIndex": ("model_name", "new_name", "old_name", "old_fields"),
    "AddConstraint": ("model_name", "constraint"),
    "AddConstraintNotValid": ("model_name", "constraint"),
    "RemoveConstraint": ("model_name", "name"),
    "AlterConstraint": ("model_name", "name", "constraint"),
    "ValidateConstraint": ("model_name", "name"),
    "RunSQL": ("sql", "reverse_sql", "state_operations", "hints", "elidable"),
    "RunPython": ("code", "reverse_code", "atomic", "hints", "elidable"),
    "SeparateDatabaseAndState": ("database_operations", "state_operations"),
}
_OPTION_ATTRIBUTE = {
    "AlterModelTable": "db_table",
    "AlterModelTableComment": "db_table_comment",
    "AlterUniqueTogether": "unique_together",
    "AlterIndexTogether": "index_together",
    "AlterOrderWithRespectTo": "order_with_respect_to",
    "AlterModelOptions": "options",
    "AlterModelManagers": "managers",
}
_RELATION_CLASSES = {"ForeignKey", "OneToOneField", "ManyToManyField", "ForeignObject"}
MIGRATION_NAME = re.compile(r"^[^_~.][^.]*$")


def is_migration_file(name: str) -> bool:
    """Whether Django's loader would import FILE NAME from a migrations package."""
    return name.endswith(".py") and bool(MIGRATION_NAME.match(name[:-3]))


def parse_migration(source: bytes, app_label: str, name: str, path: Path, side: str,
                    user_model: str = "auth.User", where: str = "") -> MigrationSource:
    """Parse one migration file; a file that is not Python is an error (it cannot be merged)."""
    try:
        tree = ast.parse(source, filename=str(path))
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        location = f"{path}:{line}" if line else str(path)
        raise MigsafeError(
            f"{location}{where}: cannot be parsed: {getattr(exc, 'msg', exc)}",
            hint="fix the file (resolve reads migrations as source, it never imports them)",
        ) from exc
    reader = _Reader(tree, app_label, user_model)
    attrs = reader.class_attributes()
    operations = []
    value = attrs.get("operations")
    elements = value.elts if isinstance(value, (ast.List, ast.Tuple)) else []
    for index, node in enumerate(elements):
        operations.append(reader.operation(index, node))
    return MigrationSource(
        app_label=app_label,
        name=name,
        path=path,
        side=side,
        dependencies=reader.keys(attrs.get("dependencies")),
        replaces=reader.keys(attrs.get("replaces")),
        run_before=reader.keys(attrs.get("run_before")),
        operations=operations,
        source=source,
    )


def model_key(value: str, app_label: str) -> tuple[str, str]:
    """("app", "model") of a model reference: "app.Model" or a bare "Model" of this app."""
    app, _, model = value.rpartition(".")
    return (app or app_label, model.lower())


def _text(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def called(node) -> str:
    """The name a call calls (``migrations.AddField(...)``: AddField); empty for anything else."""
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def bind(name: str, call: ast.Call) -> dict[str, ast.AST]:
    """The arguments of CALL (an operation of class NAME) by parameter name, as written."""
    args = dict(zip(SIGNATURES.get(name, ()), call.args))
    args.update({kw.arg: kw.value for kw in call.keywords if kw.arg})
    return args


class _Reader:
    def __init__(self, tree: ast.Module, app_label: str, user_model: str):
        self.tree = tree
        self.app = app_label
        self.user_model = model_key(user_model, app_label)
        self.functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}

    def class_attributes(self) -> dict[str, ast.AST]:
        """Assignments in ``class Migration`` (the last one wins, as in Python)."""
        attrs: dict[str, ast.AST] = {}
        for node in self.tree.body:
            if isinstance(node, ast.ClassDef) and node.name == "Migration":
                for stmt in node.body:
                    if isinstance(stmt, ast.Assign):
                        for target in stmt.targets:
                            if isinstance(target, ast.Name):
                                attrs[target.id] = stmt.value
                    elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
                        attrs[stmt.target.id] = stmt.value
        return attrs

    def keys(self, node) -> list[Key]:
        """Literal (app, name) pairs of a dependencies/replaces/run_before list."""
        keys: list[Key] = []
        for element in getattr(node, "elts", None) or ():
            if isinstance(element, (ast.Tuple, ast.List)) and len(element.elts) == 2:
                app, name = (_text(e) for e in element.elts)
                if app is not None and name is not None:
                    keys.append((app, name))
            elif called(element) == "swappable_dependency":
                keys.append((self.user_model[0], "__first__"))
        return keys

    # -- operations ---------------------------------------------------------------
    def operation(self, index: int, node) -> StaticOperation:
        name = called(node) or type(node).__name__
        args = bind(name, node) if isinstance(node, ast.Call) else {}
        effects = tuple(dict.fromkeys(self.effects(name, args)))
        return StaticOperation(index=index, class_name=name, description=describe(name, args),
                               effects=effects, line=getattr(node, "lineno", None))

    def effects(self, name: str, args: dict) -> list[Effect]:
        handler = getattr(self, f"_op_{name}", None)
        if handler is not None:
            return handler(args)
        if name in _OPTION_ATTRIBUTE:
            return self._option(name, args)
        return []

    def _model(self, args, key="name"):
        value = _text(args.get(key))
        return ("model", self.app, value.lower()) if value else None

    def _field(self, args, field_key="name"):
        model, field = _text(args.get("model_name")), _text(args.get(field_key))
        return ("field", self.app, model.lower(), field.lower()) if model and field else None

    def _op_CreateModel(self, args):
        target = self._model(args)
        if not target:
            return []
        effects = [Effect("create", target)]
        for element in getattr(args.get("fields"), "elts", None) or ():
            if isinstance(element, ast.Tuple) and len(element.elts) == 2:
                effects += self.field_refs(element.elts[1])
        for base in getattr(args.get("bases"), "elts", None) or ():
            if _text(base) and "." in _text(base):
                effects.append(Effect("ref", ("model", *model_key(_text(base), self.app))))
        return effects

    def _op_DeleteModel(self, args):
        target = self._model(args)
        return [Effect("delete", target)] if target else []

    def _op_RenameModel(self, args):
        old, new = _text(args.get("old_name")), _text(args.get("new_name"))
        if not old or not new:
            return []
        return [Effect("rename", ("model", self.app, old.lower()), new),
                Effect("create", ("model", self.app, new.lower()), new)]

    def _option(self, name, args):
        model = _text(args.get("name"))
        if not model:
            return []
        effects = [Effect("alter", ("option", self.app, model.lower(), _OPTION_ATTRIBUTE[name]))]
        value = args.get("unique_together") or args.get("index_together")
        for group in getattr(value, "elts", None) or ():
            for field in getattr(group, "elts", None) or ():
                if _text(field):
                    effects.append(Effect("ref", ("field", self.app, model.lower(), _text(field).lower())))
        if _text(args.get("order_with_respect_to")):
            effects.append(Effect("ref", ("field", self.app, model.lower(), _text(args["order_with_respect_to"]).lower())))
        return effects

    def _op_AddField(self, args):
        target = self._field(args)
        return [Effect("create", target), *self.field_refs(args.get("field"))] if target else []

    def _op_AlterField(self, args):
        target = self._field(args)
        return [Effect("alter", target), *self.field_refs(args.get("field"))] if target else []

    def _op_RemoveField(self, args):
        target = self._field(args)
        return [Effect("delete", target)] if target else []

    def _op_RenameField(self, args):
        old, new = self._field(args, "old_name"), _text(args.get("new_name"))
        if not old or not new:
            return []
        return [Effect("rename", old, new), Effect("create", (*old[:3], new.lower()), new)]

    def _sub_object(self, kind, args, value_key, verb="create"):
        """An index or constraint, by its name, plus the fields it is built on."""
        model = _text(args.get("model_name"))
        call = args.get(value_key)
        if not model or not isinstance(call, ast.Call):
            return []
        inner = bind("", call)
        name = _text(inner.get("name"))
        effects = [Effect(verb, (kind, self.app, model.lower(), name.lower()))] if name else []
        return effects + [Effect("ref", ("field", self.app, model.lower(), f)) for f in _field_names(call)]

    def _op_AddIndex(self, args):
        return self._sub_object("index", args, "index")

    _op_AddIndexConcurrently = _op_AddIndex

    def _op_AddConstraint(self, args):
        return self._sub_object("constraint", args, "constraint")

    _op_AddConstraintNotValid = _op_AddConstraint

    def _op_AlterConstraint(self, args):
        return self._sub_object("constraint", args, "constraint", verb="alter")

    def _named(self, kind, args, verb):
        model, name = _text(args.get("model_name")), _text(args.get("name"))
        return [Effect(verb, (kind, self.app, model.lower(), name.lower()))] if model and name else []

    def _op_RemoveIndex(self, args):
        return self._named("index", args, "delete")

    _op_RemoveIndexConcurrently = _op_RemoveIndex

    def _op_RemoveConstraint(self, args):
        return self._named("constraint", args, "delete")

    def _op_ValidateConstraint(self, args):
        return self._named("constraint", args, "ref")

    def _op_RenameIndex(self, args):
        model, new, old = (_text(args.get(k)) for k in ("model_name", "new_name", "old_name"))
        if not model or not new:
            return []
        effects = [Effect("create", ("index", self.app, model.lower(), new.lower()), new)]
        if old:
            effects.append(Effect("rename", ("index", self.app, model.lower(), old.lower()), new))
        for field in getattr(args.get("old_fields"), "elts", None) or ():
            if _text(field):
                effects.append(Effect("ref", ("field", self.app, model.lower(), _text(field).lower())))
        return effects

    def _nested(self, node) -> list[Effect]:
        effects = []
        for element in getattr(node, "elts", None) or ():
            name = called(element)
            if name:
                effects += self.effects(name, bind(name, element))
        return effects

    def _op_SeparateDatabaseAndState(self, args):
        return self._nested(args.get("state_operations")) + self._nested(args.get("database_operations"))

    def _op_RunSQL(self, args):
        return self._nested(args.get("state_operations"))

    def _op_RunPython(self, args):
        """Models the functions load with apps.get_model(): renaming or deleting them breaks the code."""
        effects = []
        for key in ("code", "reverse_code"):
            node = args.get(key)
            body = node if isinstance(node, ast.Lambda) else self.functions.get(getattr(node, "id", None))
            for call in ast.walk(body) if body is not None else ():
                if called(call) == "get_model" and isinstance(call, ast.Call):
                    texts = [_text(a) for a in call.args]
                    if len(texts) >= 2 and texts[0] and texts[1]:
                        effects.append(Effect("ref", ("model", texts[0], texts[1].lower())))
                    elif texts and texts[0] and "." in texts[0]:
                        effects.append(Effect("ref", ("model", *model_key(texts[0], self.app))))
        return effects

    # -- fields -------------------------------------------------------------------
    def field_refs(self, node) -> list[Effect]:
        """The models (and to_field) a field definition points at."""
        if not isinstance(node, ast.Call):
            return []
        kwargs = {kw.arg: kw.value for kw in node.keywords if kw.arg}
        target = kwargs.get("to")
        if target is None and called(node) in _RELATION_CLASSES and node.args:
            target = node.args[0]
        effects = []
        model = self._model_ref(target)
        if model:
            effects.append(Effect("ref", ("model", *model)))
            if _text(kwargs.get("to_field")):
                effects.append(Effect("ref", ("field", *model, _text(kwargs["to_field"]).lower())))
        through = self._model_ref(kwargs.get("through"))
        if through:
            effects.append(Effect("ref", ("model", *through)))
        return effects

    def _model_ref(self, node) -> tuple[str, str] | None:
        if _text(node):
            return model_key(_text(node), self.app)
        if isinstance(node, ast.Attribute) and node.attr == "AUTH_USER_MODEL":
            return self.user_model
        return None


def _field_names(call: ast.Call) -> list[str]:
    """Field names an index or constraint is built on: fields=[...], F("x"), Q(x__gt=...)."""
    names: list[str] = []
    for node in ast.walk(call):
        if isinstance(node, ast.keyword) and node.arg in ("fields", "include"):
            names += [_text(e).lstrip("-") for e in getattr(node.value, "elts", []) if _text(e)]
        elif called(node) == "F" and node.args and _text(node.args[0]):
            names.append(_text(node.args[0]))
        elif called(node) == "Q":
            names += [kw.arg for kw in node.keywords if kw.arg and kw.arg != "_connector"]
            names += [_text(a.elts[0]) for a in node.args
                      if isinstance(a, ast.Tuple) and a.elts and _text(a.elts[0])]
    return list(dict.fromkeys(n.split("__")[0].lower() for n in names if n))


def _s(args, key, default="?") -> str:
    node = args.get(key)
    if node is None:
        return default
    return _text(node) if _text(node) is not None else ast.unparse(node)


_DESCRIPTIONS = {
    "CreateModel": lambda a: f"Create model {_s(a, 'name')}",
    "DeleteModel": lambda a: f"Delete model {_s(a, 'name')}",
    "RenameModel": lambda a: f"Rename model {_s(a, 'old_name')} to {_s(a, 'new_name')}",
    "AlterModelTable": lambda a: f"Rename table for {_s(a, 'name')} to {_s(a, 'table', '(default)')}",
    "AlterModelTableComment": lambda a: f"Alter {_s(a, 'name')} table comment",
    "AlterUniqueTogether": lambda a: f"Alter unique_together for {_s(a, 'name')} "
                                     f"({len(getattr(a.get('unique_together'), 'elts', ()) or ())} constraint(s))",
    "AlterIndexTogether": lambda a: f"Alter index_together for {_s(a, 'name')} "
                                    f"({len(getattr(a.get('index_together'), 'elts', ()) or ())} constraint(s))",
    "AlterOrderWithRespectTo": lambda a: f"Set order_with_respect_to on {_s(a, 'name')} to "
                                         f"{_s(a, 'order_with_respect_to', 'None')}",
    "AlterModelOptions": lambda a: f"Change Meta options on {_s(a, 'name')}",
    "AlterModelManagers": lambda a: f"Change managers on {_s(a, 'name')}",
    "AddField": lambda a: f"Add field {_s(a, 'name')} to {_s(a, 'model_name')}",
    "RemoveField": lambda a: f"Remove field {_s(a, 'name')} from {_s(a, 'model_name')}",
    "AlterField": lambda a: f"Alter field {_s(a, 'name')} on {_s(a, 'model_name')}",
    "RenameField": lambda a: f"Rename field {_s(a, 'old_name')} on {_s(a, 'model_name')} to {_s(a, 'new_name')}",
    "RemoveIndex": lambda a: f"Remove index {_s(a, 'name')} from {_s(a, 'model_name')}",
    "RemoveIndexConcurrently": lambda a: f"Concurrently remove index {_s(a, 'name')} from {_s(a, 'model_name')}",
    "RenameIndex": lambda a: (f"Rename index {_s(a, 'old_name')} on {_s(a, 'model_name')} to {_s(a, 'new_name')}"
                              if a.get("old_name") is not None else
                              f"Rename unnamed index for {_s(a, 'old_fields')} on {_s(a, 'model_name')} "
                              f"to {_s(a, 'new_name')}"),
    "RemoveConstraint": lambda a: f"Remove constraint {_s(a, 'name')} from model {_s(a, 'model_name')}",
    "AlterConstraint": lambda a: f"Alter constraint {_s(a, 'name')} on {_s(a, 'model_name')}",
    "ValidateConstraint": lambda a: f"Validate constraint {_s(a, 'name')} on model {_s(a, 'model_name')}",
    "RunSQL": lambda a: "Raw SQL operation",
    "RunPython": lambda a: "Raw Python operation",
    "SeparateDatabaseAndState": lambda a: "Custom state/database change combination",
}


def describe(name: str, args: dict) -> str:
    """The operation as Django's describe() words it, from its literal arguments."""
    if name in ("AddIndex", "AddIndexConcurrently"):
        index = args.get("index")
        inner = bind("", index) if isinstance(index, ast.Call) else {}
        fields = ", ".join(_text(e) or "?" for e in getattr(inner.get("fields"), "elts", ()) or ())
        prefix = "Concurrently create" if name == "AddIndexConcurrently" else "Create"
        return f"{prefix} index {_s(inner, 'name')} on field(s) {fields} of model {_s(args, 'model_name')}"
    if name in ("AddConstraint", "AddConstraintNotValid"):
        constraint = args.get("constraint")
        inner = bind("", constraint) if isinstance(constraint, ast.Call) else {}
        kind = "not valid constraint" if name == "AddConstraintNotValid" else "constraint"
        return f"Create {kind} {_s(inner, 'name')} on model {_s(args, 'model_name')}"
    describer = _DESCRIPTIONS.get(name)
    return describer(args) if describer else name
