"""`migsafe fix`: rewrite migrations so that findings go away, as reviewable file changes.

Each fixer handles one or more rule ids and turns the findings of one migration into
``FileChange``s. Planning never touches the disk; ``apply`` writes the changes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FileChange:
    path: str  # absolute
    old_text: str | None  # None: a new file
    new_text: str
    rules: tuple[str, ...] = ()  # the findings it fixes (empty: a dependency repointed)

    @property
    def is_new(self) -> bool:
        return self.old_text is None


@dataclass
class Skipped:
    """A finding a fixer could not (safely) fix, and why."""

    rule: str
    app_label: str
    migration: str
    operation_index: int | None
    reason: str


@dataclass
class FixPlan:
    changes: list[FileChange] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


_FIXERS: list[type] = []


def register(cls):
    """A fixer: ``rules`` it fixes, the operation classes it knows (``operations``, None for
    any), ``opt_in`` when it only runs for an explicit --rule, and
    ``fix(context, info, index, findings) -> OperationFix | list[OperationFix] | str`` (a str
    says why not).

    A fixer with ``scope = "code"`` fixes findings of code rules, which point at the project's
    code rather than at a migration operation: ``fix_code(context, findings) ->
    (list[FileChange], list[Skipped])``, CONTEXT a CodeFixContext."""
    _FIXERS.append(cls)
    return cls


def fixers() -> list[type]:
    from migsafe.fix import (  # noqa: F401  (each registers itself)
        add_index, constraint_not_valid, index_concurrently, lock_timeout, runpython_reverse, sql_rewrite,
        two_phase_removal,
    )

    return list(_FIXERS)


def fixable_rules() -> set[str]:
    return {rule for fixer in fixers() for rule in fixer.rules if not fixer.opt_in}


@dataclass
class FixContext:
    """What fixers may read: the loaded graph, the SQL rendered so far, the configuration."""

    graph: object
    history: object  # migsafe.fix.history.History
    lock_timeout: str = "5s"
    _sources: dict = field(default_factory=dict)

    def source(self, path: str) -> str:
        """The file as it is on disk (fixers plan from it; the assembler applies to the planned text)."""
        if path not in self._sources:
            self._sources[path] = Path(path).read_text(encoding="utf-8")
        return self._sources[path]


@dataclass
class CodeFixContext:
    """What code fixers may read: the session, the check's code analysis, and the changes the
    migration fixers planned (new migrations included)."""

    session: object
    code: object  # migsafe.code.context.CodeContext
    planned: list


def plan(session, check_result, rules: set[str] | None = None, lock_timeout: str = "5s") -> FixPlan:
    """Ask the fixers about every fixable finding, then write each migration's changes once.

    Without RULES, opt-in fixers stay out; with RULES, only those rules are fixed.
    """
    from migsafe.fix.assemble import Assembler
    from migsafe.fix.history import History

    wanted = {r.upper() for r in rules} if rules is not None else None
    by_operation: dict[tuple, list] = {}
    for finding in check_result.findings:
        where = finding.location
        if finding.suppressed or where.migration is None or where.operation_index is None:
            continue
        if wanted is not None and finding.rule not in wanted:
            continue
        by_operation.setdefault((where.app_label, where.migration, where.operation_index), []).append(finding)
    context = FixContext(session.graph, History(check_result.rendered), lock_timeout)
    result = FixPlan()
    by_migration: dict[tuple, list] = {}
    for (app, name, index), findings in sorted(by_operation.items()):
        info = session.graph.migrations.get((app, name))
        if info is None or not info.path or index >= len(info.operations):
            continue
        class_name = info.operations[index].class_name
        for fixer in fixers():
            mine = [f for f in findings if f.rule in fixer.rules]
            if not mine or (fixer.opt_in and wanted is None):
                continue
            if fixer.operations is not None and class_name not in fixer.operations:
                continue
            outcome = fixer().fix(context, info, index, mine)
            if isinstance(outcome, str):
                result.skipped.extend(Skipped(f.rule, app, name, index, outcome) for f in _once(mine))
                findings = [f for f in findings if f not in mine]
            else:
                outcomes = outcome if isinstance(outcome, list) else [outcome]
                by_migration.setdefault((app, name), []).extend(outcomes)
                fixed = {rule for o in outcomes for rule in o.rules}
                findings = [f for f in findings if f.rule not in fixed]
        for finding in _once(findings):
            if finding.rule in fixable_rules():
                result.skipped.append(Skipped(finding.rule, app, name, index,
                                              f"no fix for {finding.rule} on {class_name}"))
    texts: dict[str, str] = {}
    originals: dict[str, str | None] = {}
    rules_of: dict[str, set[str]] = {}
    assembler = Assembler(session.graph, texts, lock_timeout)
    for key, fixes in sorted(by_migration.items()):
        changes, skipped = assembler.assemble(session.graph.migrations[key], _without_moved_guards(fixes))
        result.skipped.extend(skipped)
        for change in changes:
            originals.setdefault(change.path, change.old_text)
            texts[change.path] = change.new_text
            rules_of.setdefault(change.path, set()).update(change.rules)
    for path, text in texts.items():
        result.changes.append(FileChange(path, originals[path], text, tuple(sorted(rules_of[path]))))
    _plan_code(session, check_result, wanted, result)
    return result


def _plan_code(session, check_result, wanted, result: FixPlan) -> None:
    """Findings without a migration (code rules), for the fixers with scope "code"."""
    findings = [f for f in check_result.findings if f.location.migration is None and not f.suppressed
                and (wanted is None or f.rule in wanted)]
    for fixer in fixers():
        mine = [f for f in findings if f.rule in fixer.rules]
        if getattr(fixer, "scope", "operation") != "code" or not mine or (fixer.opt_in and wanted is None):
            continue
        changes, skipped = fixer().fix_code(CodeFixContext(session, check_result.code, list(result.changes)), mine)
        result.changes.extend(changes)
        result.skipped.extend(skipped)


def _once(findings):
    seen, out = set(), []
    for finding in findings:
        if finding.rule not in seen:
            seen.add(finding.rule)
            out.append(finding)
    return out


def _without_moved_guards(fixes):
    """A lock_timeout guard in front of an operation whose database work moves out goes with
    it (the follow-up migration sets its own)."""
    moved = {f.index for f in fixes if f.now == [] or f.phase_two}
    return [f for f in fixes if not (f.index in moved and (f.before or f.after) and f.now is None)]


def apply(changes: list[FileChange], force: bool = False) -> None:
    """Write the changes, each atomically and parsed first. Refuses before writing anything
    if a file changed since planning, or (unless FORCE) has uncommitted changes in git: the
    rewrite must be reviewable, and undoable, with git."""
    from migsafe.errors import MigsafeError
    from migsafe.files import ensure_parses, write_atomic
    from migsafe.vcs import uncommitted, work_tree

    existing = [Path(c.path) for c in changes if c.old_text is not None]
    top = work_tree(existing[0].parent) if existing else None
    if top is not None and not force:
        dirty = uncommitted(top, existing)
        if dirty:
            raise MigsafeError(
                f"uncommitted changes in files fix must rewrite: {', '.join(sorted(dirty))}; nothing was written",
                hint="commit or stash them first (or pass --force)",
            )

    for change in changes:
        path = Path(change.path)
        if change.old_text is None:
            if path.exists():
                raise MigsafeError(f"{path} already exists", hint="re-run migsafe fix")
        elif path.read_text(encoding="utf-8") != change.old_text:
            raise MigsafeError(f"{path} changed since the fix was planned", hint="re-run migsafe fix")
        ensure_parses(path, change.new_text.encode("utf-8"))
    for change in changes:
        path = Path(change.path)
        write_atomic(path, change.new_text.encode("utf-8"), path if path.exists() else None)


def unified_diff(changes: list[FileChange], root: str | Path | None = None) -> str:
    """One unified diff of every change (paths relative to ``root`` when given)."""
    out = []
    for change in changes:
        name = change.path
        if root is not None:
            try:
                name = str(Path(change.path).resolve().relative_to(Path(root).resolve()))
            except ValueError:
                pass
        old = [] if change.old_text is None else change.old_text.splitlines(keepends=True)
        new = change.new_text.splitlines(keepends=True)
        fromfile = "/dev/null" if change.old_text is None else f"a/{name}"
        for line in difflib.unified_diff(old, new, fromfile=fromfile, tofile=f"b/{name}"):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
