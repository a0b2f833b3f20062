"""What `migsafe fix` would write, cut per migration: the diff a reviewer reads next to the
finding it removes. Planning only; nothing is written."""

from __future__ import annotations

import re
from pathlib import Path

from migsafe.fix import FileChange, unified_diff


def _depends_on(text: str, key: tuple[str, str]) -> bool:
    app, name = (re.escape(part) for part in key)
    return re.search(rf"""\(\s*["']{app}["']\s*,\s*["']{name}["']\s*\)""", text) is not None


def changes_by_migration(graph, changes: list[FileChange]) -> dict[tuple[str, str], list[FileChange]]:
    """Each migration's own rewritten file plus the follow-up migrations that depend on it
    (dependency rewiring in other files belongs to no migration)."""
    by_path = {Path(c.path).resolve(): c for c in changes if not c.is_new}
    new = [c for c in changes if c.is_new]
    out: dict[tuple[str, str], list[FileChange]] = {}
    for key, info in graph.migrations.items():
        if not info.path:
            continue
        mine = [by_path[p]] if (p := Path(info.path).resolve()) in by_path else []
        mine += [c for c in new if _depends_on(c.new_text, key)]
        if mine:
            out[key] = mine
    return out


def rewrite_diffs(session, result, lock_timeout) -> dict[tuple[str, str], str]:
    """The diff `migsafe fix` proposes for each migration of RESULT; none for a static result
    (the project could not be imported, so there is no state to rewrite from)."""
    if result.static:
        return {}
    from migsafe.fix import plan

    fixes = plan(session, result, None, lock_timeout)
    return diffs_by_migration(session.graph, fixes.changes, session.project.root)


def diffs_by_migration(graph, changes: list[FileChange], root) -> dict[tuple[str, str], str]:
    """The unified diff of each migration's rewrite, paths relative to ROOT."""
    return {key: unified_diff(mine, root=root) for key, mine in changes_by_migration(graph, changes).items()}
