"""`migsafe check`: render, classify, run the rules, and decide the exit status."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from migsafe.errors import MigsafeError, Problem
from migsafe.rules.registry import SEVERITIES, Finding, Location, all_rules
from migsafe.stats.thresholds import Thresholds

# Problems that graph rules turn into findings (and so are not repeated as problems).
_AS_FINDINGS = {"missing-dependency", "dependency-cycle"}

_SUPPRESS = re.compile(r"#\s*migsafe:\s*ignore\[([A-Za-z0-9_,\s]+)\]\s*(.*)$")


@dataclass
class Config:
    """[tool.migsafe] merged with command-line flags."""

    fail_on: str = "error"
    ignore: set[str] = field(default_factory=set)
    severity: dict[str, str] = field(default_factory=dict)
    exclude_apps: set[str] = field(default_factory=set)
    include_apps: set[str] = field(default_factory=set)  # apps outside PATH to check anyway
    lock_timeout: str = "5s"  # what `migsafe fix` guards brief ACCESS EXCLUSIVE locks with
    stats: Thresholds = field(default_factory=Thresholds)  # [tool.migsafe.stats], used with --stats

    @classmethod
    def from_table(cls, table: dict, fail_on: str | None = None) -> "Config":
        config = cls(
            fail_on=(fail_on or table.get("fail_on") or "error").lower(),
            ignore={str(r).upper() for r in table.get("ignore", [])},
            severity={str(k).upper(): str(v).lower() for k, v in table.get("severity", {}).items()},
            exclude_apps=set(table.get("exclude_apps", [])),
            include_apps=set(table.get("include_apps", [])),
            lock_timeout=str(table.get("lock_timeout", "5s")),
            stats=Thresholds.from_table(table.get("stats", {})),
        )
        if not re.fullmatch(r"\d+\s*(ms|s|min)?", config.lock_timeout):
            raise MigsafeError(f"[tool.migsafe]: lock_timeout {config.lock_timeout!r} is not a duration",
                               hint="write it as PostgreSQL does, e.g. \"5s\" or \"500ms\"")
        for value in [config.fail_on, *config.severity.values()]:
            if value not in SEVERITIES:
                raise MigsafeError(
                    f"[tool.migsafe]: unknown severity {value!r}", hint=f"use one of {', '.join(SEVERITIES)}"
                )
        return config


@dataclass
class GraphContext:
    """What graph rules look at: the graph, the migrations checked and their apps, and every
    app of the project (conflicts and model drift matter even where no migration changed)."""

    graph: object
    keys: set
    apps: set
    project_apps: set
    final_state: object = None  # the state the whole history builds, when the render walked it


class RuleContext:
    """What a rule may look at beyond one operation: its migration and the Django operation."""

    def __init__(self, migration, graph) -> None:
        self.migration = migration
        self._graph = graph

    def before(self, facts):
        return [f for f in self.migration.operations if f.operation_index < facts.operation_index]

    def operation(self, facts):
        info = self._graph.migrations[(facts.app_label, facts.migration)]
        return info.operations[facts.operation_index].operation


@dataclass
class CheckResult:
    pg_version: int
    mode: str
    operations: list  # Facts of the checked operations
    findings: list[Finding]
    problems: list[Problem]
    rules_by_operation: dict
    fail_on: str
    suppressions: list[dict]
    checked_migrations: int
    rendered: object = None  # the RenderResult (fixes read the SQL that ran before a migration)
    code: object = None  # the CodeContext of the code rules (fixes read the indexes they propose)
    static: dict | None = None  # set when the project could not be imported (see migsafe.static)
    stats: object = None  # the migsafe.stats.model.Stats applied (--stats / --stats-url)

    def failing(self) -> list[Finding]:
        threshold = SEVERITIES.index(self.fail_on)
        return [f for f in self.findings if not f.suppressed and SEVERITIES.index(f.severity) >= threshold]


def project_apps(session, config: Config) -> set:
    """Apps whose migrations live in the project (plus include_apps, minus exclude_apps)."""
    apps = {
        key[0] for key, info in session.graph.migrations.items()
        if session.project.contains(info.path) or key[0] in config.include_apps
    }
    return (apps | _broken_apps(session, config)) - config.exclude_apps


def checked_keys(session, config: Config, *, app=None, migration=None, only_keys=None) -> set:
    """Migrations to report: the project's own apps (not third-party ones), narrowed by flags."""
    graph, project = session.graph, session.project
    keys = set()
    for key, info in graph.migrations.items():
        label = key[0]
        if label in config.exclude_apps:
            continue
        if label not in config.include_apps and not project.contains(info.path):
            continue
        if app and label != app:
            continue
        if migration and not (key[1] == migration or key[1].startswith(migration)):
            continue
        if only_keys is not None and key not in only_keys:
            continue
        keys.add(key)
    return keys


