"""The migration graph, loaded with Django's MigrationLoader but tolerant of broken files.

Django's loader stops at the first bad migration. migsafe records the problem (file, line)
and drops only the broken migration and those that depend on it, so the rest of the
project is still analysed.
"""

from __future__ import annotations

import ast
import pkgutil
import sys
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import import_module, reload
from pathlib import Path

from django.apps import apps as global_apps
from django.db.migrations.loader import MIGRATIONS_MODULE_NAME, MigrationLoader

from migsafe.errors import Problem, describe_exception, innermost_frame_in

Key = tuple[str, str]


@dataclass
class OperationInfo:
    index: int
    operation: object  # the django Operation instance
    description: str
    class_name: str
    owner: "MigrationInfo" = field(default=None, repr=False, compare=False)

    @property
    def line(self) -> int | None:
        return self.owner.lines[1][self.index]


@dataclass
class MigrationInfo:
    app_label: str
    name: str
    file: str | None  # relative to the project root where possible
    path: str | None  # absolute
    atomic: bool
    initial: bool | None
    dependencies: list[Key]
    replaces: list[Key]
    run_before: list[Key]
    operations: list[OperationInfo]
    migration: object = field(repr=False)  # the django Migration instance

    @property
    def key(self) -> Key:
        return (self.app_label, self.name)

    @cached_property
    def lines(self) -> tuple[int | None, list[int | None]]:
        """(line of ``class Migration``, line of each operation), read from the file when first
        asked: a pull request's check reports on a few migrations of thousands."""
        return operation_lines(self.path, [op.class_name for op in self.operations])

    @property
    def line(self) -> int | None:
        return self.lines[0]


@dataclass
class Graph:
    """The loaded graph plus everything migsafe needs to walk and report it."""

    loader: MigrationLoader
    migrations: dict[Key, MigrationInfo]
    plan: list[Key]  # the order `migrate` would apply everything, leaves sorted as Django does
    leaves: dict[str, list[str]]
    problems: list[Problem]
    skipped: dict[Key, str]  # migrations left out, with the reason

    def conflicts(self) -> dict[str, list[str]]:
        return {app: names for app, names in self.leaves.items() if len(names) > 1}

    def apps(self) -> list[str]:
        return sorted({app for app, _ in self.migrations})


Literal = tuple[tuple[int, str], ...]  # (line, called name) of each element of a literal list


