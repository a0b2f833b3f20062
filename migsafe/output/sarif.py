"""SARIF 2.1.0 for `migsafe check`: the format GitHub code scanning (and most CI dashboards)
read, so findings show inline on the pull request's diff.

Every rule is described once in the tool's driver (title, why, fix); each finding is a
result on its file and line, with the operation's lock facts as properties. Findings
silenced inline stay in the log as suppressed results; problems that stopped part of the
analysis are tool notifications.
"""

from __future__ import annotations

import hashlib
import json
from migsafe import __version__
from migsafe.output.github import repository_path, workspace

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_BASE = "%SRCROOT%"


def _rule(rule) -> dict:
    return {
        "id": rule.id,
        "name": rule.__name__,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": {
            "text": f"{rule.why}\n\nInstead: {rule.fix}",
            "markdown": f"**Why:** {rule.why}\n\n**Instead:** {rule.fix}\n\nMore: `migsafe explain {rule.id}`",
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["django", "migrations", "postgresql", rule.family]},
    }


def _location(project_root, file: str | None, line: int | None) -> list[dict]:
    if not file:
        return []
    physical: dict = {"artifactLocation": {"uri": repository_path(project_root, file), "uriBaseId": _BASE}}
    if line:
        physical["region"] = {"startLine": line}
    return [{"physicalLocation": physical}]


def _fingerprint(finding) -> str:
    """Stable across line moves: the rule, the operation it is about and the message."""
    where = finding.location
    key = "|".join(str(part) for part in (finding.rule, where.app_label, where.migration,
                                           where.operation_index, finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _result(finding, rule_index: dict, project_root) -> dict:
    where, facts = finding.location, finding.facts
    name = f"{where.app_label}.{where.migration}" if where.migration else where.app_label
    if where.operation:
        name += f" [{where.operation_index}] {where.operation}"
    result = {
        "ruleId": finding.rule,
        "level": LEVELS[finding.severity],
        "message": {"text": f"{name}: {finding.message}. Fix: {finding.suggestion}"},
        "locations": _location(project_root, where.file, where.line),
        "partialFingerprints": {"migsafeFinding/v1": _fingerprint(finding)},
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    if facts is not None:
        result["properties"] = {
            "locks": dict(sorted(facts.locks.items())),
            "lockMode": facts.lock_mode,
            "blocksReads": facts.blocks_reads,
            "blocksWrites": facts.blocks_writes,
            "rewritesTable": facts.rewrites_table,
            "scansTable": facts.scans_table,
            "dataLoss": facts.data_loss,
            "backwardIncompatible": facts.backward_incompatible,
            "sql": list(facts.sql),
        }
    if finding.suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.suppressed}]
    return result


def as_sarif(result, project_root) -> dict:
    """The SARIF log of one check run."""
    from migsafe.rules.registry import all_rules

    rules = all_rules()
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    notifications = [
        {
            "level": "warning",
            "message": {"text": problem.message + (f" (hint: {problem.hint})" if problem.hint else "")},
            "locations": _location(project_root, problem.file, problem.line),
            "descriptor": {"id": problem.kind},
        }
        for problem in result.problems
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "migsafe",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(rule) for rule in rules],
            }},
            "originalUriBaseIds": {_BASE: {"uri": workspace(project_root).as_uri() + "/"}},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "results": [_result(finding, rule_index, project_root) for finding in result.findings],
            "columnKind": "utf16CodeUnits",
            "properties": {"pgVersion": result.pg_version // 10000, "failOn": result.fail_on,
                           "failed": bool(result.failing())},
        }],
    }


def write(result, echo, project_root) -> None:
    echo(json.dumps(as_sarif(result, project_root), indent=2))
