"""MS3xx: problems of the migration graph itself (checked once per run, not per operation)."""

from __future__ import annotations

import re

from migsafe.rules.registry import Location, Rule, register

_NUMBER = re.compile(r"^(\d+)")


def _where(context, key, line=None) -> Location:
    info = context.graph.migrations.get(key)
    file = info.file if info else None
    return Location(key[0], key[1], file, line or (info.line if info else None))


@register
class ConflictingLeaves(Rule):
    id = "MS301"
    severity = "error"
    family = "graph"
    scope = "graph"
    title = "App has more than one leaf migration"
    why = (
        "Two migrations depend on the same parent and nothing depends on them: `migrate` refuses with "
        "'Conflicting migrations detected', and a merge migration would order two schema changes nobody "
        "reviewed together."
    )
    fix = "Rebase the branch's migrations after the other leaf: `migsafe resolve PATH --base REF --write`."

    def check_graph(self, context):
        return [
            (_where(context, (app, leaves[-1])), f"{app} has {len(leaves)} leaves: {', '.join(leaves)}", self.fix)
            for app, leaves in context.graph.conflicts().items()
            if app in context.project_apps
        ]


@register
class MissingDependency(Rule):
    id = "MS302"
    severity = "error"
    family = "graph"
    scope = "graph"
    title = "Dependency on a migration that does not exist"
    why = "Django cannot build the graph: every command that loads migrations fails with NodeNotFoundError."
    fix = "Point the dependency at an existing migration (`migsafe graph` lists them), or restore the missing file."

    def check_graph(self, context):
        return _from_problems(context, "missing-dependency", self.fix)


@register
class DependencyCycle(Rule):
    id = "MS303"
    severity = "error"
    family = "graph"
    scope = "graph"
    title = "Dependency cycle"
    why = "Migrations that depend on each other can never be applied: Django raises CircularDependencyError."
    fix = "Remove one dependency of the cycle; split a migration if both really need part of the other."

    def check_graph(self, context):
        return _from_problems(context, "dependency-cycle", self.fix)


def _from_problems(context, kind, fix):
    return [
        (Location(p.app_label, p.migration, p.file, p.line), p.message, fix)
        for p in context.graph.problems
        if p.kind == kind and p.app_label in context.apps
    ]


@register
class PartialSquash(Rule):
    id = "MS304"
    severity = "warning"
    family = "graph"
    scope = "graph"
    title = "Squashed migration whose replaced migrations are only partly on disk"
    why = (
        "A database that applied some of the replaced migrations but not all cannot use the squashed "
        "one; with part of the replaced files deleted, Django can no longer migrate it."
    )
    fix = (
        "Keep every replaced migration until all databases have applied the squashed one, then delete "
        "them all and remove `replaces`."
    )

    def check_graph(self, context):
        loader = context.graph.loader
        found = []
        for key, migration in loader.replacements.items():
            if key[0] not in context.apps:
                continue
            replaced = [tuple(r) for r in migration.replaces]
            present = [r for r in replaced if r in loader.disk_migrations]
            if present and len(present) < len(replaced):
                missing = [n for _, n in replaced if (key[0], n) not in loader.disk_migrations]
                verb = "is" if len(missing) == 1 else "are"
                found.append((_where(context, key),
                              f"{key[1]} replaces {len(replaced)} migrations: {', '.join(missing)} {verb} gone, "
                              f"{len(present)} still on disk", self.fix))
        return found


@register
class Irreversible(Rule):
    id = "MS305"
    severity = "warning"
    family = "graph"
    scope = "graph"
    title = "Operation cannot be reversed"
    why = "Unapplying the migration stops with IrreversibleError: the deploy cannot be rolled back past it."
    fix = "Make the operation reversible (write its reverse) or split the irreversible part into its own migration."

    def check_graph(self, context):
        found = []
        for key in context.keys:
            info = context.graph.migrations[key]
            for op in info.operations:
                for inner, inside in _with_database_operations(op.operation):
                    name = type(inner).__name__
                    if not inside and name in ("RunPython", "RunSQL"):
                        continue  # MS402 / MS403 say it more precisely
                    if not getattr(inner, "reversible", True):
                        where = Location(key[0], key[1], info.file, op.line, op.index, op.description)
                        within = " inside SeparateDatabaseAndState" if inside else ""
                        found.append((where, f"{name} ({_describe(inner)}){within} cannot be unapplied", self.fix))
        return found


def _with_database_operations(operation, inside=False):
    """The operation and, for SeparateDatabaseAndState, the ones its database half runs."""
    yield operation, inside
    for inner in getattr(operation, "database_operations", None) or ():
        yield from _with_database_operations(inner, True)


def _describe(operation) -> str:
    try:
        return operation.describe()
    except Exception:  # a third-party operation's describe() may fail
        return type(operation).__name__


@register
class DuplicateNumber(Rule):
    id = "MS306"
    severity = "warning"
    family = "graph"
    scope = "graph"
    title = "Two migrations of an app share a number"
    why = (
        "Migration numbers are how people read the history; two 0042s usually mean two branches each "
        "added one, and their order was never reviewed."
    )
    fix = "Renumber the branch's migration after the other (`migsafe resolve --write` does it)."

    def check_graph(self, context):
        by_number: dict[tuple[str, str], list[str]] = {}
        replaced = {tuple(r) for m in context.graph.loader.replacements.values() for r in m.replaces}
        for app, name in context.graph.migrations:
            match = _NUMBER.match(name)
            if app in context.apps and match and (app, name) not in replaced:
                by_number.setdefault((app, match.group(1)), []).append(name)
        found = []
        for (app, number), names in sorted(by_number.items()):
            if len(names) > 1:
                found.append((_where(context, (app, sorted(names)[-1])),
                              f"{app} has {len(names)} migrations numbered {number}: {', '.join(sorted(names))}",
                              self.fix))
        return found


