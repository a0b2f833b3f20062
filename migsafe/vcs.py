"""Git: which migrations a branch added or changed since its merge-base with REF."""

from __future__ import annotations

import subprocess
from pathlib import Path

from migsafe.errors import MigsafeError


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise MigsafeError("--base needs git, which is not installed") from exc
    if result.returncode != 0:
        raise MigsafeError(f"git {' '.join(args)} failed: {result.stderr.strip()}",
                           hint="run inside a git checkout with REF fetched (fetch-depth: 0 in CI)")
    return result.stdout


def uncommitted(top: Path, paths: list[Path]) -> list[str]:
    """Which of PATHS (in the work tree at TOP) have changes git could not give back:
    modified, staged or untracked."""
    if not paths:
        return []
    specs = [str(Path(p).resolve().relative_to(top)) for p in paths]
    out = _git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *specs)
    entries, dirty = iter(out.split("\0")), []
    for entry in entries:
        if len(entry) > 3:
            dirty.append(entry[3:])
            if "R" in entry[:2] or "C" in entry[:2]:
                next(entries, None)  # the rename's source path follows
    return dirty


def work_tree(root: Path) -> Path | None:
    """The top of the git work tree holding ROOT (None outside one, or without git)."""
    try:
        result = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return Path(result.stdout.strip()).resolve() if result.returncode == 0 else None


def changed_files(root: Path, base_ref: str) -> tuple[set[Path], set[Path]]:
    """(added, changed) files since the merge-base of HEAD and BASE_REF, work tree included."""
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    base = _git(root, "merge-base", "HEAD", base_ref).strip()
    added: set[Path] = set()
    changed: set[Path] = set()
    for line in _git(root, "diff", "--name-status", "--no-renames", base, "--").splitlines():
        status, _, name = line.partition("\t")
        (added if status.startswith("A") else changed).add((top / name).resolve())
    for name in _git(root, "ls-files", "--others", "--exclude-standard").splitlines():
        added.add((root / name).resolve())
    return added, changed | added


def changed_migrations(session, base_ref: str) -> tuple[set, set]:
    """(migrations to check, migrations new on the branch) as graph keys."""
    added, changed = changed_files(session.project.root, base_ref)
    check, new = set(), set()
    for key, info in session.graph.migrations.items():
        if not info.path:
            continue
        path = Path(info.path).resolve()
        if path in changed:
            check.add(key)
        if path in added:
            new.add(key)
    return check, new
