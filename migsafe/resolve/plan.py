"""Plan the resolution: which migrations each side added, and how to make one history of them.

The branch's side is the work tree; REF's side is read from git. Both are parsed statically,
because after a rebase the branch's files depend on REF migrations that are not checked out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from migsafe.errors import MigsafeError
from migsafe.resolve.commute import find_refusals
from migsafe.resolve.model import (
    BASE, BRANCH, AppPlan, FileEdit, Key, MigrationSource, Rename, ResolveResult, Rewrite,
)
from migsafe.resolve.parse import is_migration_file, parse_migration
from migsafe.resolve.repo import Repo
from migsafe.resolve.rewrite import ATTRIBUTES, merge_migration_source, rewrite_keys

STRATEGIES = ("rebase", "merge")
MAX_MIGRATION = "max_migration.txt"  # django-linear-migrations: the app's leaf, one name
_SPECIAL = ("__first__", "__latest__")
_NUMBER = re.compile(r"^(\d+)(.*)$")


@dataclass
class Sides:
    """Both sides' new migrations per app, and REF's whole migrations folder where it changed."""

    directories: dict[str, Path]
    ours: dict[str, list[MigrationSource]] = field(default_factory=dict)
    theirs: dict[str, list[MigrationSource]] = field(default_factory=dict)
    ref_nodes: dict[str, dict[str, MigrationSource]] = field(default_factory=dict)


def number(name: str) -> int | None:
    match = _NUMBER.match(name)
    return int(match.group(1)) if match else None


def renumbered(name: str, value: int) -> str:
    """NAME with its number replaced by VALUE, zero-padded as before (0042_add_x -> 0044_add_x)."""
    digits, rest = _NUMBER.match(name).groups()
    return f"{value:0{len(digits)}d}{rest}"


# -- collecting both sides ---------------------------------------------------------------
def migration_directories(session, top: Path) -> dict[str, Path]:
    """{app label: migrations folder} for the project's own apps (those inside the repository)."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    directories = {}
    for config in apps.get_app_configs():
        module_name, _ = MigrationLoader.migrations_module(config.label)
        if module_name is None:
            continue
        try:
            module = import_module(module_name)
        except Exception:  # reported by the graph already; nothing to resolve there
            continue
        for entry in list(getattr(module, "__path__", None) or ()):
            folder = Path(entry).resolve()
            if session.project.contains(str(folder)) and folder.is_relative_to(top):
                directories[config.label] = folder
                break
    return directories


def collect(session, repo: Repo, user_model: str) -> Sides:
    from migsafe.vcs import changed_files

    directories = migration_directories(session, repo.top)
    label_of = {folder: label for label, folder in directories.items()}
    sides = Sides(directories=directories)

    theirs_paths = [p for p in repo.added_between(repo.merge_base, repo.ref_commit) if is_migration_file(p.name)]
    guessed = set()  # an app this branch does not have yet: its label is its folder's name by default
    for path in theirs_paths:
        if path.parent not in label_of and path.parent.name == "migrations":
            label_of[path.parent] = path.parent.parent.name
            guessed.add(path.parent)
    theirs_paths = [p for p in theirs_paths if p.parent in label_of]
    ref_tree = {path: blob for path, blob in repo.tree(repo.ref_commit, sorted({p.parent for p in theirs_paths})).items()
                if is_migration_file(path.name)}

    added, _ = changed_files(session.project.root, repo.ref_commit)
    ours_paths = sorted(p for p in added if p.parent in directories.values() and is_migration_file(p.name)
                        and p.is_file())
    # Files identical to REF's (a merge in progress, a cherry-pick) are REF's, not ours.
    hashes = repo.hash_files([p for p in ours_paths if p in ref_tree])
    ours_paths = [p for p in ours_paths if hashes.get(p) is None or hashes[p] != ref_tree.get(p)]

    contents = repo.blobs(list(ref_tree.values()))
    new_on_ref = set(theirs_paths)
    for path, blob in sorted(ref_tree.items()):
        label = label_of[path.parent]
        try:
            source = parse_migration(contents[blob], label, path.stem, path, BASE, user_model, where=f" (at {repo.ref})")
        except MigsafeError:
            if path.parent in guessed:  # maybe not a Django migrations folder at all
                continue
            raise
        sides.ref_nodes.setdefault(label, {})[source.name] = source
        if path in new_on_ref:
            sides.theirs.setdefault(label, []).append(source)
    for path in ours_paths:
        label = label_of[path.parent]
        source = parse_migration(path.read_bytes(), label, path.stem, path, BRANCH, user_model)
        sides.ours.setdefault(label, []).append(source)
    sides.ours = {label: in_order(label, found) for label, found in sides.ours.items()}
    sides.theirs = {label: in_order(label, found) for label, found in sides.theirs.items()}
    return sides