@register
class LateCrossAppDependency(Rule):
    id = "MS307"
    severity = "info"
    family = "graph"
    scope = "graph"
    title = "Depends on a later migration of another app than it needs"
    why = (
        "A dependency pins the order of two apps' histories. Depending on a later migration than the one "
        "that creates what is referenced forces that app further ahead, invites cycles and makes "
        "squashing harder."
    )
    fix = "Depend on the earliest migration that provides what the operations reference."

    def check_graph(self, context):
        found = []
        creators = _model_creators(context.graph)
        for key in context.keys:
            info = context.graph.migrations[key]
            if any(op.class_name in ("RunPython", "RunSQL") for op in info.operations):
                continue  # code may need anything of the other app
            referenced = _referenced_models(info)
            for dep_app, dep_name in info.dependencies:
                if dep_app == key[0] or dep_name in ("__first__", "__latest__"):
                    continue
                needed = [creators[m] for m in referenced if m[0] == dep_app and m in creators]
                if any(m[0] == dep_app and m not in creators for m in referenced):
                    continue  # something we cannot place: do not guess
                if not needed:
                    continue
                chain = _chain(context.graph, dep_app)
                if (dep_app, dep_name) not in chain:
                    continue
                latest_needed = max(needed, key=chain.index)
                if chain.index(latest_needed) < chain.index((dep_app, dep_name)):
                    found.append((_where(context, key),
                                  f"depends on {dep_app}.{dep_name} but only needs {dep_app}.{latest_needed[1]}",
                                  self.fix))
        return found


def _chain(graph, app):
    return [key for key in graph.plan if key[0] == app]


def _model_creators(graph) -> dict:
    """(app, model) and (app, model, field) -> the migration that creates it (the latest one
    for fields, which AlterField/AddField may change)."""
    creators = {}
    for key in graph.plan:
        for op in graph.migrations[key].operations:
            operation = op.operation
            if op.class_name == "CreateModel":
                creators.setdefault((key[0], operation.name_lower), key)
                for field_name, _ in operation.fields:
                    creators[(key[0], operation.name_lower, field_name)] = key
            elif op.class_name in ("AddField", "AlterField", "RenameField"):
                field_name = getattr(operation, "new_name", None) or operation.name
                creators[(key[0], operation.model_name_lower, field_name)] = key
    return creators


def _referenced_models(info) -> set:
    """Models of other apps the operations point at (relations and bases)."""
    found = set()

    def add(reference):
        if isinstance(reference, str) and "." in reference:
            app, _, name = reference.partition(".")
            found.add((app, name.lower()))

    for op in info.operations:
        operation = op.operation
        fields = list(getattr(operation, "fields", []) or [])
        if getattr(operation, "field", None) is not None:
            fields.append(("", operation.field))
        for _, field in fields:
            remote = getattr(field, "remote_field", None)
            if remote is None:
                continue
            add(remote.model if isinstance(remote.model, str) else None)
            add(getattr(remote, "through", None) if isinstance(getattr(remote, "through", None), str) else None)
            target = remote.model if isinstance(remote.model, str) and "." in remote.model else None
            for to_field in getattr(field, "to_fields", ()) or ():
                if to_field and target:
                    app, _, model = target.partition(".")
                    found.add((app, model.lower(), to_field))
        for base in getattr(operation, "bases", ()) or ():
            add(base)
    return found


def _questioner(apps):
    """A questioner that answers the autodetector without asking, logging or exiting:
    migsafe only needs to know that a change exists, not the default a migration would use."""
    from django.db.migrations.questioner import MigrationQuestioner

    class SilentQuestioner(MigrationQuestioner):
        def ask_not_null_addition(self, field_name, model_name):
            return None

        def ask_not_null_alteration(self, field_name, model_name):
            return None

        def ask_auto_now_add_addition(self, field_name, model_name):
            return None

        def ask_unique_callable_default_addition(self, field_name, model_name):
            return None

    return SilentQuestioner(specified_apps=apps, dry_run=True)


@register
class ModelsDifferFromMigrations(Rule):
    id = "MS308"
    severity = "error"
    family = "graph"
    scope = "graph"
    title = "Models have changes that no migration records"
    why = (
        "The code's models and the state the migrations build differ: the database will not match what "
        "the code expects, and the next `makemigrations` will pick up someone else's change."
    )
    fix = "Run `manage.py makemigrations` and commit the migration (this is `makemigrations --check`)."

    def check_graph(self, context):
        from django.apps import apps as global_apps
        from django.db.migrations.autodetector import MigrationAutodetector
        from django.db.migrations.state import ProjectState
        from django.utils import translation

        graph = context.graph
        apps = set(context.project_apps)
        if not apps or any(p.app_label in apps for p in graph.problems):
            return []  # nothing to compare, or a broken migration: the built state is not known
        loader = graph.loader
        built = context.final_state or loader.project_state()  # the render's, when it walked everything
        # As makemigrations (@no_translations): lazy verbose names compare as written, not as
        # the active language's translation ("Basket" is "Cart" in django-oscar's en_US).
        with translation.override(None):
            autodetector = MigrationAutodetector(built, ProjectState.from_apps(global_apps), _questioner(apps))
            changes = autodetector.changes(graph=loader.graph, trim_to_apps=apps)
        found = []
        for app, migrations in sorted(changes.items()):
            described = "; ".join(op.describe() for m in migrations for op in m.operations)
            leaf = graph.leaves.get(app, [None])[-1]
            key = (app, leaf) if leaf else None
            where = _where(context, key) if key else Location(app, None, None, None)
            found.append((where, f"{app}: models differ from migrations: {described}", self.fix))
        return found
