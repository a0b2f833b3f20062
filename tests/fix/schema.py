"""Equivalence harness: does a rewritten project end in the same PostgreSQL schema?

`migsafe fix` rewrites migrations; its tests apply the original and the rewritten project
with Django's own MigrationExecutor (never migsafe's renderer, which is what is under test)
to two scratch databases, read both schemas back from the catalog and compare them.

Run as a script, this module is the subprocess that applies a project (see apply_project).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import psycopg

# Left out: django_migrations records which migrations ran, so a fix that adds or splits
# migrations changes its rows; its structure is Django's, not the project's.
IGNORED_TABLES = frozenset({"django_migrations"})


@contextlib.contextmanager
def scratch_database(pg_url: str):
    """Yield the URL of a fresh, empty database on PG_URL's server; always drop it.

    Made by migsafe's own scratch code (migsafe_scratch_<pid>_<hex>, dropped WITH (FORCE),
    also on Ctrl-C/SIGTERM), so conftest's leak checks cover these databases too.
    """
    from migsafe.render.scratch import scratch_database as migsafe_scratch

    with migsafe_scratch(pg_url) as (_, name):
        yield urlsplit(pg_url)._replace(path=f"/{name}").geturl()


# -- applying a project ------------------------------------------------------------------

_SETTINGS_DEFAULT = re.compile(r"""setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']""")


def settings_module(project: Path) -> str:
    """The settings module manage.py names in os.environ.setdefault(...)."""
    match = _SETTINGS_DEFAULT.search((Path(project) / "manage.py").read_text())
    assert match, f"{project}/manage.py names no DJANGO_SETTINGS_MODULE default; pass settings="
    return match.group(1)


def apply_project(
    project: Path, database_url: str, *, apps: list[str] | None = None, settings: str | None = None
) -> None:
    """Migrate the empty database at DATABASE_URL to the leaves of APPS (default: every app).

    In a fresh interpreter, because Django's settings are per process. PYTHONHASHSEED is fixed
    because Django iterates some sets (e.g. unique_together changes) in hash order.
    """
    project = Path(project).resolve()
    request = {
        "project": str(project),
        "settings": settings or settings_module(project),
        "url": database_url,
        "apps": apps,
    }
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONHASHSEED"] = "0"
    result = subprocess.run(
        [sys.executable, __file__, json.dumps(request)],
        capture_output=True, text=True, env=env, cwd=project, timeout=600,
    )
    assert result.returncode == 0, f"applying {project} failed:\n{result.stderr}"


def _django_database(url: str) -> dict:
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(parts.port or ""),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
    }


def _migrate(request: dict) -> None:
    """The subprocess: point the project's settings at the URL, then run the executor."""
    import importlib

    sys.path.insert(0, request["project"])
    os.environ["DJANGO_SETTINGS_MODULE"] = request["settings"]
    # Patched before django.setup(): Django's Settings reads the already imported module.
    importlib.import_module(request["settings"]).DATABASES = {"default": _django_database(request["url"])}

    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    wanted = request["apps"]
    if wanted is not None:
        missing = set(wanted) - {app for app, _ in leaves}
        if missing:
            sys.exit(f"no migrations for {sorted(missing)}; apps with migrations: {sorted({a for a, _ in leaves})}")
    # Explicit targets, unlike `manage.py migrate`, accept an app with two leaves.
    targets = [leaf for leaf in leaves if wanted is None or leaf[0] in wanted]
    connection.prepare_database()
    executor.migrate(targets)


# -- reading the schema back ---------------------------------------------------------------

_RELKINDS = {"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view", "f": "foreign table"}


def _not_member(catalog: str, oid: str, deptypes: str = "'e'") -> str:
    """SQL: the object is no member of another (deptype 'e': an extension's; 'i': internal)."""
    return f"""NOT EXISTS (SELECT FROM pg_depend d
    WHERE d.classid = '{catalog}'::regclass AND d.objid = {oid} AND d.deptype IN ({deptypes}))"""


_RELATIONS = f"""
SELECT c.oid, c.relname, c.relkind, c.relpersistence, c.reloptions, c.relrowsecurity,
       obj_description(c.oid, 'pg_class'),
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
       ARRAY(SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
             WHERE i.inhrelid = c.oid ORDER BY i.inhseqno)
FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND {_not_member("pg_class", "c.oid")}
ORDER BY c.relname
"""

_COLUMNS = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
       col_description(a.attrelid, a.attnum)
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
WHERE a.attrelid = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

_CONSTRAINTS = """
SELECT conrelid, conname, contype, pg_get_constraintdef(oid), convalidated, condeferrable, condeferred
FROM pg_constraint WHERE conrelid = ANY(%s) ORDER BY conname
"""

