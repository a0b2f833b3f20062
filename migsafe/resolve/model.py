"""The resolver's data: migrations read statically, the plan it makes, and what it wrote."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

Key = tuple[str, str]
# What an operation touches: ("model", app, model), ("field", app, model, field),
# ("index" | "constraint" | "option", app, model, name). Model and field names are lower-cased.
Target = tuple[str, ...]

BRANCH = "branch"
BASE = "base"


@dataclass(frozen=True)
class Effect:
    """One thing an operation does to one target of the project state.

    verb: "create", "delete", "rename" (the old name goes away), "alter", or "ref" (needs the
    target to exist as it is: an FK to a model, an index on a field).
    """

    verb: str
    target: Target
    new_name: str | None = None  # for "rename"; also set on the "create" of the new name


@dataclass
class StaticOperation:
    index: int
    class_name: str
    description: str  # worded as Django's describe()
    effects: tuple[Effect, ...]
    line: int | None = None


@dataclass
class MigrationSource:
    """A migration file read without importing it, from the work tree or from a git blob."""

    app_label: str
    name: str
    path: Path  # where it is (work tree) or would be (REF's tree, in this checkout)
    side: str  # BRANCH or BASE
    dependencies: list[Key]
    replaces: list[Key]
    run_before: list[Key]
    operations: list[StaticOperation]
    source: bytes = field(default=b"", repr=False)

    @property
    def key(self) -> Key:
        return (self.app_label, self.name)


@dataclass
class Rename:
    app: str
    old: str
    new: str
    old_path: Path
    new_path: Path


@dataclass
class Rewrite:
    """One migration reference changed inside a file (dependencies, run_before or replaces)."""

    migration: Key  # the migration whose file changes, by its final name
    path: Path  # the file, by its final path
    attribute: str
    old: Key
    new: Key


@dataclass
class AppPlan:
    app: str
    directory: Path
    base: list[str]  # migrations REF added since the merge-base
    branch: list[str]  # migrations this branch added
    base_leaf: str | None = None
    branch_leaf: str | None = None
    action: str = "none"  # "none" | "rebase" | "merge" | "refused"
    note: str = ""  # why nothing is needed
    renames: list[Rename] = field(default_factory=list)
    merge: str | None = None
    max_migration: tuple[str, str] | None = None  # (old leaf, new leaf) of max_migration.txt


@dataclass
class OperationRef:
    side: str
    side_label: str  # "this branch" or the REF as given
    app_label: str
    migration: str
    operation_index: int
    operation: str
    file: str | None
    line: int | None = None

    def as_dict(self) -> dict:
        return {
            "side": self.side,
            "app": self.app_label,
            "migration": self.migration,
            "operation_index": self.operation_index,
            "operation": self.operation,
            "file": self.file,
            "line": self.line,
        }


@dataclass
class Refusal:
    app: str
    ours: OperationRef
    theirs: OperationRef
    reason: str

    def as_dict(self) -> dict:
        return {"app": self.app, "ours": self.ours.as_dict(), "theirs": self.theirs.as_dict(),
                "reason": self.reason}


@dataclass
class FileEdit:
    """A file the plan creates or rewrites; OLD_PATH is removed once NEW content is in place."""

    path: Path
    content: bytes
    old_path: Path | None = None


@dataclass
class ResolveResult:
    strategy: str
    ref: str
    merge_base: str
    apps: dict[str, AppPlan]
    rewrites: list[Rewrite] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    edits: list[FileEdit] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    applied: bool = False
    relative: object = field(default=str, repr=False)  # path -> how users see it

    @property
    def exit_code(self) -> int:
        """1 when refused (nothing written), else 0; usage errors raise MigsafeError (exit 2)."""
        return 1 if self.refusals else 0
