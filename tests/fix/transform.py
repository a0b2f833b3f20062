"""Run one fixer on one migration file, without a project: input and output side by side."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import libcst as cst

from migsafe.fix import FixContext
from migsafe.fix.assemble import Assembler
from migsafe.fix.cst import called_name, class_assignment, migration_class


def _loaded_operations(text: str) -> list:
    """The migration's operation objects (what a loaded graph would hold)."""
    namespace: dict = {}
    exec(compile(text, "migration.py", "exec"), namespace)  # noqa: S102 (test fixtures)
    return namespace["Migration"].operations


def run_fixer(fixer_cls, path: Path, indices: list[int], *, app="app", atomic=True, lock_timeout="5s"):
    """(new text of PATH, {name: text} of new migrations) after FIXER_CLS fixed INDICES."""
    text = path.read_text()
    calls = class_assignment(migration_class(cst.parse_module(text)), "operations")[1].value.elements
    operations = [SimpleNamespace(class_name=called_name(e.value), operation=operation)
                  for e, operation in zip(calls, _loaded_operations(text))]
    info = SimpleNamespace(app_label=app, name=path.stem, path=str(path), file=path.name, key=(app, path.stem), dependencies=[],
                           atomic=atomic, operations=operations)
    graph = SimpleNamespace(migrations={info.key: info})
    context = FixContext(graph, history=None, lock_timeout=lock_timeout)
    findings = [SimpleNamespace(rule=fixer_cls.rules[0], facts=None)]
    fixes = []
    for index in indices:
        outcome = fixer_cls().fix(context, info, index, findings)
        assert not isinstance(outcome, str), outcome
        fixes += outcome if isinstance(outcome, list) else [outcome]
    changes, skipped = Assembler(graph, {}, lock_timeout).assemble(info, fixes)
    assert not skipped, skipped
    new = {Path(c.path).name: c.new_text for c in changes if c.is_new}
    return next(c.new_text for c in changes if not c.is_new), new