def analyse(session, config: Config, *, base_ref: str | None = None, app: str | None = None,
            migration: str | None = None, stats=None) -> CheckResult:
    """What `check`, `fix`, `report` and the GitHub Action share: pick the migrations (the
    branch's own with BASE_REF, narrowed by APP and MIGRATION) and run every rule on them;
    with STATS (migsafe.stats.model.Stats), weigh the findings by production's tables."""
    only_keys = branch_new = code_files = None
    if base_ref:
        from migsafe.vcs import changed_files, changed_migrations

        only_keys, branch_new = changed_migrations(session, base_ref)
        code_files = changed_files(session.project.root, base_ref)[1]
    keys = checked_keys(session, config, app=app, migration=migration, only_keys=only_keys)
    result = run_check(session, config, keys, branch_new=branch_new, only_app=app,
                       code=migration is None, code_files=code_files)
    if stats is not None:
        from migsafe.stats.apply import apply_stats

        apply_stats(session, result, stats, config)
    return result


def run_check(session, config: Config, keys: set, *, branch_new: set | None = None,
              only_app: str | None = None, code: bool = True, code_files: set | None = None) -> CheckResult:
    """Render and classify the migrations KEYS and run every rule; with CODE, the code rules
    too (on the project's own apps, reporting only in CODE_FILES when given)."""
    from migsafe.analysis.classify import classify
    from migsafe.render import render

    result = render(session.graph, only=keys, branch_last=branch_new is not None)
    classification = classify(result, branch_new=branch_new)
    rules = [rule() for rule in all_rules() if rule.id not in config.ignore]
    findings: list[Finding] = []
    by_operation: dict = {}
    suppressions: list[dict] = []
    problems = [p for p in session.problems if p.kind not in _AS_FINDINGS] + list(result.problems)
    operations = []
    graph_context = GraphContext(
        session.graph, keys, {key[0] for key in keys} | _broken_apps(session, config),
        {only_app} if only_app else project_apps(session, config), result.final_state,
    )
    findings.extend(_run_graph_rules(session, config, rules, graph_context, problems, suppressions))
    code_context = None
    if code and any(rule.scope == "code" for rule in rules):
        code_context, found = _run_code_rules(session, config, rules, only_app, result, code_files, problems,
                                              suppressions)
        findings.extend(found)
    for migration in classification.migrations:
        if not migration.selected:
            continue
        context = RuleContext(migration, session.graph)
        info = session.graph.migrations[(migration.app_label, migration.name)]
        for facts in migration.operations:
            operations.append(facts)
            ids = by_operation.setdefault((facts.app_label, facts.migration, facts.operation_index), [])
            marks = _suppressions(info.path, facts.line, problems, facts)
            for rule in rules:
                if rule.scope != "operation":
                    continue
                for message, suggestion in dict.fromkeys(rule.check(facts, context)):
                    severity = config.severity.get(rule.id, rule.severity)
                    finding = Finding(rule.id, severity, message, suggestion, Location.of(facts), facts)
                    if rule.id in marks:
                        finding.suppressed = marks[rule.id]
                        suppressions.append({"rule": rule.id, "file": facts.file, "line": facts.line,
                                             "reason": marks[rule.id]})
                    findings.append(finding)
                    if rule.id not in ids:
                        ids.append(rule.id)
    return CheckResult(
        pg_version=result.pg_version,
        mode=result.mode,
        operations=operations,
        findings=findings,
        problems=problems,
        rules_by_operation=by_operation,
        fail_on=config.fail_on,
        suppressions=suppressions,
        checked_migrations=sum(1 for m in classification.migrations if m.selected),
        rendered=result,
        code=code_context,
    )


