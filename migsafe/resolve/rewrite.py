"""Change migration references in place with libcst, write merge migrations, write files atomically.

Only the string literals naming a migration change; quotes, comments, spacing and line endings
of everything else stay byte for byte, so the diff a reviewer sees is the rename and nothing else.
"""

from __future__ import annotations

import os
import re
import tempfile
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


def ensure_parses(path: Path, content: bytes) -> None:
    """Never write a Python file that does not parse."""
    if path.suffix != ".py":
        return
    try:
        cst.parse_module(content)
        compile(content, str(path), "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError, ValueError) as exc:  # pragma: no cover - a bug if reached
        raise MigsafeError(f"internal error: the rewritten {path} would not parse ({exc}); nothing was written") from exc


def write_atomic(path: Path, content: bytes, mode_from: Path | None = None) -> None:
    """Write CONTENT to PATH through a temporary file and os.replace, so PATH is never half written."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".migsafe", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        source = mode_from if mode_from is not None and mode_from.exists() else (path if path.exists() else None)
        os.chmod(temporary, (source.stat().st_mode & 0o7777) if source else _default_mode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _default_mode() -> int:
    """0o666 less the umask, as a plain open() would create the file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