@lru_cache(maxsize=None)
def _operation_lines(path: str) -> tuple[int | None, int | None, tuple[Literal, ...]]:
    """Line of ``class Migration``, of its ``operations`` assignment, and every literal list
    assigned to ``operations`` (in the class first, then anywhere, e.g. under an ``if``)."""
    try:
        tree = ast.parse(Path(path).read_bytes(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return None, None, ()
    class_line = assignment_line = None
    in_class: list[Literal] = []
    elsewhere: list[Literal] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "Migration" and class_line is None:
            class_line = node.lineno
            for stmt in node.body:
                found = _assigned_operations(stmt)
                if found is not None:
                    assignment_line = stmt.lineno
                    in_class.extend(found)
        elif not isinstance(node, ast.ClassDef):
            elsewhere.extend(_assigned_operations(node) or ())
    return class_line, assignment_line, tuple(in_class + elsewhere)


def _assigned_operations(node) -> list[Literal] | None:
    """For ``operations = ...``: its literal list (if it is one); None for other statements."""
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets, value = [node.target], node.value
    else:
        return None
    if not any(isinstance(t, ast.Name) and t.id == "operations" for t in targets):
        return None
    if not isinstance(value, (ast.List, ast.Tuple)):
        return []
    return [tuple((element.lineno, _called_name(element)) for element in value.elts)]


def _called_name(node) -> str:
    if isinstance(node, ast.Call):
        func = node.func
        return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return ""


def operation_lines(path: str | None, class_names: list[str]) -> tuple[int | None, list[int | None]]:
    """Lines of a migration's operations: from the literal list that has them (same count,
    same classes where they can be told), else the ``operations`` assignment."""
    count = len(class_names)
    if not path:
        return None, [None] * count
    class_line, assignment_line, literals = _operation_lines(path)
    same_count = [lines for lines in literals if len(lines) == count]
    for lines in same_count:
        if [name for _, name in lines] == class_names:
            return class_line, [line for line, _ in lines]
    if same_count:
        return class_line, [line for line, _ in same_count[0]]
    return class_line, [assignment_line or class_line] * count


class TolerantLoader(MigrationLoader):
    """A MigrationLoader that records broken migrations instead of raising."""

    def __init__(self, *args, relative=lambda p: p, **kwargs):
        self.problems: list[Problem] = []
        self.skipped: dict[Key, str] = {}
        self.paths: dict[Key, str] = {}
        self._relative = relative
        super().__init__(*args, **kwargs)

    def _problem(self, kind, message, path=None, line=None, key=None, hint=None):
        self.problems.append(
            Problem(
                kind=kind,
                message=message,
                file=self._relative(path) if path else None,
                line=line,
                app_label=key[0] if key else None,
                migration=key[1] if key else None,
                hint=hint,
            )
        )

    def load_disk(self):
        self.disk_migrations = {}
        self.unmigrated_apps = set()
        self.migrated_apps = set()
        for app_config in global_apps.get_app_configs():
            module_name, explicit = self.migrations_module(app_config.label)
            if module_name is None:
                self.unmigrated_apps.add(app_config.label)
                continue
            was_loaded = module_name in sys.modules
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if (explicit and self.ignore_no_migrations) or (
                    not explicit and MIGRATIONS_MODULE_NAME in (exc.name or "").split(".")
                ):
                    self.unmigrated_apps.add(app_config.label)
                    continue
                self._problem(
                    "migrations-package",
                    f"migrations package {module_name} of app {app_config.label!r} failed to import: "
                    f"{describe_exception(exc)}",
                    hint="install the missing package or fix MIGRATION_MODULES",
                )
                continue
            except Exception as exc:
                path = getattr(exc, "filename", None)
                self._problem(
                    "migrations-package",
                    f"migrations package {module_name} failed to import: {describe_exception(exc)}",
                    path,
                    getattr(exc, "lineno", None),
                )
                continue
            if not hasattr(module, "__path__") or (
                getattr(module, "__file__", None) is None and not isinstance(module.__path__, list)
            ):
                self.unmigrated_apps.add(app_config.label)
                continue
            if was_loaded:
                reload(module)
            self.migrated_apps.add(app_config.label)
            names = sorted(
                name
                for _, name, is_pkg in pkgutil.iter_modules(module.__path__)
                if not is_pkg and name[0] not in "_~"
            )
            for name in names:
                self._load_one(app_config.label, module_name, module, name)
        self._prune_unbuildable()

    def _load_one(self, app_label, package, module, name):
        key = (app_label, name)
        path = next(
            (str(Path(p) / f"{name}.py") for p in module.__path__ if (Path(p) / f"{name}.py").exists()),
            None,
        )
        try:
            migration_module = import_module(f"{package}.{name}")
        except Exception as exc:  # a user's file can raise anything at import time
            line = innermost_frame_in(exc, path) if path else None
            hint = None
            if isinstance(exc, SyntaxError):
                fix = ("save the file as UTF-8 (or declare its encoding on its first line: # -*- coding: latin-1 -*-)"
                       if "utf-8" in str(exc).lower() else "fix the syntax error")
                hint = f"{fix}; this migration and those depending on it were not analysed"
            elif isinstance(exc, ImportError):
                missing = getattr(exc, "name", None)
                hint = (
                    f"install {missing!r} in this environment (it is imported by the migration)"
                    if missing
                    else "install the project's requirements in this environment"
                )
            self._problem("migration-import", f"{app_label}.{name} failed to import: {describe_exception(exc)}",
                          path, line, key, hint)
            self.skipped[key] = "failed to import"
            return
        if not hasattr(migration_module, "Migration"):
            self._problem("migration-import", f"{app_label}.{name} has no Migration class", path, None, key,
                          "a module in a migrations package must define class Migration")
            self.skipped[key] = "no Migration class"
            return
        try:
            self.disk_migrations[key] = migration_module.Migration(name, app_label)
        except Exception as exc:
            self._problem("migration-import", f"{app_label}.{name}: Migration() failed: {describe_exception(exc)}",
                          path, innermost_frame_in(exc, path) if path else None, key)
            self.skipped[key] = "Migration() failed"
            return
        self.paths[key] = path

    # -- keeping the graph buildable -------------------------------------------------
    def _missing(self, key: Key, parent: Key, known: set[Key]) -> str | None:
        """Why Django's graph could not use PARENT as a dependency of KEY, or None if it can."""
        app, name = parent
        if name in ("__first__", "__latest__"):
            if app == key[0] or app in self.unmigrated_apps or app in self.migrated_apps:
                return None
            return f"depends on app {app!r}, which is not installed"
        if parent in known:
            return None
        what = "failed to load" if parent in self.skipped else "does not exist"
        return f"depends on {app}.{name}, which {what}"

    def _prune_unbuildable(self):
        """Drop migrations whose dependencies are missing or cyclic, and their dependants."""
        known = set(self.disk_migrations)
        for migration in self.disk_migrations.values():
            known.update(tuple(r) for r in migration.replaces or ())
        changed = True
        while changed:
            changed = False
            for key in sorted(self.disk_migrations):
                for parent in self.disk_migrations[key].dependencies:
                    reason = self._missing(key, tuple(parent), known)
                    if reason is None:
                        continue
                    path = self.paths.get(key)
                    self._problem(
                        "missing-dependency",
                        f"{key[0]}.{key[1]} {reason}",
                        path,
                        _dependency_line(path, tuple(parent)),
                        key,
                        "fix the dependency (see `migsafe graph`); this migration and its dependants "
                        "were not analysed",
                    )
                    self._drop(key, reason)
                    known.discard(key)
                    changed = True
                    break
            if not changed:
                changed = self._drop_cycles()
        self._drop_dangling_run_before()

    def _drop_dangling_run_before(self) -> None:
        """A run_before naming a migration that is not there is ignored (and reported): Django
        would fail the whole graph on it, though it only orders two migrations."""
        known = set(self.disk_migrations)
        for migration in self.disk_migrations.values():
            known.update(tuple(r) for r in migration.replaces or ())
        for key, migration in self.disk_migrations.items():
            kept = []
            for child in migration.run_before or ():
                if tuple(child) in known:
                    kept.append(child)
                    continue
                path = self.paths.get(key)
                what = "failed to load" if tuple(child) in self.skipped else "does not exist"
                self._problem(
                    "missing-dependency",
                    f"{key[0]}.{key[1]} must run before {child[0]}.{child[1]}, which {what}; the ordering was ignored",
                    path, _dependency_line(path, tuple(child)), key,
                    "fix or remove the run_before entry",
                )
            migration.run_before = kept

    def _drop(self, key: Key, reason: str):
        self.disk_migrations.pop(key, None)
        self.skipped[key] = reason

    def _drop_cycles(self) -> bool:
        graph = {
            key: [tuple(p) for p in m.dependencies if tuple(p) in self.disk_migrations]
            for key, m in self.disk_migrations.items()
        }
        for key, migration in self.disk_migrations.items():
            for child in migration.run_before or ():
                if tuple(child) in graph:
                    graph[tuple(child)].append(key)
        cycles = _cycles(graph)
        for cycle in cycles:
            names = " -> ".join(f"{a}.{n}" for a, n in cycle + [cycle[0]])
            first = cycle[0]
            self._problem("dependency-cycle", f"dependency cycle: {names}", self.paths.get(first), None, first,
                          "remove one of the dependencies; these migrations were not analysed")
            for key in cycle:
                self._drop(key, "part of a dependency cycle")
        return bool(cycles)


def _cycles(graph: dict[Key, list[Key]]) -> list[list[Key]]:
    """Strongly connected components with more than one node (or a self-loop), iteratively."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    item = stack.pop()
                    on_stack.discard(item)
                    component.append(item)
                    if item == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    result.append(sorted(component))
    return result


def _dependency_line(path: str | None, target: Key) -> int | None:
    """Line where the migration file names TARGET's migration."""
    if not path:
        return None
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for number, text in enumerate(lines, start=1):
        if target[1] in text and ("'" + target[1] in text or '"' + target[1] in text):
            return number
    return None


def load_graph(project) -> Graph:
    """Load every app's migrations (no connection) and compute the order `migrate` would use."""
    loader = TolerantLoader(None, ignore_no_migrations=True, relative=project.relative)
    graph = loader.graph
    plan: list[Key] = []
    seen: set[Key] = set()
    for leaf in sorted(graph.leaf_nodes()):
        for key in graph.forwards_plan(leaf):
            if key not in seen:
                seen.add(key)
                plan.append(key)
    migrations = {}
    for key in plan:
        migration = graph.nodes[key]
        path = loader.paths.get(key)
        info = MigrationInfo(
            app_label=key[0],
            name=key[1],
            file=project.relative(path),
            path=path,
            atomic=bool(migration.atomic),
            initial=migration.initial,
            dependencies=[tuple(d) for d in migration.dependencies],
            replaces=[tuple(r) for r in migration.replaces],
            run_before=[tuple(r) for r in migration.run_before],
            operations=[
                OperationInfo(index=i, operation=op, description=_describe(op), class_name=type(op).__name__)
                for i, op in enumerate(migration.operations)
            ],
            migration=migration,
        )
        for op in info.operations:
            op.owner = info
        migrations[key] = info
    leaves: dict[str, list[str]] = {}
    for app, name in sorted(graph.leaf_nodes()):
        leaves.setdefault(app, []).append(name)
    return Graph(
        loader=loader, migrations=migrations, plan=plan, leaves=leaves,
        problems=list(loader.problems), skipped=dict(loader.skipped),
    )


def _describe(operation) -> str:
    try:
        return operation.describe()
    except Exception as exc:  # third-party operations with broken describe()
        return f"{type(operation).__name__} (describe() failed: {describe_exception(exc)})"
