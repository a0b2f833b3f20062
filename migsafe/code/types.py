"""What an expression holds, as far as the ORM is concerned: a model, a queryset (and which
relations it loads up front), a row, a related manager.

A row remembers the queryset it came from and the relation path that led to it
(``"lines"`` for ``order.lines.all()`` rows), so that ``row.product`` can be checked
against ``select_related`` / ``prefetch_related`` paths such as ``"lines__product"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache


@dataclass(frozen=True, eq=False)
class Origin:
    """Where something is written: a Python node (line and text read from it when asked) or,
    for templates, a line and the text as written."""

    file: object  # PythonFile, or templates.TemplateFile
    node: object = None
    at: int | None = None
    written: str | None = None
    line_node: object = None  # the node whose line it is, when not NODE's (a loop's, for its iterable)
    scope: object = None  # the def NODE is in (its lines are found within it, which is cheaper)

    @property
    def line(self) -> int:
        return self.at if self.at is not None else self.file.line(self.line_node or self.node, self.scope)

    @property
    def text(self) -> str:
        return self.written if self.written is not None else self.file.code(self.node)


@dataclass(frozen=True)
class ModelType:
    model: type


@dataclass(frozen=True)
class Use:
    """One field a query filters, orders or joins on."""

    model: type  # the model whose table holds the column
    field: str
    kind: str  # "eq", "range", "order", "join" (index-usable) or "other" (a transform, LIKE, ...)
    origin: Origin  # the argument that names it
    method: str  # filter, exclude, get, order_by, ...

    @property
    def file(self):
        return self.origin.file

    @property
    def line(self) -> int:
        return self.origin.line


@dataclass(frozen=True)
class LoopInfo:
    """A loop over rows: Python ``for``, a comprehension, or a template ``{% for %}``."""

    origin: Origin  # the loop's line and its iterable as written
    kind: str  # "for", "comprehension", "template"
    queryset: QuerySetType | None


@dataclass(frozen=True)
class QuerySetType:
    model: type
    select: frozenset = frozenset()  # select_related paths
    prefetch: frozenset = frozenset()  # prefetch_related paths (to_attr names stand for their lookup)
    lists: tuple = ()  # (to_attr, model, foreign key back, lookup) of Prefetch(..., to_attr=...)
    select_all: bool = False  # select_related() without arguments
    values: bool = False  # values()/values_list(): rows are dicts or tuples
    fetch_peers: bool = False  # Django 6.1 fetch_mode(FETCH_PEERS) / FETCH_RAISE
    origin: Origin | None = field(default=None, compare=False)
    uses: tuple = field(default=(), compare=False)  # Use of every call in the chain so far

    def derive(self, **changes) -> QuerySetType:
        return replace(self, **changes)

    def loads(self, path: str, forward: bool) -> bool:
        """Whether rows of this queryset come with the relation at PATH already loaded."""
        if forward and self.fetch_peers:
            return True
        if forward and self.select_all and "__" not in path:
            return True
        return any(p == path or p.startswith(path + "__") for p in self.select | self.prefetch)


@dataclass(frozen=True)
class InstanceType:
    model: type
    queryset: QuerySetType | None = None  # where the row came from
    path: str = ""  # relation path from the queryset's model to this row
    loop: LoopInfo | None = None  # the loop that binds it, when it is one row of many
    created: bool = False  # built with Model(...) in this code
    back: str | None = None  # its foreign key to the object whose related manager gave it: Django sets it

    def child(self, name: str, model, back: str | None = None) -> InstanceType:
        return replace(self, model=model, path=join(self.path, name), created=False, back=back)


@dataclass(frozen=True)
class RelatedManagerType:
    """``order.lines``: one query per call unless the relation was prefetched."""

    model: type  # the related model
    owner: InstanceType
    name: str  # the accessor

    @property
    def path(self) -> str:
        return join(self.owner.path, self.name)


@dataclass(frozen=True)
class RelatedRowsType:
    """``order.lines.all()``: the rows of a related manager."""

    manager: RelatedManagerType


@dataclass(frozen=True)
class ListType:
    element: object


@dataclass(frozen=True)
class EnumerateType:
    inner: object


@dataclass(frozen=True)
class TupleType:
    items: tuple


@dataclass(frozen=True)
class DictType:
    """A dict literal with string keys (a template context)."""

    items: tuple  # (key, type)

    def with_item(self, key: str, value) -> DictType:
        return DictType(tuple((k, v) for k, v in self.items if k != key) + ((key, value),))


@dataclass(frozen=True)
class ClassSelf:
    """``self`` in a method of a class that is not a model (a class-based view)."""

    cls: object  # resolve.ClassRef


@dataclass(frozen=True)
class QType:
    lookups: tuple  # (lookup, value node) pairs
    any_of: bool = False  # combined with |: each lookup is a query of its own for an index


@dataclass(frozen=True)
class PrefetchType:
    lookup: str
    queryset: QuerySetType | None
    to_attr: str | None


def join(path: str, name: str) -> str:
    return f"{path}__{name}" if path else name


@lru_cache(maxsize=None)
def attribute(model, name: str):
    """What ``row.NAME`` is on MODEL, as (kind, related model, column): "forward" for a foreign
    key or one-to-one (its object), "reverse_one" for a reverse one-to-one, "many" for a
    reverse foreign key or many-to-many manager, whose queries filter on COLUMN (the
    related model's foreign key, None for many-to-many). None for anything else."""
    from django.db.models import ForeignObjectRel

    for f in model._meta.get_fields():
        if not f.is_relation or f.related_model is None:
            continue
        if isinstance(f, ForeignObjectRel):
            if f.get_accessor_name() == name:
                if f.one_to_one:
                    return ("reverse_one", f.related_model, None)
                return ("many", f.related_model, None if f.many_to_many else f.field.name)
        elif f.name == name:
            if f.many_to_many or f.one_to_many:
                return ("many", f.related_model, None)
            return ("forward", f.related_model, None)
    return None
