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


_FIXERS: dict[str, type] = {}


def register(cls):
    for rule_id in cls.rules:
        _FIXERS[rule_id] = cls
    return cls


def fixers() -> dict[str, type]:
    from migsafe.fix import index_concurrently  # noqa: F401  (registers)

    return dict(_FIXERS)


def fixable_rules() -> set[str]:
    return set(fixers())


def plan(session, findings, rules: set[str] | None = None) -> FixPlan:
    """Group the fixable findings by fixer and migration and ask each fixer for changes.

    Changes to the same file by several fixers are applied in turn on the text so far.
    """
    registry = fixers()
    wanted = {r.upper() for r in rules} if rules is not None else set(registry)
    groups: dict[type, dict[tuple, list]] = {}
    for finding in findings:
        if finding.suppressed or finding.rule not in wanted or finding.rule not in registry:
            continue
        where = finding.location
        if where.migration is None or where.operation_index is None:
            continue
        groups.setdefault(registry[finding.rule], {}).setdefault((where.app_label, where.migration), []).append(finding)
    result = FixPlan()
    texts: dict[str, str | None] = {}  # path -> current planned text (None: new, not yet planned)
    originals: dict[str, str | None] = {}
    for fixer_cls in sorted(groups, key=lambda c: c.__name__):
        fixer = fixer_cls(session, texts)
        for key, group in sorted(groups[fixer_cls].items()):
            changes, skipped = fixer.fix(key, group)
            result.skipped.extend(skipped)
            for change in changes:
                originals.setdefault(change.path, change.old_text)
                texts[change.path] = change.new_text
    for path, text in texts.items():
        result.changes.append(FileChange(path, originals[path], text))
    return result


def apply(changes: list[FileChange]) -> None:
    """Write the changes, each atomically and parsed first; refuses before writing anything
    if a file changed since planning."""
    from migsafe.errors import MigsafeError
    from migsafe.files import ensure_parses, write_atomic

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
