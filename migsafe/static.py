"""`check`, `report` and the GitHub Action without importing the project: what the
migration files say literally.

When the project cannot be imported (its settings raise, a dependency is not installed in
the CI job), Django cannot load the graph nor render any SQL. The files can still be read:
an AddIndex on a model an earlier migration created blocks writes, a RemoveField drops data,
a RunPython without reverse cannot be unapplied. Those checks run on the literal
operations; every check that needs Django's SQL is listed as skipped, with the reason.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from migsafe.errors import Problem
from migsafe.resolve.parse import bind, called, is_migration_file

_SKIP_DIRS = {".git", ".hg", "node_modules", "__pycache__", ".venv", "venv", "env", ".tox", "site-packages",
              "build", "dist"}
_INDEX_CLASSES = {"AddIndex", "AlterIndexTogether", "AlterUniqueTogether"}

# What the static reading can decide, and what it cannot (for the banner).
STATIC_RULES = ("MS103", "MS104", "MS105", "MS108", "MS201", "MS202", "MS203", "MS301", "MS302", "MS402", "MS403")
SKIPPED = (
    "SQL rendering and everything read from it: table rewrites and scans (MS101, MS102), locks of "
    "field changes, lock_timeout (MS106, MS107, MS109), NOT NULL and type changes (MS204-MS206), "
    "data migrations' SQL (MS401, MS404-MS406), cross-app and model checks (MS303-MS308)"
)


@dataclass
class StaticFinding:
    rule: str
    app_label: str
    migration: str
    file: str
    line: int | None
    operation_index: int | None
    operation: str | None
    message: str


def migration_files(root: Path):
    """(app_label, name, path) of every migration file under ROOT, without following symlinks
    out of it (or around in loops)."""
    root = root.resolve()
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        here = Path(folder)
        if here.name != "migrations" or "__init__.py" not in files:
            continue
        for name in sorted(files):
            if is_migration_file(name) and name != "__init__.py":
                yield here.parent.name, name[:-3], here / name


def _literal(node):
    try:
        return ast.literal_eval(node) if node is not None else None
    except ValueError:
        return ...  # not a literal


@dataclass
class _Migration:
    app_label: str
    name: str
    path: Path
    atomic: bool
    dependencies: list
    operations: list  # (index, class name, args, line)


def _read(app_label: str, name: str, path: Path, problems: list, root: Path) -> _Migration | None:
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (SyntaxError, ValueError) as exc:
        problems.append(Problem("syntax", f"{_rel(path, root)}:{getattr(exc, 'lineno', '?')}: cannot be parsed: "
                                          f"{getattr(exc, 'msg', exc)}", file=_rel(path, root),
                                line=getattr(exc, "lineno", None), app_label=app_label, migration=name))
        return None
    except OSError as exc:
        problems.append(Problem("unreadable", f"{_rel(path, root)}: {exc.strerror}", file=_rel(path, root)))
        return None
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Migration"), None)
    if cls is None:
        return None
    attrs = {t.id: stmt.value for stmt in cls.body if isinstance(stmt, ast.Assign)
             for t in stmt.targets if isinstance(t, ast.Name)}
    deps = _literal(attrs.get("dependencies"))
    operations = []
    value = attrs.get("operations")
    for index, node in enumerate(value.elts if isinstance(value, (ast.List, ast.Tuple)) else []):
        class_name = called(node) or "?"
        operations.append((index, class_name, bind(class_name, node) if isinstance(node, ast.Call) else {},
                           getattr(node, "lineno", None)))
    return _Migration(app_label, name, path, _literal(attrs.get("atomic")) is not False,
                      [tuple(d) for d in deps if isinstance(d, (list, tuple)) and len(d) == 2]
                      if isinstance(deps, (list, tuple)) else [], operations)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def static_check(root: Path) -> tuple[list[StaticFinding], list[Problem], int, int]:
    """(findings, problems, migrations read, operations read) for the project at ROOT."""
    problems: list[Problem] = []
    migrations = [m for app, name, path in migration_files(root)
                  if (m := _read(app, name, path, problems, root)) is not None]
    findings: list[StaticFinding] = []
    for migration in migrations:
        here: set[tuple[str, str]] = set()
        for index, class_name, args, line in migration.operations:
            def found(rule, message):
                findings.append(StaticFinding(rule, migration.app_label, migration.name,
                                              _rel(migration.path, root), line, index, class_name, message))

            model = _literal(args.get("model_name") if "model_name" in args else args.get("name"))
            key = (migration.app_label, model.lower()) if isinstance(model, str) else None
            existing = key is not None and key not in here
            if class_name == "CreateModel" and key:
                here.add(key)
            elif class_name in _INDEX_CLASSES and existing and _literal(
                    args.get("index_together", args.get("unique_together", args.get("index")))) not in (set(), ()):
                found("MS103", f"builds an index on {model}, a table created by an earlier migration, "
                               "while writes are blocked")
            elif class_name == "RemoveIndex" and existing:
                found("MS104", f"drops an index of {model} without CONCURRENTLY")
            elif class_name == "AddConstraint" and existing and called(args.get("constraint")) == "CheckConstraint":
                found("MS105", f"adds a CHECK constraint to {model} and validates every row while blocking writes")
            elif class_name in ("AddIndexConcurrently", "RemoveIndexConcurrently") and migration.atomic:
                found("MS108", "runs a CONCURRENTLY operation in an atomic migration: it fails")
            elif class_name == "RemoveField":
                found("MS201", f"drops column {model}.{_literal(args.get('name'))} and its data")
            elif class_name == "DeleteModel":
                found("MS202", f"drops the table of {model} and all its rows")
            elif class_name in ("RenameField", "RenameModel", "AlterModelTable"):
                found("MS203", f"renames {'a column of ' + model if class_name == 'RenameField' else 'a table'} "
                               "under running code")
            elif class_name == "RunPython" and args.get("reverse_code") is None:
                found("MS402", "RunPython without reverse_code: the migration cannot be unapplied")
            elif class_name == "RunSQL" and args.get("reverse_sql") is None:
                found("MS403", "RunSQL without reverse_sql: the migration cannot be unapplied")
    findings += _graph_findings(migrations, root)
    return findings, problems, len(migrations), sum(len(m.operations) for m in migrations)


def _graph_findings(migrations: list[_Migration], root: Path) -> list[StaticFinding]:
    by_app: dict[str, dict[str, _Migration]] = {}
    for migration in migrations:
        by_app.setdefault(migration.app_label, {})[migration.name] = migration
    findings = []
    for app, names in sorted(by_app.items()):
        parents = {dep[1] for m in names.values() for dep in m.dependencies if dep[0] == app}
        broken = {n for n, m in names.items() if any(d[0] == app and d[1] not in names for d in m.dependencies)}
        leaves = sorted(n for n in names if n not in parents and n not in broken)  # MS302 says the rest
        if len(leaves) > 1:
            first = names[leaves[-1]]
            findings.append(StaticFinding("MS301", app, first.name, _rel(first.path, root), None, None, None,
                                          f"{app} has {len(leaves)} leaves: {', '.join(leaves)}"))
        for migration in names.values():
            for dep_app, dep_name in migration.dependencies:
                if dep_app in by_app and dep_name not in by_app[dep_app] and dep_name != "__first__":
                    findings.append(StaticFinding(
                        "MS302", app, migration.name, _rel(migration.path, root), None, None, None,
                        f"depends on {dep_app}.{dep_name}, which does not exist"))
    return findings


def fallback(root: Path, error, fail_on: str | None = None):
    """What `check`, `report` and the GitHub Action do when ERROR (a ProjectImportError) stops
    the project from being imported: read its migration files. Returns (config, the static
    CheckResult, a stand-in for the session: the project root, and no graph)."""
    from migsafe.check import Config
    from migsafe.project import read_tool_config

    root = root.resolve()
    config = Config.from_table(read_tool_config(root), fail_on)
    result = static_result(root, config, error.message, error.hint)
    return config, result, SimpleNamespace(project=SimpleNamespace(root=root), graph=None)


def banner(static: dict) -> list[str]:
    """Why only the migration files were read, what to do about it, and which checks ran and
    which were skipped: for stderr, the review and the pull-request summary."""
    lines = ["the project could not be imported, so only its migration files were read (no SQL rendered): "
             + static["reason"]]
    if static.get("hint"):
        lines.append(f"to check everything: {static['hint']}")
    return lines + [f"static checks: {', '.join(static['rules'])}; skipped: {static['skipped']}"]


def static_result(root: Path, config, reason: str, hint: str | None = None):
    """A CheckResult from the static reading (rules' severities, ignores and inline
    suppressions applied as in a normal check)."""
    from migsafe.check import CheckResult, _suppressions
    from migsafe.rules.registry import Finding, Location, all_rules

    rules = {rule.id: rule for rule in all_rules()}
    found, problems, migrations, operations = static_check(root)
    findings, suppressions = [], []
    for item in found:
        if item.rule in config.ignore or item.app_label in config.exclude_apps:
            continue
        rule = rules[item.rule]
        where = Location(item.app_label, item.migration, item.file, item.line, item.operation_index, item.operation)
        finding = Finding(item.rule, config.severity.get(item.rule, rule.severity), item.message, rule.fix, where)
        reason_given = _suppressions(str(root / item.file), item.line, problems, where).get(item.rule) \
            if item.line else None
        if reason_given:
            finding.suppressed = reason_given
            suppressions.append({"rule": item.rule, "file": item.file, "line": item.line, "reason": reason_given})
        findings.append(finding)
    return CheckResult(
        pg_version=0, mode="static", operations=[], findings=findings, problems=problems,
        rules_by_operation={}, fail_on=config.fail_on, suppressions=suppressions, checked_migrations=migrations,
        static={"reason": reason, "hint": hint, "rules": list(STATIC_RULES), "skipped": SKIPPED,
                "operations": operations},
    )
