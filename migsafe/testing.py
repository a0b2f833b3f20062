"""Catch N+1 queries while code runs (a test, a view), with or without pytest.

Every query is recorded with the project code that issued it (the chain of the project's
own frames, and the template line when a template was rendering). Queries with the same
normalized SQL (sqlparse: literals and placeholders as ``?``, ``IN`` lists folded) from
the same chain of frames are one query run again and again: more than ``threshold``
runs is an N+1, reported with its call site and the select_related / prefetch_related
that loads it up front::

    from migsafe.testing import assert_no_nplusone

    with assert_no_nplusone():
        client.get("/orders/")
"""

from __future__ import annotations

import contextlib
import linecache
import re
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import django
import sqlparse
from sqlparse import tokens as T

DEFAULT_THRESHOLD = 2  # the same query from the same place may run this often; one more is an N+1

_NOT_PROJECT = tuple(str(Path(p).resolve()) for p in {
    *(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")),
    Path(django.__file__).parent, Path(__file__).parent,
})
_WHERE = re.compile(r'WHERE \(?"(\w+)"\."(\w+)" (?:= \?|IN \(\.\.\.\))')
_FROM = re.compile(r'FROM "(\w+)"')


class NPlusOneError(AssertionError):
    """Raised by assert_no_nplusone (and the pytest plugin) when a query repeats per row."""


@dataclass(frozen=True)
class Site:
    file: str
    line: int

    def __str__(self) -> str:
        path = Path(self.file)
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            pass
        return f"{path}:{self.line}"

    @property
    def code(self) -> str:
        return linecache.getline(self.file, self.line).strip()


@dataclass
class Repeat:
    """One query run COUNT times from the same place."""

    sql: str  # normalized
    count: int
    stack: tuple  # Site of each project frame, innermost first
    template: Site | None  # the template line rendering when it ran

    def describe(self) -> str:
        where = self.stack[0] if self.stack else None
        lines = [f"{self.count} x {self.sql}"]
        if self.template is not None:
            lines.append(f"    in template {self.template}")
        if where is not None:
            lines.append(f"    at {where}: {where.code}")
            lines += [f"    called from {site}: {site.code}" for site in self.stack[1:3]]
        lines.append(f"    fix: {suggestion(self)}")
        return "\n".join(lines)


def normalize(sql: str) -> str:
    """SQL with literals and placeholders as ?, whitespace collapsed and IN lists folded."""
    parts = []
    for token in sqlparse.parse(sql)[0].flatten() if sql.strip() else ():
        if token.ttype in T.Comment:
            continue
        if token.is_whitespace:
            parts.append(" ")
        elif token.ttype in T.Name.Placeholder or token.ttype in T.Number or token.ttype in T.String.Single:
            parts.append("?")
        else:
            parts.append(token.value)
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    return re.sub(r"\(\s*\?(?:\s*,\s*\?)*\s*\)", "(...)", text)


class QueryRecorder:
    """Records the queries run on USING (default: every database) in this thread, while open."""

    def __init__(self, using: str | None = None) -> None:
        self.using = using
        self.queries: list[tuple[str, tuple, Site | None]] = []
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> QueryRecorder:
        from django.db import connections

        for alias in [self.using] if self.using else list(connections):
            self._stack.enter_context(connections[alias].execute_wrapper(self._record))
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def _record(self, execute, sql, params, many, context):
        stack, template = _call_site(sys._getframe(1))
        self.queries.append((normalize(sql), stack, template))
        return execute(sql, params, many, context)

    def repeated(self, threshold: int = DEFAULT_THRESHOLD) -> list[Repeat]:
        counts: dict[tuple, int] = {}
        for key in self.queries:
            counts[key] = counts.get(key, 0) + 1
        return [Repeat(sql, count, stack, template) for (sql, stack, template), count in counts.items()
                if count > threshold and stack]


@contextlib.contextmanager
def assert_no_nplusone(threshold: int = DEFAULT_THRESHOLD, using: str | None = None):
    """Fail with NPlusOneError when a query runs more than THRESHOLD times from one place."""
    with QueryRecorder(using) as recorder:
        yield recorder
    repeats = recorder.repeated(threshold)
    if repeats:
        raise NPlusOneError(report(repeats, threshold))


def report(repeats: list[Repeat], threshold: int) -> str:
    head = f"N+1 queries: {len(repeats)} quer{'y' if len(repeats) == 1 else 'ies'} ran more than {threshold} " \
           "times from the same code"
    return "\n".join([head, *(r.describe() for r in repeats)])


def _is_project(filename: str) -> bool:
    if filename.startswith("<"):
        return False
    path = str(Path(filename).resolve())
    return not path.startswith(_NOT_PROJECT) and "site-packages" not in path


def _call_site(frame) -> tuple[tuple, Site | None]:
    """(the project's frames, innermost first; the innermost template line being rendered)."""
    stack, template = [], None
    while frame is not None:
        code = frame.f_code
        site = Site(code.co_filename, frame.f_lineno)
        if _is_project(code.co_filename) and (not stack or stack[-1] != site):  # a comprehension's frame
            stack.append(site)
        elif template is None and code.co_name == "render_annotated":
            node = frame.f_locals.get("self")
            origin, token = getattr(node, "origin", None), getattr(node, "token", None)
            if origin is not None and token is not None and token.lineno:
                template = Site(str(origin.name), token.lineno)
        frame = frame.f_back
    return tuple(stack), template


def suggestion(repeat: Repeat) -> str:
    """What loads the rows up front, read from the repeated SQL and the code that ran it."""
    from django.apps import apps

    match = _WHERE.search(repeat.sql)
    table = _FROM.search(repeat.sql)
    models = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    model = models.get(match.group(1)) if match else None
    if model is None:
        return "fetch the rows in one query before the loop (filter(..._in=...), in_bulk())"
    column = match.group(2)
    code = " ".join(site.code for site in repeat.stack[:2])
    if repeat.template is not None:
        code += " " + linecache.getline(repeat.template.file, repeat.template.line)
    if column == model._meta.pk.column and table and table.group(1) == match.group(1):
        return _forward(model, code)
    key = next((f for f in model._meta.concrete_fields if f.column == column and f.is_relation), None)
    if key is None:
        return "fetch the rows in one query before the loop (filter(..._in=...), in_bulk())"
    if model._meta.auto_created:  # a many-to-many's table: the side whose rows are read
        owner = key.related_model
        for f in owner._meta.get_fields():
            through = getattr(f, "through", None) or getattr(getattr(f, "remote_field", None), "through", None)
            if f.many_to_many and through is model:
                name = f.get_accessor_name() if hasattr(f, "get_accessor_name") else f.name
                return f'prefetch_related("{name}") on the {owner.__name__} queryset'
        return "fetch the rows in one query before the loop"
    owner, accessor = key.related_model, key.remote_field.get_accessor_name()
    if repeat.sql.startswith("SELECT COUNT(*)"):
        return f'annotate({accessor}_count=Count("{accessor}")) on the {owner.__name__} queryset and read ' \
               f"row.{accessor}_count"
    if re.match(r"SELECT \(?\?\)? AS", repeat.sql):  # exists(): SELECT 1 AS "a" ... LIMIT 1
        return f'annotate(has_{accessor}=Exists({model.__name__}.objects.filter({key.name}=OuterRef("pk")))) on ' \
               f"the {owner.__name__} queryset"
    return f'prefetch_related("{accessor}") on the {owner.__name__} queryset'


def _forward(model, code: str) -> str:
    """A row's foreign key object read in a loop: which relation, from the code that read it."""
    from django.apps import apps

    relations = [f for m in apps.get_models() for f in m._meta.concrete_fields
                 if f.is_relation and f.related_model is model]
    named = [f for f in relations if re.search(rf"\.{f.name}\b", code)] or relations
    options = " or ".join(f'select_related("{f.name}") on the {f.model.__name__} queryset' for f in named[:3])
    if django.VERSION >= (6, 1):
        options += " (or .fetch_mode(models.FETCH_PEERS); FETCH_RAISE in tests makes such reads fail)"
    return options or "fetch the rows in one query before the loop"