def in_order(app: str, migrations: list[MigrationSource]) -> list[MigrationSource]:
    """MIGRATIONS so that each comes after the ones of the list it depends on (then by name)."""
    by_name = {m.name: m for m in migrations}
    parents = {m.name: {n for a, n in m.dependencies if a == app and n in by_name} for m in migrations}
    for m in migrations:
        for a, n in m.run_before:
            if a == app and n in by_name:
                parents[n].add(m.name)
    ordered, done = [], set()
    while len(ordered) < len(migrations):
        ready = sorted(n for n in by_name if n not in done and parents[n] <= done)
        if not ready:
            raise MigsafeError(f"{app}: the branch's new migrations depend on each other in a cycle",
                               hint="run `migsafe graph` to see it")
        done.add(ready[0])
        ordered.append(by_name[ready[0]])
    return ordered


def leaves(app: str, nodes: dict[str, MigrationSource]) -> list[str]:
    """The app's leaf migrations as Django's loader computes them (squashes replace their
    migrations, since nothing is applied), from statically read files."""
    replaced = {n: m.name for m in nodes.values() for a, n in m.replaces if a == app}
    alive = set(nodes) - set(replaced)
    with_children = set()
    for name in alive:
        for a, n in nodes[name].dependencies:
            if a == app:
                with_children.add(replaced.get(n, n))
        if any(a == app and replaced.get(n, n) in alive for a, n in nodes[name].run_before):
            with_children.add(name)
    return sorted(alive - with_children)