def _run_graph_rules(session, config, rules, context, problems, suppressions) -> list[Finding]:
    """The graph rules' findings, in a stable order (rules iterate sets of migrations)."""
    findings = []
    for rule in rules:
        if rule.scope != "graph":
            continue
        found = []
        for location, message, suggestion in rule.check_graph(context):
            finding = Finding(rule.id, config.severity.get(rule.id, rule.severity), message, suggestion, location)
            info = session.graph.migrations.get((location.app_label, location.migration))
            if info is not None and location.operation_index is not None:
                reason = _suppressions(info.path, location.line, problems, location).get(rule.id)
                if reason:
                    finding.suppressed = reason
                    suppressions.append({"rule": rule.id, "file": location.file, "line": location.line,
                                         "reason": reason})
            found.append(finding)
        found.sort(key=lambda f: (f.location.app_label, f.location.migration or "", f.location.line or 0,
                                  f.message))
        findings.extend(found)
    return findings


def _run_code_rules(session, config, rules, only_app, rendered, files, problems, suppressions):
    """The code rules' findings (suppressible on their line, like operation findings)."""
    from migsafe.code.context import CodeContext, code_apps

    context = CodeContext(session.project, code_apps(session.project, config.exclude_apps, only_app), rendered)
    findings = []
    for rule in rules:
        if rule.scope != "code":
            continue
        for location, message, suggestion in rule.check_code(context):
            path = session.project.root / location.file
            if files is not None and path.resolve() not in files:
                continue
            finding = Finding(rule.id, config.severity.get(rule.id, rule.severity), message, suggestion, location)
            reason = _suppressions(str(path), location.line, problems, location).get(rule.id)
            if reason:
                finding.suppressed = reason
                suppressions.append({"rule": rule.id, "file": location.file, "line": location.line, "reason": reason})
            findings.append(finding)
    problems.extend(context.problems)
    return context, findings


def _broken_apps(session, config: Config) -> set:
    """Project apps with graph problems: checked even when none of their migrations loaded."""
    return {
        p.app_label for p in session.problems
        if p.app_label and p.app_label not in config.exclude_apps and p.file and not p.file.startswith("/")
    }


def _suppressions(path: str | None, line: int | None, problems: list, facts) -> dict[str, str]:
    """Rule ids silenced by ``# migsafe: ignore[ID, ...] reason`` on the operation's line."""
    if not path or not line:
        return {}
    try:
        text = _lines(path)[line - 1]
    except IndexError:
        return {}
    match = _SUPPRESS.search(text)
    if not match:
        return {}
    reason = match.group(2).strip().removesuffix("#}").strip()  # a template's {# ... #} comment
    ids = [part.strip().upper() for part in match.group(1).split(",") if part.strip()]
    if not reason:
        problems.append(Problem(
            kind="suppression",
            message=f"`# migsafe: ignore[{', '.join(ids)}]` has no reason, so it is not applied",
            file=facts.file, line=line, app_label=facts.app_label, migration=facts.migration,
            hint="write why after the bracket: # migsafe: ignore[MS101] table has 20 rows",
        ))
        return {}
    return {rule_id: reason for rule_id in ids}


_LINES: dict[str, list[str]] = {}


def _lines(path: str) -> list[str]:
    if path not in _LINES:
        _LINES[path] = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    return _LINES[path]