_INDEXES = """
SELECT i.indrelid, c.relname, quote_ident(c.relname), pg_get_indexdef(i.indexrelid),
       i.indisunique, i.indisvalid, i.indisprimary, obj_description(c.oid, 'pg_class')
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = ANY(%s) ORDER BY c.relname
"""

# Internal triggers (a foreign key's RI_ConstraintTrigger_a_<oid>) carry OIDs in their names,
# so they differ between two identical runs; the constraint itself is compared instead.
_TRIGGERS = """
SELECT tgrelid, tgname, pg_get_triggerdef(oid), tgenabled
FROM pg_trigger WHERE tgrelid = ANY(%s) AND NOT tgisinternal ORDER BY tgname
"""

_SEQUENCES = f"""
SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
       s.seqcache, s.seqcycle,
       (SELECT t.relname || '.' || a.attname FROM pg_depend d
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
WHERE c.relnamespace = 'public'::regnamespace AND {_not_member("pg_class", "c.oid")}
ORDER BY c.relname
"""

_EXTENSIONS = "SELECT extname, extversion, extnamespace::regnamespace::text FROM pg_extension ORDER BY extname"

# to_jsonb of the catalog row keeps this working across PostgreSQL versions, whose
# pg_collation columns differ (colliculocale in 15, colllocale from 17, ...).
_COLLATIONS = f"""
SELECT c.collname, to_jsonb(c) - 'oid' - 'collname' - 'collnamespace' - 'collowner' - 'collversion'
FROM pg_collation c
WHERE c.collnamespace = 'public'::regnamespace AND {_not_member("pg_collation", "c.oid")}
ORDER BY c.collname
"""

# Internal members: the constructors PostgreSQL creates with each range type.
_FUNCTIONS = f"""
SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       CASE WHEN p.prokind = 'a' THEN 'AGGREGATE returning ' || pg_get_function_result(p.oid)
            ELSE pg_get_functiondef(p.oid) END
FROM pg_proc p
WHERE p.pronamespace = 'public'::regnamespace AND {_not_member("pg_proc", "p.oid", "'e', 'i'")}
ORDER BY 1
"""

# Enums, domains, composite and range types; not the row and array types every table has.
_TYPES = f"""
SELECT t.typname, t.typtype,
       ARRAY(SELECT enumlabel::text FROM pg_enum WHERE enumtypid = t.oid ORDER BY enumsortorder),
       format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
       ARRAY(SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
             WHERE contypid = t.oid ORDER BY conname),
       ARRAY(SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute
             WHERE attrelid = t.typrelid AND attnum > 0 AND NOT attisdropped ORDER BY attnum),
       (SELECT format_type(rngsubtype, NULL) FROM pg_range WHERE rngtypid = t.oid)
FROM pg_type t
WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'c', 'r')
  AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
  AND {_not_member("pg_type", "t.oid")}
ORDER BY t.typname
"""

_STATISTICS = """
SELECT stxname, pg_get_statisticsobjdef(oid) FROM pg_statistic_ext
WHERE stxnamespace = 'public'::regnamespace ORDER BY stxname
"""

_IDENTITY = {"": None, "a": "always", "d": "by default"}
_GENERATED = {"": None, "s": "stored", "v": "virtual"}


