"""Change migration references in place with libcst, and write merge migrations.

Only the string literals naming a migration change; quotes, comments, spacing and line endings
of everything else stay byte for byte, so the diff a reviewer sees is the rename and nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path

import libcst as cst

from migsafe.errors import MigsafeError
from migsafe.resolve.model import Key

ATTRIBUTES = ("dependencies", "run_before", "replaces")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_]+$")


class KeyRewriter(cst.CSTTransformer):
    """Rewrite ("app", "name") pairs inside ``dependencies``/``run_before``/``replaces`` lists.

    MAPPINGS maps an attribute name to {old key: new key}; pairs anywhere else are left alone.
    """

    def __init__(self, mappings: dict[str, dict[Key, Key]]):
        super().__init__()
        self.mappings = mappings
        self.stack: list[str | None] = []
        self.changed: list[tuple[str, Key, Key]] = []

    def _enter(self, targets) -> None:
        names = [t.value for t in targets if isinstance(t, cst.Name)]
        self.stack.append(next((n for n in names if n in self.mappings), None))

    def visit_Assign(self, node: cst.Assign) -> None:
        self._enter([t.target for t in node.targets])

    def leave_Assign(self, original, updated):
        self.stack.pop()
        return updated

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._enter([node.target])

    def leave_AnnAssign(self, original, updated):
        self.stack.pop()
        return updated

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._enter([node.target])

    def leave_AugAssign(self, original, updated):
        self.stack.pop()
        return updated

    def _pair(self, updated):
        attribute = self.stack[-1] if self.stack else None
        elements = updated.elements
        if attribute is None or len(elements) != 2:
            return updated
        strings = [e.value for e in elements]
        if not all(isinstance(s, cst.SimpleString) and isinstance(s.evaluated_value, str) for s in strings):
            return updated
        old = (strings[0].evaluated_value, strings[1].evaluated_value)
        new = self.mappings[attribute].get(old)
        if new is None or new == old:
            return updated
        replaced = [
            element if before == after else element.with_changes(value=_requote(element.value, after))
            for element, before, after in zip(elements, old, new)
        ]
        self.changed.append((attribute, old, new))
        return updated.with_changes(elements=replaced)

    def leave_Tuple(self, original, updated):
        return self._pair(updated)

    def leave_List(self, original, updated):
        return self._pair(updated)


def _requote(string: cst.SimpleString, value: str) -> cst.SimpleString:
    """VALUE in STRING's own prefix and quotes ('x', "x", r"x"...)."""
    if not _SAFE_NAME.match(value):
        raise MigsafeError(f"refusing to write the migration reference {value!r}: not a plain name")
    return string.with_changes(value=f"{string.prefix}{string.quote}{value}{string.quote}")


def rewrite_keys(source: bytes, mappings: dict[str, dict[Key, Key]], path: Path) -> tuple[bytes, list]:
    """SOURCE with the references in MAPPINGS changed, and the list of changes made."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise MigsafeError(f"{path}: cannot be parsed by libcst: {exc.message}") from exc
    rewriter = KeyRewriter({a: m for a, m in mappings.items() if m})
    new = module.visit(rewriter)
    return new.bytes, rewriter.changed


def merge_migration_source(app_label: str, name: str, leaves: list[str]) -> bytes:
    """The file `makemigrations --merge` writes: dependencies on both leaves, no operations."""
    from django.db import migrations
    from django.db.migrations.writer import MigrationWriter

    subclass = type("Migration", (migrations.Migration,), {"dependencies": [(app_label, leaf) for leaf in leaves]})
    return MigrationWriter(subclass(name, app_label), include_header=True).as_string().encode("utf-8")
