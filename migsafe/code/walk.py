"""Walk the project's code knowing what each name holds, and record what the ORM does.

Every function is walked once on its own, and again when a loop hands it one of its rows
(a model method or property, a helper called with the row): a query the callee makes
for that row is then a query per row of the caller's loop. Recorded are the queries
(with the fields they filter and order on), relations read on rows inside loops, rows
saved or created one at a time, and templates rendered with a context.
"""

from __future__ import annotations

import builtins
import inspect
from dataclasses import dataclass, field, replace

import libcst as cst

from migsafe.code.resolve import ClassRef, FunctionRef, Imported, ModuleRef
from migsafe.code.types import (
    ClassSelf, DictType, EnumerateType, InstanceType, ListType, LoopInfo, ModelType, Origin, PrefetchType,
    QType, QuerySetType, RelatedManagerType, RelatedRowsType, TupleType, Use, attribute, join,
)
from migsafe.code.usage import resolve_lookup

_CHAIN = {"all", "get_queryset", "filter", "exclude", "order_by", "distinct", "annotate", "alias", "only", "defer",
          "using", "select_for_update", "reverse", "none", "iterator", "extra", "union", "intersection",
          "difference", "complex_filter"}
_FILTERS = {"filter", "exclude", "get", "get_or_create", "update_or_create"}
_ORDERS = {"order_by", "distinct", "earliest", "latest"}
_SINGLE = {"get", "first", "last", "earliest", "latest", "create", "get_or_create", "update_or_create"}
# Calls on a related manager that run a query of their own even when the relation is prefetched.
_RELATED_QUERIES = {"filter", "exclude", "order_by", "get", "first", "last", "latest", "earliest", "aggregate",
                    "values", "values_list", "select_related", "prefetch_related", "annotate", "in_bulk",
                    "only", "defer", "distinct"}
_SAME_ROWS = {"list", "tuple", "sorted", "reversed", "set"}
_MAX_DEPTH = 4


@dataclass(frozen=True)
class RowQuery:
    """Something that runs one query per row of a loop (or would, were it not prefetched)."""

    kind: str  # "forward", "many", "count", "exists", "query", "save", "create"
    origin: Origin  # the access as written
    loop: LoopInfo
    model: type  # the row's model (for "create": the model created)
    name: str  # the relation's accessor, or the method
    related: type | None = None
    queryset: QuerySetType | None = None  # the queryset the row came from
    path: str = ""  # relation path from that queryset's model to what is read
    row_path: str = ""  # ... to the loop's rows
    fields: tuple = ()  # save(): the fields the loop assigns on the row
    via: Origin | None = None  # the call in the loop that leads here (a method, a helper, a template)


@dataclass(frozen=True)
class Render:
    template: str
    context: DictType
    origin: Origin
    app_label: str


@dataclass
class Events:
    queries: list = field(default_factory=list)  # tuples of Use: one per query as built so far
    rows: list = field(default_factory=list)  # RowQuery
    renders: list = field(default_factory=list)  # Render


@dataclass
class Frame:
    file: object
    env: dict
    loops: tuple = ()
    depth: int = 0
    via: Origin | None = None
    assigned: dict = field(default_factory=dict)  # LoopInfo -> fields assigned on its rows
    returns: list = field(default_factory=list)
    scope: cst.CSTNode | None = None  # the def or class being walked (line numbers are found within it)

    def inside(self, loops: tuple) -> Frame:
        """The same scope, in more loops."""
        return replace(self, loops=self.loops + loops)

    def origin(self, node, line_node=None) -> Origin:
        return Origin(self.file, node, line_node=line_node, scope=self.scope)


