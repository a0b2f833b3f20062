"""Everything one review is written from, gathered once: the check, the rewrites `migsafe
fix` proposes, the models and the code's related-row loading."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from migsafe.report.models import Model, load_models
from migsafe.report.queries import Call, related_loading
from migsafe.report.rewrites import changes_by_migration
from migsafe.report.topics import INDEXING, QUERIES, code_rules_ran


@dataclass
class Review:
    path: str  # the project folder as the user named it (commands in the report use it)
    root: Path
    result: object  # migsafe.check.CheckResult
    graph: object
    changes: dict  # (app, migration) -> [FileChange] of its rewrite
    skipped: list  # migsafe.fix.Skipped
    models: list[Model]
    loading: list[Call]
    query_rules: bool  # a query rule ran (so "no N+1 finding" means something)
    index_rules: bool  # a rule looked for missing indexes in the code (else the models' inventory says it)
    today: date
    base: str  # the branch pull requests merge into, for the commands the report gives

    @property
    def active(self) -> list:
        return [f for f in self.result.findings if not f.suppressed]

    @property
    def blockers(self) -> list:
        return self.result.failing()

    @property
    def project_models(self) -> list[Model]:
        return [m for m in self.models if m.in_project]

    def model_of(self, table: str) -> Model | None:
        return next((m for m in self.models if m.table == table), None)

    def concrete(self, text: str, finding=None) -> str:
        """A rule's generic advice with this project's values in place of PATH, REF, <table>, <name>."""
        text = re.sub(r"\bPATH\b", self.path, text)
        text = re.sub(r"\bREF\b", self.base, text)
        statements = finding.facts.existing() if finding is not None and finding.facts is not None else []
        table = next((s.table for s in statements if s.table), None)
        name = next((s.name for s in statements if s.name), None)
        text = text.replace("<table>", table or "the table")
        return text.replace("<name>", name or "the index")

    def skipped_for(self, finding) -> list:
        where = finding.location
        return [s for s in self.skipped if (s.app_label, s.migration, s.operation_index, s.rule)
                == (where.app_label, where.migration, where.operation_index, finding.rule)]


def default_branch(root: Path) -> str:
    """The remote's default branch (origin/HEAD), as pull requests are based on it."""
    try:
        found = subprocess.run(["git", "symbolic-ref", "--short", "refs/remotes/origin/HEAD"], cwd=root,
                               capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        found = ""
    return found or "origin/main"


def gather(session, result, fix_plan, path: str, config, today: date, base: str | None = None) -> Review:
    """FIX_PLAN is None for a static result: without Django there are no rewrites nor models."""
    from migsafe.check import project_apps

    static = result.static is not None
    return Review(
        path=path,
        root=Path(session.project.root),
        result=result,
        graph=session.graph,
        changes={} if static else changes_by_migration(session.graph, fix_plan.changes),
        skipped=[] if static else list(fix_plan.skipped),
        models=[] if static else load_models(session.project, project_apps(session, config)),
        loading=related_loading(Path(session.project.root)),
        query_rules=code_rules_ran(config.ignore, QUERIES),
        index_rules=code_rules_ran(config.ignore, INDEXING),
        today=today,
        base=base or default_branch(Path(session.project.root)),
    )
