"""What a module-level name stands for: a model (from the app registry), a project function
or class (parsed, never imported), a project module, or something else by its dotted name.

Imports are followed the way Python would, through relative imports and re-exports;
modules Django already imported (every app's models) are looked up in ``sys.modules``,
other project modules are read from their source.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import libcst as cst

from migsafe.code.types import ModelType


@dataclass(frozen=True)
class ModuleRef:
    name: str


@dataclass(frozen=True, eq=False)
class FunctionRef:
    file: object  # PythonFile
    node: cst.FunctionDef
    owner: ClassRef | None = None  # the class it is a method of


@dataclass(frozen=True, eq=False)
class ClassRef:
    file: object
    node: cst.ClassDef

    def member(self, name: str):
        """The method or class-level assignment NAME of this class (its value node)."""
        for statement in self.node.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
                return FunctionRef(self.file, statement, self)
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign) and any(
                            isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets):
                        return small.value
        return None

    def base_names(self) -> list[str]:
        return [cst.helpers.get_full_name_for_node(arg.value) or "" for arg in self.node.bases]


@dataclass(frozen=True)
class Imported:
    """Anything outside the project's parsed code, by dotted name (``django.db.models.Q``)."""

    name: str

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    def is_django(self, *names: str) -> bool:
        return self.name.startswith("django.") and self.short in names


class Resolver:
    def __init__(self, sources) -> None:
        from django.apps import apps

        self.sources = sources
        self.models = {(m.__module__, m.__name__): m for m in apps.get_models()}
        self._scopes: dict[int, dict] = {}
        self._resolving: set[tuple[str, str]] = set()

    def scope(self, file) -> dict:
        """Names bound at the top of FILE."""
        key = id(file)
        if key not in self._scopes:
            self._scopes[key] = {}
            names: dict = {}
            for statement in file.module.body:
                self.bind_statement(file, statement, names)
            self._scopes[key] = names
        return self._scopes[key]

    def bind_statement(self, file, statement, names: dict) -> None:
        """Bind what an import, def or class statement defines into NAMES."""
        if isinstance(statement, cst.FunctionDef):
            names[statement.name.value] = FunctionRef(file, statement)
        elif isinstance(statement, cst.ClassDef):
            model = self.models.get((file.module_name, statement.name.value))
            names[statement.name.value] = ModelType(model) if model else ClassRef(file, statement)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    names.update(self.imports(file, small))
        elif isinstance(statement, (cst.If, cst.Try)):
            for inner in statement.body.body:
                self.bind_statement(file, inner, names)

    def imports(self, file, node) -> dict:
        found = {}
        if isinstance(node, cst.Import):
            for alias in node.names:
                dotted = cst.helpers.get_full_name_for_node(alias.name)
                if alias.asname:
                    found[alias.asname.name.value] = ModuleRef(dotted)
                else:
                    found[dotted.split(".")[0]] = ModuleRef(dotted.split(".")[0])
            return found
        module = self._absolute(file, node)
        if module is None or isinstance(node.names, cst.ImportStar):
            return found
        for alias in node.names:
            name = cst.helpers.get_full_name_for_node(alias.name)
            bound = alias.asname.name.value if alias.asname else name
            found[bound] = self.attribute(ModuleRef(module), name)
        return found

    def attribute(self, module: ModuleRef, name: str):
        """What ``module.name`` is."""
        from django.db import models

        key = (module.name, name)
        if key in self.models:
            return ModelType(self.models[key])
        loaded = sys.modules.get(module.name)
        value = getattr(loaded, name, None) if loaded is not None else None
        meta = getattr(value, "_meta", None) if isinstance(value, type) and issubclass(value, models.Model) else None
        if meta is not None and not meta.abstract:
            return ModelType(value)
        if type(value).__name__ == "module":
            return ModuleRef(value.__name__)
        parsed = self.sources.module(module.name)
        if parsed is not None and key not in self._resolving:
            self._resolving.add(key)
            try:
                found = self.scope(parsed).get(name)
            finally:
                self._resolving.discard(key)
            if found is not None:
                return found
        if self.sources.module(f"{module.name}.{name}") is not None:
            return ModuleRef(f"{module.name}.{name}")
        return Imported(f"{module.name}.{name}")

    @staticmethod
    def _absolute(file, node: cst.ImportFrom) -> str | None:
        name = cst.helpers.get_full_name_for_node(node.module) if node.module else ""
        level = len(node.relative)
        if not level:
            return name
        if not file.module_name:
            return None
        package = file.module_name.split(".")
        if file.path.name != "__init__.py":
            package = package[:-1]
        if level > 1:
            package = package[: len(package) - (level - 1)]
        return ".".join(part for part in [*package, name] if part) or None
