"""Apply a plan: check every file first, then write each atomically."""

from __future__ import annotations

from migsafe.errors import MigsafeError
from migsafe.resolve.model import ResolveResult
from migsafe.resolve.repo import Repo
from migsafe.files import ensure_parses, write_atomic


def apply(result: ResolveResult, repo: Repo) -> None:
    """Write RESULT's edits. Files it changes must be committed (so git can show and undo the
    change), and no rename may land on an existing file; otherwise nothing is written."""
    must_be_clean, in_the_way = [], []
    for edit in result.edits:
        if edit.old_path is not None:
            must_be_clean.append(edit.old_path)
            if edit.path.exists():
                in_the_way.append(edit.path)
        elif edit.path.exists():
            must_be_clean.append(edit.path)
    if in_the_way:
        names = ", ".join(str(result.relative(p)) for p in in_the_way)
        raise MigsafeError(f"cannot rename onto existing files: {names}; nothing was written",
                           hint="move those files away, then run resolve again")
    dirty = repo.dirty(must_be_clean)
    if dirty:
        raise MigsafeError(
            f"uncommitted changes in files resolve must rewrite: {', '.join(sorted(dirty))}; nothing was written",
            hint="commit or stash them first, so the rewrite can be reviewed and undone with git",
        )
    for edit in result.edits:
        ensure_parses(edit.path, edit.content)
    for edit in result.edits:
        write_atomic(edit.path, edit.content, mode_from=edit.old_path)
        result.written.append(str(result.relative(edit.path)))
        if edit.old_path is not None:
            edit.old_path.unlink()
            result.removed.append(str(result.relative(edit.old_path)))
    result.applied = True
