"""What an expression holds, as far as the ORM is concerned: a model, a queryset (and which
relations it loads up front), a row, a related manager.

A row remembers the queryset it came from and the relation path that led to it
(``"lines"`` for ``order.lines.all()`` rows), so that ``row.product`` can be checked
against ``select_related`` / ``prefetch_related`` paths such as ``"lines__product"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache


@dataclass(frozen=True)
class Origin:
    """Where a value was written: a file (Python or template) and a node or text."""

    file: object  # PythonFile, or a templates.TemplateFile
    line: int
    text: str  # the expression as written, on one line


@dataclass(frozen=True)
class ModelType:
    model: type


@dataclass(frozen=True)
class Use:
    """One field a query filters, orders or joins on."""

    model: type  # the model whose table holds the column
    field: str
    kind: str  # "eq", "range", "order", "join" (index-usable) or "other" (a transform, LIKE, ...)
    file: object
    line: int
    method: str  # filter, exclude, get, order_by, ...


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
    lists: tuple = ()  # (to_attr, model) of Prefetch(..., to_attr=...)
    select_all: bool = False  # select_related() without arguments
    values: bool = False  # values()/values_list(): rows are dicts or tuples
    fetch_peers: bool = False  # Django 6.1 fetch_mode(FETCH_PEERS) / FETCH_RAISE
    annotations: frozenset = frozenset()
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

    def child(self, name: str, model) -> InstanceType:
        return replace(self, model=model, path=join(self.path, name), created=False)


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
class ListType:
    element: object


@dataclass(frozen=True)
class TupleType:
    items: tuple


@dataclass(frozen=True)
class QType:
    lookups: tuple  # (lookup, value node) pairs


@dataclass(frozen=True)
class PrefetchType:
    lookup: str
    queryset: QuerySetType | None
    to_attr: str | None


def join(path: str, name: str) -> str:
    return f"{path}__{name}" if path else name


@lru_cache(maxsize=None)
def attribute(model, name: str):
    """What ``row.NAME`` is on MODEL: ("forward", related model) for a foreign key or one-to-one
    (its object), ("reverse_one", related model) for a reverse one-to-one, ("many", related
    model) for a reverse foreign key or many-to-many manager; None for anything else."""
    from django.db.models import ForeignObjectRel

    for f in model._meta.get_fields():
        if not f.is_relation or f.related_model is None:
            continue
        if isinstance(f, ForeignObjectRel):
            if f.get_accessor_name() == name:
                return ("reverse_one" if f.one_to_one else "many", f.related_model)
        elif f.name == name:
            return ("many" if f.many_to_many or f.one_to_many else "forward", f.related_model)
    return None