class Walker:
    def __init__(self, resolver, events: Events) -> None:
        self.resolver = resolver
        self.events = events
        self._walked: dict = {}
        self._active: set = set()

    # -- entry points ------------------------------------------------------------------------------

    def walk_file(self, file) -> None:
        self.block(file.module.body, Frame(file, dict(self.resolver.scope(file))))

    def call(self, ref: FunctionRef, bindings: dict, caller: Frame | None = None, via: Origin | None = None):
        """Walk REF with its parameters bound to BINDINGS; its return type."""
        loops = caller.loops if caller else ()
        key = (id(ref.node), tuple(sorted(bindings.items(), key=lambda item: item[0])), loops)
        if key in self._walked:
            return self._walked[key]
        if key in self._active or (caller is not None and caller.depth >= _MAX_DEPTH):
            return None
        self._active.add(key)
        env = dict(self.resolver.scope(ref.file))
        env.update({name: None for name in _parameters(ref.node)})
        env.update(bindings)
        frame = Frame(ref.file, env, loops, caller.depth + 1 if caller else 0, via or (caller.via if caller else None),
                      scope=ref.node)
        self.block(_body(ref.node), frame)
        result = next((r for r in frame.returns if r is not None), None)
        self._active.discard(key)
        self._walked[key] = result
        return result

    # -- statements --------------------------------------------------------------------------------

    def block(self, statements, frame: Frame) -> None:
        for statement in statements:
            self.statement(statement, frame)

    def statement(self, node, frame: Frame) -> None:
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self.small(small, frame)
        elif isinstance(node, cst.BaseSmallStatement):
            self.small(node, frame)
        elif isinstance(node, cst.FunctionDef):
            if frame.scope is None and not frame.loops:  # a module's function
                self.call(FunctionRef(frame.file, node), {})
            else:  # nested: sees the enclosing names
                inner = Frame(frame.file, {**frame.env, **{p: None for p in _parameters(node)}}, depth=frame.depth,
                              scope=frame.scope)
                self.block(_body(node), inner)
        elif isinstance(node, cst.ClassDef):
            self.class_body(node, frame)
        elif isinstance(node, cst.If):
            self.expr(node.test, frame)
            self.block(node.body.body, frame)
            if node.orelse is not None:
                self.statement(node.orelse, frame) if isinstance(node.orelse, cst.If) else \
                    self.block(node.orelse.body.body, frame)
        elif isinstance(node, cst.For):
            self.for_loop(node, frame)
        elif isinstance(node, cst.While):
            self.expr(node.test, frame)
            self.block(node.body.body, frame)
        elif isinstance(node, (cst.Try, cst.TryStar)):
            self.block(node.body.body, frame)
            for handler in node.handlers:
                self.block(handler.body.body, frame)
            for part in (node.orelse, node.finalbody):
                if part is not None:
                    self.block(part.body.body, frame)
        elif isinstance(node, cst.With):
            for item in node.items:
                self.expr(item.item, frame)
                if item.asname is not None:
                    self.bind(item.asname.name, None, frame)
            self.block(node.body.body, frame)

    def small(self, node, frame: Frame) -> None:
        if isinstance(node, cst.Assign):
            value = self.expr(node.value, frame)
            for target in node.targets:
                self.bind(target.target, value, frame)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:
                self.bind(node.target, self.expr(node.value, frame), frame)
        elif isinstance(node, cst.AugAssign):
            self.expr(node.value, frame)
            if isinstance(node.target, cst.Attribute):
                self.bind(node.target, None, frame)
        elif isinstance(node, cst.Expr):
            self.expr(node.value, frame)
        elif isinstance(node, cst.Return):
            frame.returns.append(self.expr(node.value, frame) if node.value is not None else None)
        elif isinstance(node, cst.Raise):
            self.expr(node.exc, frame)
        elif isinstance(node, cst.Assert):
            self.expr(node.test, frame)
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            frame.env.update(self.resolver.imports(frame.file, node))

    def bind(self, target, value, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            frame.env[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            items = value.items if isinstance(value, TupleType) and len(value.items) == len(target.elements) \
                else [None] * len(target.elements)
            for element, item in zip(target.elements, items):
                self.bind(element.value, None if isinstance(element, cst.StarredElement) else item, frame)
        elif isinstance(target, cst.Attribute):
            owner = self.expr(target.value, frame)
            if isinstance(owner, InstanceType) and owner.loop is not None:
                frame.assigned.setdefault(owner.loop, []).append(target.attr.value)
        elif isinstance(target, cst.Subscript):
            key = _literal(target.slice[0].slice.value) if len(target.slice) == 1 and \
                isinstance(target.slice[0].slice, cst.Index) else None
            current = self.expr(target.value, frame)
            if isinstance(target.value, cst.Name) and isinstance(key, str) and \
                    (current is None or isinstance(current, DictType)):
                frame.env[target.value.value] = (current or DictType(())).with_item(key, value)

    def for_loop(self, node: cst.For, frame: Frame) -> None:
        origin = frame.origin(node.iter, line_node=node)
        element, loop = self.iterate(self.expr(node.iter, frame), origin, "for")
        names = _names(node.target)
        saved = {name: frame.env.get(name) for name in names}
        self.bind(node.target, element, frame)
        self.block(node.body.body, frame.inside((loop,)) if loop else frame)
        frame.env.update(saved)  # after the loop, a name is no longer one row of many
        if node.orelse is not None:
            self.block(node.orelse.body.body, frame)

    def iterate(self, value, origin: Origin, kind: str):
        """(the type of one element, the LoopInfo when the elements are rows)."""
        if isinstance(value, QuerySetType) and not value.values:
            loop = LoopInfo(origin, kind, value)
            return InstanceType(value.model, value, "", loop), loop
        if isinstance(value, RelatedRowsType):
            manager = value.manager
            loop = LoopInfo(origin, kind, manager.owner.queryset)
            back = attribute(manager.owner.model, manager.name)[2]
            return replace(manager.owner.child(manager.name, manager.model, back), loop=loop), loop
        if isinstance(value, ListType) and isinstance(value.element, InstanceType):
            loop = LoopInfo(origin, kind, value.element.queryset)
            return replace(value.element, loop=loop), loop
        if isinstance(value, EnumerateType):
            element, loop = self.iterate(value.inner, origin, kind)
            return TupleType((None, element)), loop
        return None, None

    def class_body(self, node: cst.ClassDef, frame: Frame) -> None:
        bound = frame.env.get(node.name.value)
        model = bound.model if isinstance(bound, ModelType) else None
        cls = ClassRef(frame.file, node)
        inside = replace(frame, scope=frame.scope or node)
        for statement in node.body.body:
            if isinstance(statement, cst.FunctionDef):
                self.call(FunctionRef(frame.file, statement, cls), _self_binding(statement, model, cls))
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign):
                        self.expr(small.value, inside)
        if model is None:
            self.view_render(cls, inside)

    # -- expressions -------------------------------------------------------------------------------

    def expr(self, node, frame: Frame):
        if node is None:
            return None
        if isinstance(node, cst.Name):
            return frame.env.get(node.value)
        if isinstance(node, cst.Attribute):
            return self.attribute(self.expr(node.value, frame), node.attr.value, frame.origin(node), frame)
        if isinstance(node, cst.Call):
            return self.call_node(node, frame)
        if isinstance(node, cst.Subscript):
            return self.subscript(node, frame)
        if isinstance(node, cst.Dict):
            items = []
            for element in node.elements:
                value = self.expr(element.value, frame)
                key = _literal(element.key) if isinstance(element, cst.DictElement) else None
                if isinstance(element, cst.DictElement) and not isinstance(key, str):
                    self.expr(element.key, frame)
                if isinstance(key, str):
                    items.append((key, value))
            return DictType(tuple(items))
        if isinstance(node, cst.Tuple):
            return TupleType(tuple(self.expr(e.value, frame) for e in node.elements))
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            return self.comprehension(node, frame)
        if isinstance(node, cst.BinaryOperation):
            left, right = self.expr(node.left, frame), self.expr(node.right, frame)
            if isinstance(left, QType) and isinstance(right, QType):
                return QType(left.lookups + right.lookups,
                             left.any_of or right.any_of or isinstance(node.operator, cst.BitOr))
            return left if isinstance(left, QuerySetType) and isinstance(right, QuerySetType) else None
        if isinstance(node, cst.UnaryOperation):
            value = self.expr(node.expression, frame)
            return value if isinstance(value, QType) else None
        if isinstance(node, cst.IfExp):
            self.expr(node.test, frame)
            body, orelse = self.expr(node.body, frame), self.expr(node.orelse, frame)
            return body if body is not None else orelse
        if isinstance(node, cst.NamedExpr):
            value = self.expr(node.value, frame)
            self.bind(node.target, value, frame)
            return value
        if isinstance(node, cst.Lambda):
            return None
        for child in node.children:  # anything else: its sub-expressions still run
            if isinstance(child, cst.BaseExpression):
                self.expr(child, frame)
            elif isinstance(child, (cst.Element, cst.Arg, cst.FormattedStringExpression, cst.ComparisonTarget,
                                    cst.BaseDictElement)):
                for inner in child.children:
                    if isinstance(inner, cst.BaseExpression):
                        self.expr(inner, frame)
        return None

    def comprehension(self, node, frame: Frame):
        inner = replace(frame, env=dict(frame.env))
        for_in = node.for_in
        while for_in is not None:
            origin = frame.origin(for_in.iter, line_node=for_in)
            element, loop = self.iterate(self.expr(for_in.iter, inner), origin, "comprehension")
            self.bind(for_in.target, element, inner)
            if loop is not None:
                inner = inner.inside((loop,))
            for condition in for_in.ifs:
                self.expr(condition.test, inner)
            for_in = for_in.inner_for_in
        if isinstance(node, cst.DictComp):
            self.expr(node.key, inner)
            self.expr(node.value, inner)
            return None
        element = self.expr(node.elt, inner)
        if isinstance(element, InstanceType):
            return ListType(replace(element, loop=None))
        return None

    def subscript(self, node: cst.Subscript, frame: Frame):
        value = self.expr(node.value, frame)
        sliced = False
        key = None
        for element in node.slice:
            if isinstance(element.slice, cst.Index):
                key = _literal(element.slice.value)
                self.expr(element.slice.value, frame)
            else:
                sliced = True
                for part in (element.slice.lower, element.slice.upper, element.slice.step):
                    self.expr(part, frame)
        if isinstance(value, QuerySetType):
            return value.derive(origin=frame.origin(node)) if sliced else InstanceType(value.model, value)
        if isinstance(value, DictType) and isinstance(key, str):
            return dict(value.items).get(key)
        if isinstance(value, TupleType) and isinstance(key, int) and -len(value.items) <= key < len(value.items):
            return value.items[key]
        return None

    def attribute(self, base, name: str, origin: Origin, frame: Frame):
        """``base.name`` read (not called)."""
        if isinstance(base, ModuleRef):
            return self.resolver.attribute(base, name)
        if isinstance(base, ModelType):
            if name in base.model._meta.managers_map or name in ("_default_manager", "_base_manager"):
                return QuerySetType(base.model, origin=origin)
            return None
        if isinstance(base, InstanceType):
            return self.row_attribute(base, name, origin, frame)
        if isinstance(base, ClassSelf):
            member = base.cls.member(name)
            if isinstance(member, cst.BaseExpression):
                return self.expr(member, Frame(base.cls.file, dict(self.resolver.scope(base.cls.file)),
                                               scope=base.cls.node))
            return None
        if isinstance(base, Imported):
            return Imported(f"{base.name}.{name}")
        return None

    def row_attribute(self, row: InstanceType, name: str, origin: Origin, frame: Frame):
        lists = {to_attr: (model, back) for to_attr, model, back, _ in row.queryset.lists} if row.queryset else {}
        if join(row.path, name) in lists:
            return ListType(row.child(name, *lists[join(row.path, name)]))
        relation = attribute(row.model, name)
        if relation is None:
            return self.member(row, name, None, origin, frame)
        kind, related, _ = relation
        if kind == "many":
            return RelatedManagerType(related, row, name)
        loaded = name == row.back or (row.queryset and row.queryset.loads(join(row.path, name), forward=True))
        if _active(row, frame) and not loaded:
            self.events.rows.append(RowQuery("forward", origin, row.loop, row.model, name, related, row.queryset,
                                             join(row.path, name), row.path, via=frame.via))
        return row.child(name, related)

    # -- calls -------------------------------------------------------------------------------------

    def call_node(self, node: cst.Call, frame: Frame):
        origin = frame.origin(node)
        if isinstance(node.func, cst.Attribute):
            return self.method(self.expr(node.func.value, frame), node.func.attr.value, node, origin, frame)
        if isinstance(node.func, cst.Name) and node.func.value not in frame.env and \
                hasattr(builtins, node.func.value):
            return self.builtin(node.func.value, node, frame)
        return self.call_value(self.expr(node.func, frame), node, origin, frame)

    def args(self, call: cst.Call | None, frame: Frame):
        """[(node, type)] of the positional arguments and {name: (node, type)} of the keywords
        (``**{"a": 1}`` literals included); every argument is evaluated once."""
        positional, keywords = [], {}
        for arg in call.args if call is not None else ():
            value = self.expr(arg.value, frame)
            if arg.keyword is not None:
                keywords[arg.keyword.value] = (arg.value, value)
            elif arg.star == "**" and isinstance(arg.value, cst.Dict):
                for element in arg.value.elements:
                    key = _literal(element.key) if isinstance(element, cst.DictElement) else None
                    if isinstance(key, str):
                        keywords[key] = (element.key, None)
            elif not arg.star:
                positional.append((arg.value, value))
        return positional, keywords

    def builtin(self, name: str, call: cst.Call, frame: Frame):
        positional, _ = self.args(call, frame)
        first = positional[0][1] if positional else None
        if name in _SAME_ROWS and isinstance(first, (QuerySetType, RelatedRowsType, ListType)):
            return first
        if name == "enumerate" and first is not None:
            return EnumerateType(first)
        return None

    def call_value(self, target, call: cst.Call, origin: Origin, frame: Frame):
        if isinstance(target, ModelType):
            self.args(call, frame)
            return InstanceType(target.model, created=True)
        if isinstance(target, FunctionRef):
            return self.call_function(target, call, origin, frame)
        if isinstance(target, Imported):
            return self.django_call(target, call, origin, frame)
        self.args(call, frame)
        return None

    def call_function(self, ref: FunctionRef, call: cst.Call | None, origin: Origin, frame: Frame, self_type=None):
        positional, keywords = self.args(call, frame)
        params = _parameters(ref.node)
        bindings = {}
        if self_type is not None and params:
            bindings[params[0]] = self_type
            params = params[1:]
        for name, (_, value) in zip(params, positional):
            if value is not None:
                bindings[name] = value
        for name, (_, value) in keywords.items():
            if value is not None and name in params:
                bindings[name] = value
        return self.call(ref, bindings, frame, frame.via or origin)

    def method(self, base, name: str, call: cst.Call | None, origin: Origin, frame: Frame):
        """``base.name(...)`` called (CALL is None for a template's ``{{ base.name }}``)."""
        if isinstance(base, QuerySetType):
            return self.queryset_method(base, name, call, origin, frame)
        if isinstance(base, RelatedRowsType):
            base = base.manager
        if isinstance(base, RelatedManagerType):
            return self.manager_method(base, name, call, origin, frame)
        if isinstance(base, InstanceType):
            return self.row_method(base, name, call, origin, frame)
        if isinstance(base, ClassSelf):
            member = base.cls.member(name)
            if isinstance(member, FunctionRef):
                return self.call_function(member, call, origin, frame, self_type=base)
        if isinstance(base, Imported) and base.name == "django.apps.apps" and name == "get_model":
            positional, _ = self.args(call, frame)
            return _model_named(*[_literal(node) for node, _ in positional])
        if isinstance(base, (ModuleRef, ModelType, Imported)):
            return self.call_value(self.attribute(base, name, origin, frame), call, origin, frame)
        self.args(call, frame)
        return None

    def queryset_method(self, qs: QuerySetType, name: str, call, origin: Origin, frame: Frame):
        positional, keywords = self.args(call, frame)
        new = None
        if name in _CHAIN or name in _FILTERS or name in _ORDERS:
            new = qs.derive(origin=origin)
        if name == "select_related":
            strings = [_literal(node) for node, _ in positional]
            if not positional:
                new = qs.derive(origin=origin, select_all=True)
            elif strings == [None]:
                new = qs.derive(origin=origin, select=frozenset(), select_all=False)
            else:
                new = qs.derive(origin=origin, select=qs.select | {s for s in strings if isinstance(s, str)})
        elif name == "prefetch_related":
            new = self.prefetch(qs, positional, origin)
        elif name in ("values", "values_list"):
            new = qs.derive(origin=origin, values=True)
        elif name == "fetch_mode":
            modes = [value for _, value in positional if isinstance(value, Imported)]
            new = qs.derive(origin=origin, fetch_peers=any(m.short in ("FETCH_PEERS", "FETCH_RAISE") for m in modes))
        uses = self.uses(qs, name, positional, keywords, frame)
        if uses:
            new = (new or qs).derive(uses=qs.uses + tuple(uses))
            self.events.queries.append(new.uses)
        if name == "create" and frame.loops:
            self.events.rows.append(RowQuery("create", origin, frame.loops[-1], qs.model, "create", via=frame.via))
        if name in _SINGLE:
            row = InstanceType(qs.model, new or qs)
            return TupleType((row, None)) if name.endswith("_or_create") else row
        if new is not None:
            return new
        return self.custom_method(qs, name, call, origin, frame) if not _is_builtin_queryset(name) else None

    def prefetch(self, qs: QuerySetType, positional, origin: Origin) -> QuerySetType:
        paths, lists, uses = set(qs.prefetch), list(qs.lists), []
        for node, value in positional:
            lookup = _literal(node)
            if isinstance(lookup, str):
                paths.add(lookup)
            elif isinstance(value, PrefetchType):
                lookup = value.lookup
                name = value.to_attr or lookup
                paths.add(name)
                if value.queryset is not None:
                    paths |= {join(name, inner) for inner in value.queryset.select | value.queryset.prefetch}
                relation = attribute(qs.model, lookup) if "__" not in lookup else None
                if value.to_attr and (value.queryset is not None or relation is not None):
                    model = value.queryset.model if value.queryset is not None else relation[1]
                    lists.append((value.to_attr, model, relation[2] if relation else None, lookup))
            if isinstance(lookup, str):
                uses += [Use(m, f, "join", origin, "prefetch_related")
                         for m, f, kind in resolve_lookup(qs.model, lookup) if kind == "join"]
        if uses:
            self.events.queries.append(tuple(uses))
        return qs.derive(origin=origin, prefetch=frozenset(paths), lists=tuple(lists))

    def uses(self, qs: QuerySetType, method: str, positional, keywords, frame: Frame) -> list[Use]:
        """The columns this call filters or orders on."""
        found = []

        def add(lookup, node, kind=None):
            for model, name, use_kind in resolve_lookup(qs.model, lookup, kind):
                found.append(Use(model, name, use_kind, frame.origin(node), method))

        if method in _FILTERS:
            for key, (node, _) in keywords.items():
                if key not in ("defaults", "create_defaults"):
                    add(key, node)
            for node, value in positional:
                if isinstance(value, QType) and value.any_of:  # each alternative needs its own index
                    for lookup, where in value.lookups:
                        alone = len(found)
                        add(lookup, where)
                        self.events.queries.append(qs.uses + tuple(found[alone:]))
                        del found[alone:]
                elif isinstance(value, QType):
                    for lookup, where in value.lookups:
                        add(lookup, where)
        elif method in _ORDERS:
            for node, _ in positional:
                name = _order_name(node)
                if name:
                    add(name, node, "order")
        return found

    def custom_method(self, qs: QuerySetType, name: str, call, origin: Origin, frame: Frame):
        """A method of the model's own manager or queryset class (``Product.objects.active()``)."""
        for manager in qs.model._meta.managers:
            for cls in (type(manager), getattr(manager, "_queryset_class", None)):
                function = inspect.getattr_static(cls, name, None) if cls is not None else None
                ref = self.function_ref(function)
                if ref is not None:
                    result = self.call_function(ref, call, origin, frame, self_type=qs)
                    # the query is the call as the caller wrote it (Product.objects.active())
                    return result.derive(origin=origin) if isinstance(result, QuerySetType) else result
        return None

    def manager_method(self, manager: RelatedManagerType, name: str, call, origin: Origin, frame: Frame):
        owner = manager.owner
        per_row = _active(owner, frame)
        loaded = owner.queryset is not None and owner.queryset.loads(manager.path, forward=False)

        def row_query(kind):
            self.events.rows.append(RowQuery(kind, origin, owner.loop, owner.model, manager.name, manager.model,
                                             owner.queryset, manager.path, owner.path, via=frame.via))

        if name == "all":
            self.args(call, frame)
            if per_row and not loaded:
                row_query("many")
            return RelatedRowsType(manager)
        if name in ("count", "exists"):
            self.args(call, frame)
            if per_row and not loaded:
                row_query(name)
            return None
        if name in _RELATED_QUERIES:
            if per_row:
                row_query("query")
            _, _, column = attribute(owner.model, manager.name)
            uses = (Use(manager.model, column, "eq", origin, name),) if column else ()
            fresh = QuerySetType(manager.model, origin=origin, uses=uses)
            return self.queryset_method(fresh, name, call, origin, frame)
        if name == "create" and frame.loops:
            self.args(call, frame)
            self.events.rows.append(RowQuery("create", origin, frame.loops[-1], manager.model, "create",
                                             via=frame.via))
            return InstanceType(manager.model)
        self.args(call, frame)
        return None

    def row_method(self, row: InstanceType, name: str, call, origin: Origin, frame: Frame):
        if name == "save":
            self.args(call, frame)
            if row.created and frame.loops:
                self.events.rows.append(RowQuery("create", origin, frame.loops[-1], row.model, "save",
                                                 via=frame.via))
            elif _active(row, frame) and not row.path:
                self.events.rows.append(RowQuery("save", origin, row.loop, row.model, "save",
                                                 queryset=row.queryset,
                                                 fields=tuple(dict.fromkeys(frame.assigned.get(row.loop, []))),
                                                 via=frame.via))
            return None
        if call is None and attribute(row.model, name) is not None:  # a template reading {{ row.relation }}
            return self.row_attribute(row, name, origin, frame)
        return self.member(row, name, call, origin, frame, called=True)

    def member(self, row: InstanceType, name: str, call, origin: Origin, frame: Frame, called: bool = False):
        """A property or (CALLED) method of the model, written in the project: walked with
        ``self`` bound to ROW when ROW is one of a loop's rows."""
        value = inspect.getattr_static(row.model, name, None)
        if isinstance(value, property):
            function = value.fget
        elif type(value).__name__ == "cached_property":
            function = value.func
        else:
            function = value if inspect.isfunction(value) and called else None
        ref = self.function_ref(function)
        if ref is None or not _active(row, frame):
            self.args(call, frame)
            return None
        return self.call_function(ref, call, origin, frame, self_type=row)

    def django_call(self, target: Imported, call: cst.Call, origin: Origin, frame: Frame):
        positional, keywords = self.args(call, frame)
        if target.is_django("Q"):
            lookups = [(key, node) for key, (node, _) in keywords.items()]
            for _, value in positional:
                if isinstance(value, QType):
                    lookups += value.lookups
            return QType(tuple(lookups))
        if target.is_django("Prefetch"):
            lookup = _literal((keywords.get("lookup") or (positional[0] if positional else (None, None)))[0])
            queryset = (keywords.get("queryset") or (positional[1] if len(positional) > 1 else (None, None)))[1]
            to_attr = _literal(keywords["to_attr"][0]) if "to_attr" in keywords else None
            if isinstance(lookup, str):
                return PrefetchType(lookup, queryset if isinstance(queryset, QuerySetType) else None,
                                    to_attr if isinstance(to_attr, str) else None)
            return None
        if target.is_django("get_object_or_404", "get_list_or_404") and positional:
            source = positional[0][1]
            qs = QuerySetType(source.model, origin=origin) if isinstance(source, ModelType) else source
            if not isinstance(qs, QuerySetType):
                return None
            uses = self.uses(qs, "get", positional[1:], keywords, frame)
            if uses:
                self.events.queries.append(qs.uses + tuple(uses))
            return InstanceType(qs.model, qs) if target.short == "get_object_or_404" else qs
        if target.is_django("render", "TemplateResponse", "render_to_string"):
            first = 0 if target.short == "render_to_string" else 1
            name = keywords.get("template_name", positional[first] if len(positional) > first else (None, None))
            context = keywords.get("context", positional[first + 1] if len(positional) > first + 1 else (None, None))
            if isinstance(_literal(name[0]), str) and isinstance(context[1], DictType):
                self.events.renders.append(Render(_literal(name[0]), context[1], origin, frame.file.app_label))
            return None
        if target.is_django("get_user_model"):
            from django.contrib.auth import get_user_model

            return ModelType(get_user_model())
        return None

    # -- class-based views -------------------------------------------------------------------------

    def view_render(self, cls: ClassRef, frame: Frame) -> None:
        """A class-based view with a literal ``template_name``: what its template gets."""
        template = _literal(cls.member("template_name"))
        if not isinstance(template, str):
            return
        view = ClassSelf(cls)
        get_queryset = cls.member("get_queryset")
        origin = frame.origin(cls.node.name)
        if isinstance(get_queryset, FunctionRef):
            rows = self.call(get_queryset, _self_binding(get_queryset.node, None, cls))
        else:
            rows = self.attribute(view, "queryset", origin, frame)
            model = self.attribute(view, "model", origin, frame)
            if rows is None and isinstance(model, ModelType):
                rows = QuerySetType(model.model, origin=Origin(frame.file, at=origin.line,
                                                               written=f"{model.model.__name__}.objects.all()"))
        context = DictType(())
        if isinstance(rows, QuerySetType):
            name = _literal(cls.member("context_object_name")) or rows.model._meta.model_name
            bases = " ".join(cls.base_names())
            if "ListView" in bases or "MultipleObject" in bases:
                context = context.with_item("object_list", rows).with_item(
                    name if cls.member("context_object_name") else f"{name}_list", rows)
            elif "DetailView" in bases or "SingleObject" in bases:
                row = InstanceType(rows.model, rows)
                context = context.with_item("object", row).with_item(name, row)
        extra = cls.member("get_context_data")
        if isinstance(extra, FunctionRef):
            added = self.call(extra, _self_binding(extra.node, None, cls))
            for key, value in added.items if isinstance(added, DictType) else ():
                context = context.with_item(key, value)
        self.events.renders.append(Render(template, context, origin, frame.file.app_label))

    # -- helpers -----------------------------------------------------------------------------------

    def function_ref(self, function) -> FunctionRef | None:
        """The parsed definition of a function object written in the project."""
        code = getattr(function, "__code__", None)
        parsed = self.resolver.sources.file(code.co_filename) if code is not None else None
        node = parsed.function_at(code.co_firstlineno) if parsed is not None else None
        return FunctionRef(parsed, node) if node is not None else None


def _active(row: InstanceType, frame: Frame) -> bool:
    """Whether ROW is one of many here: bound by a loop this code runs inside."""
    return row.loop is not None and row.loop in frame.loops


def _parameters(node: cst.FunctionDef) -> list[str]:
    params = node.params
    return [p.name.value for p in [*params.posonly_params, *params.params, *params.kwonly_params]]


def _body(node: cst.FunctionDef):
    return node.body.body


def _self_binding(node: cst.FunctionDef, model, cls) -> dict:
    """What the first parameter of a method is: the row (model methods), the model
    (classmethods of a model) or the view (methods of other classes)."""
    params = _parameters(node)
    decorators = {cst.helpers.get_full_name_for_node(d.decorator) for d in node.decorators}
    if not params or "staticmethod" in decorators:
        return {}
    if model is not None:
        return {params[0]: ModelType(model) if "classmethod" in decorators else InstanceType(model)}
    return {params[0]: ClassSelf(cls)}


def _names(target) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in _names(element.value)]
    return []


def _literal(node):
    """The value of a string or integer literal node (None for anything else)."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.Integer):
        return int(node.value)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) and \
            isinstance(node.expression, cst.Integer):
        return -int(node.expression.value)
    return None


def _order_name(node) -> str | None:
    """The field an order_by() argument sorts on: "-name", F("name"), F("name").desc()."""
    value = _literal(node)
    if isinstance(value, str):
        return value.lstrip("-") if value != "?" else None
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Call):
        node = node.func.value
    if isinstance(node, cst.Call) and (cst.helpers.get_full_name_for_node(node.func) or "").split(".")[-1] == "F" \
            and node.args:
        return _literal(node.args[0].value)
    return None


def _model_named(app_label=None, model_name=None):
    from django.apps import apps

    if isinstance(app_label, str) and isinstance(model_name, str):
        try:
            return ModelType(apps.get_model(app_label, model_name))
        except LookupError:
            return None
    return None


def _is_builtin_queryset(name: str) -> bool:
    from django.db.models import QuerySet

    return hasattr(QuerySet, name)