def schema_snapshot(database_url: str) -> dict:
    """Everything in the public schema a migration can change, as plain, comparable JSON.

    No OIDs, no data, nothing from extensions but the extension itself. Index definitions
    have their own name cut out (it is the key), so a renamed index differs only by key.
    """
    with psycopg.connect(database_url) as conn:
        relations = {}
        by_oid = {}
        for oid, name, kind, persistence, options, rls, comment, view, partkey, bound, parents in conn.execute(
            _RELATIONS
        ):
            if name in IGNORED_TABLES:
                continue
            relation = {
                "kind": _RELKINDS[kind],
                "unlogged": persistence == "u",
                "options": sorted(options or []),
                "row_security": rls,
                "comment": comment,
                "definition": view,
                "partition_key": partkey,
                "partition_bound": bound,
                "inherits": parents,
                "columns": {},
                "constraints": {},
                "indexes": {},
                "triggers": {},
            }
            relations[name] = by_oid[oid] = relation
        oids = list(by_oid)
        for rel, name, type_, notnull, default, identity, generated, collation, comment in conn.execute(
            _COLUMNS, [oids]
        ):
            columns = by_oid[rel]["columns"]
            columns[name] = {
                # Among live columns: dropped ones keep their attnum, which is no schema fact.
                "position": len(columns) + 1,
                "type": type_,
                "not_null": notnull,
                "default": None if generated else default,
                "generated": f"{_GENERATED[generated]}: {default}" if generated else None,
                "identity": _IDENTITY[identity],
                "collation": collation,
                "comment": comment,
            }
        for rel, name, contype, definition, validated, deferrable, deferred in conn.execute(_CONSTRAINTS, [oids]):
            by_oid[rel]["constraints"][name] = {
                "type": contype,
                "definition": definition,
                "validated": validated,
                "deferrable": ("initially deferred" if deferred else "initially immediate") if deferrable else "no",
            }
        for rel, name, quoted, definition, unique, valid, primary, comment in conn.execute(_INDEXES, [oids]):
            by_oid[rel]["indexes"][name] = {
                "definition": definition.replace(f" INDEX {quoted} ON ", " INDEX ON ", 1),
                "unique": unique,
                "valid": valid,
                "primary": primary,
                "comment": comment,
            }
        for rel, name, definition, enabled in conn.execute(_TRIGGERS, [oids]):
            by_oid[rel]["triggers"][name] = {"definition": definition, "enabled": enabled}
        sequences = {
            name: {
                "type": type_, "start": start, "increment": increment, "min": min_, "max": max_,
                "cache": cache, "cycle": cycle, "owned_by": owner,
            }
            for name, type_, start, increment, min_, max_, cache, cycle, owner in conn.execute(_SEQUENCES)
            if owner is None or owner.split(".", 1)[0] not in IGNORED_TABLES
        }
        types = {}
        for name, typtype, labels, base, notnull, default, checks, attributes, subtype in conn.execute(_TYPES):
            types[name] = {
                "e": {"kind": "enum", "labels": labels},
                "d": {"kind": "domain", "base": base, "not_null": notnull, "default": default, "constraints": checks},
                "c": {"kind": "composite", "attributes": attributes},
                "r": {"kind": "range", "subtype": subtype},
            }[typtype]
        return {
            "relations": relations,
            "sequences": sequences,
            "extensions": {name: {"version": v, "schema": s} for name, v, s in conn.execute(_EXTENSIONS)},
            "collations": dict(conn.execute(_COLLATIONS).fetchall()),
            "functions": dict(conn.execute(_FUNCTIONS).fetchall()),
            "types": types,
            "statistics": dict(conn.execute(_STATISTICS).fetchall()),
        }


# -- comparing -------------------------------------------------------------------------------


def diff_schemas(a: dict, b: dict, *, ignore_names: dict[str, str] | None = None) -> list[str]:
    """Differences between two snapshots, one line each, naming the object; [] means equal.

    IGNORE_NAMES maps a constraint or index name in A to the name it has in B, when a fix
    had to rename it: the two are then compared by definition only.
    """
    if ignore_names:
        a = copy.deepcopy(a)
        found = set()
        for relation in a["relations"].values():
            for kind in ("constraints", "indexes"):
                found.update(relation[kind].keys() & ignore_names.keys())
                relation[kind] = {ignore_names.get(name, name): value for name, value in relation[kind].items()}
        # A name a does not have is a mistake in the test (a typo, a stale mapping).
        unknown = sorted(ignore_names.keys() - found)
        assert not unknown, f"ignore_names: no constraint or index {unknown} in a"
    differences: list[str] = []
    _diff(a, b, "", differences)
    return differences


def _diff(a, b, path: str, out: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys()):
            where = f"{path}.{key}" if path else key
            if key not in b:
                out.append(f"{where}: only in a")
            elif key not in a:
                out.append(f"{where}: only in b")
            else:
                _diff(a[key], b[key], where, out)
    elif a != b:
        out.append(f"{path}: {a!r} (a) != {b!r} (b)")


if __name__ == "__main__":
    _migrate(json.loads(sys.argv[1]))


def final_state(project: Path, *, settings: str | None = None) -> dict:
    """app.model -> its fields, options, bases and managers, serialized as a migration would
    write them, at the project's leaves (in a fresh interpreter: settings are per process)."""
    script = (
        "import json, sys, django\n"
        "from django.db.migrations.loader import MigrationLoader\n"
        "from django.db.migrations.writer import MigrationWriter\n"
        "sys.path.insert(0, sys.argv[1]); django.setup()\n"
        "state = MigrationLoader(None, ignore_no_migrations=True).project_state()\n"
        "def code(value): return MigrationWriter.serialize(value)[0]\n"
        "print(json.dumps({f'{a}.{m}': [[n, code(f)] for n, f in sorted(s.fields.items())]"
        " + [code(s.options), code(s.bases), code(s.managers)] for (a, m), s in sorted(state.models.items())}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE=settings or settings_module(project), PYTHONHASHSEED="0")
    out = subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True, text=True, env=env,
                         cwd=project)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