def ancestors(app: str, start: str, nodes: dict[str, MigrationSource]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        for a, n in nodes[name].dependencies if name in nodes else ():
            if a == app and n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


# -- planning ---------------------------------------------------------------------------
def run(session, base_ref: str, strategy: str = "rebase", write: bool = False) -> ResolveResult:
    """Plan how to bring the branch's migrations after REF's (and apply it when WRITE)."""
    from django.conf import settings

    if strategy not in STRATEGIES:
        raise MigsafeError(f"unknown strategy {strategy!r}", hint="use rebase or merge")
    project = session.project
    repo = Repo.open(project.root, base_ref)
    sides = collect(session, repo, getattr(settings, "AUTH_USER_MODEL", "auth.User"))
    result = ResolveResult(strategy=strategy, ref=base_ref, merge_base=repo.merge_base, apps={},
                           relative=project.relative)
    ours = [m for app in sorted(sides.ours) for m in sides.ours[app]]
    theirs = [m for app in sorted(sides.theirs) for m in sides.theirs[app]]
    result.refusals = find_refusals(ours, theirs, base_ref, project.relative)
    for app in sorted(set(sides.ours) | set(sides.theirs)):
        result.apps[app] = AppPlan(
            app=app,
            directory=sides.directories.get(app) or (sides.theirs[app][0].path.parent),
            base=[m.name for m in sides.theirs.get(app, [])],
            branch=[m.name for m in sides.ours.get(app, [])],
        )
    renames: dict[Key, Key] = {}
    forks: dict[Key, dict[Key, Key]] = {}
    for app, plan in result.apps.items():
        if not plan.base or not plan.branch:
            plan.note = f"only {'this branch' if plan.branch else base_ref} added migrations"
            continue
        if result.refusals:
            plan.action = "refused"
            continue
        _plan_app(plan, sides, base_ref, strategy, renames, forks)
    if not result.refusals:
        _edits(result, sides, renames, forks)
    if write and not result.refusals and result.edits:
        from migsafe.resolve.apply import apply

        apply(result, repo)
    return result


def _plan_app(plan: AppPlan, sides: Sides, ref: str, strategy: str, renames: dict, forks: dict) -> None:
    app = plan.app
    nodes = sides.ref_nodes.get(app, {})
    ref_leaves = leaves(app, nodes)
    if len(ref_leaves) != 1:
        raise MigsafeError(
            f"{app}: {ref} has {len(ref_leaves)} leaf migrations ({', '.join(ref_leaves) or 'none'})",
            hint=f"{ref} needs one leaf per app: merge its migrations there first",
        )
    ours = sides.ours[app]
    our_names = {m.name for m in ours}
    branch_leaves = leaves(app, {m.name: m for m in ours})
    if len(branch_leaves) != 1:
        raise MigsafeError(
            f"{app}: this branch's new migrations have {len(branch_leaves)} leaves ({', '.join(branch_leaves)})",
            hint="merge them first (makemigrations --merge), then run resolve again",
        )
    plan.base_leaf, plan.branch_leaf = ref_leaves[0], branch_leaves[0]
    combined = {**nodes, **{m.name: m for m in ours}}
    if plan.base_leaf in ancestors(app, plan.branch_leaf, combined):
        plan.note = f"this branch's migrations already come after {ref}'s leaf {plan.base_leaf}"
        return
    if strategy == "merge":
        _plan_merge(plan, nodes, our_names)
        return
    plan.action = "rebase"
    # Never a name that exists (ours included, so no rename overwrites a file not moved yet).
    taken = set(nodes) | {p.stem for p in plan.directory.glob("*.py")}
    following = max((number(n) for n in nodes if number(n) is not None), default=0) + 1
    for migration in ours:
        new = _next_name(migration.name, following, taken - {migration.name}, clashes=migration.name in nodes)
        if number(new) is not None:
            following = number(new) + 1
        taken.add(new)
        if new != migration.name:
            renames[(app, migration.name)] = (app, new)
            plan.renames.append(Rename(app, migration.name, new, migration.path, migration.path.with_name(f"{new}.py")))
        forked = {
            (a, n): (app, plan.base_leaf)
            for a, n in migration.dependencies
            if a == app and n not in our_names and n not in _SPECIAL and n != plan.base_leaf
        }
        if forked:
            forks[migration.key] = forked
    if not any(m.key in forks or (app, plan.base_leaf) in m.dependencies for m in ours):
        raise MigsafeError(f"{app}: none of this branch's new migrations depends on an earlier {app} migration",
                           hint="add the dependency by hand; resolve only moves existing ones")
    final_leaf = renames.get((app, plan.branch_leaf), (app, plan.branch_leaf))[1]
    plan.max_migration = _max_migration(plan.directory, final_leaf)


def _next_name(name: str, following: int, taken: set[str], clashes: bool) -> str:
    """NAME if its number already comes after REF's, else NAME renumbered to the next free one.
    CLASHES: REF has a different migration of the same name."""
    current = number(name)
    if current is None:
        if clashes:
            raise MigsafeError(f"{name} exists on both sides and has no number to change",
                               hint="rename one of them by hand")
        return name
    if current >= following and not clashes:
        return name
    new = renumbered(name, following)
    while new in taken:
        following += 1
        new = renumbered(name, following)
    return new


def _plan_merge(plan: AppPlan, nodes: dict, our_names: set[str]) -> None:
    """Name the merge migration as `makemigrations --merge` does: NNNN_merge_<leaves>."""
    from django.db.migrations.utils import get_migration_name_timestamp

    plan.action = "merge"
    merged = sorted([plan.base_leaf, plan.branch_leaf])
    biggest = max((number(n) for n in merged if number(n) is not None), default=1)
    joined = "_".join(merged)
    suffix = joined if len(joined) <= 47 else get_migration_name_timestamp()
    taken = set(nodes) | our_names | {p.stem for p in plan.directory.glob("*.py")}
    following = biggest + 1
    while f"{following:04d}_merge_{suffix}" in taken:
        following += 1
    plan.merge = f"{following:04d}_merge_{suffix}"
    plan.max_migration = _max_migration(plan.directory, plan.merge)


def _max_migration(directory: Path, leaf: str) -> tuple[str, str] | None:
    path = directory / MAX_MIGRATION
    if not path.is_file():
        return None
    old = path.read_text(encoding="utf-8").strip()
    return (old, leaf) if old != leaf else None


def _edits(result: ResolveResult, sides: Sides, renames: dict[Key, Key], forks: dict[Key, dict]) -> None:
    """The files to write: renamed and rewritten branch migrations, merge migrations, max_migration.txt."""
    for migration in (m for app in sorted(sides.ours) for m in sides.ours[app]):
        mappings = {attribute: dict(renames) for attribute in ATTRIBUTES}
        mappings["dependencies"].update(forks.get(migration.key, {}))
        final = renames.get(migration.key, migration.key)
        path = migration.path.with_name(f"{final[1]}.py")
        unchanged = all(mappings[a].get(k, k) == k for a in ATTRIBUTES for k in getattr(migration, a))
        if unchanged and final == migration.key:
            continue
        content, changed = rewrite_keys(migration.source, mappings, migration.path)
        check_rewrite(migration, content, mappings)
        for attribute, old, new in changed:
            result.rewrites.append(Rewrite(final, path, attribute, old, new))
        result.edits.append(FileEdit(path, content, migration.path if path != migration.path else None))
    for plan in result.apps.values():
        if plan.merge:
            path = plan.directory / f"{plan.merge}.py"
            result.edits.append(FileEdit(path, merge_migration_source(plan.app, plan.merge,
                                                                     sorted([plan.base_leaf, plan.branch_leaf]))))
        if plan.max_migration:
            path = plan.directory / MAX_MIGRATION
            text = path.read_text(encoding="utf-8")
            ending = text[len(text.rstrip()):] or ""
            result.edits.append(FileEdit(path, (plan.max_migration[1] + ending).encode("utf-8")))


def check_rewrite(migration: MigrationSource, content: bytes, mappings: dict[str, dict[Key, Key]]) -> None:
    """The rewritten file must name exactly the migrations planned: a reference written in a way
    the rewriter does not understand (built from a variable, say) would otherwise be left stale."""
    def keys(source: bytes) -> dict[str, list[Key]]:
        # swappable_dependency() stays as written: read it as a key no mapping can match
        parsed = parse_migration(source, migration.app_label, migration.name, migration.path, migration.side,
                                 user_model="<swappable>.user")
        return {attribute: getattr(parsed, attribute) for attribute in ATTRIBUTES}

    wanted = {a: [mappings[a].get(k, k) for k in found] for a, found in keys(migration.source).items()}
    got = keys(content)
    for attribute in ATTRIBUTES:
        if got[attribute] != wanted[attribute]:
            raise MigsafeError(
                f"{migration.path}: cannot rewrite its {attribute} (expected {wanted[attribute]}, "
                f"got {got[attribute]}); nothing was written",
                hint="write the references as literal (\"app\", \"name\") pairs, or change them by hand",
            )
