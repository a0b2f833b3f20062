"""The project state before and after each operation, as the schema editor needs it.

Django's `migrate` clones the whole state and re-renders every related model class for
each operation; on a large history nearly all the time goes there. Offline, migsafe keeps
one state that is never rendered, and for each operation renders only the models the
operation touches, plus "stubs" of their neighbours: the tables their relations point to
(or that point to them, for operations that follow reverse relations), reduced to the
columns the SQL can depend on. Operations that never look at models render nothing.

Live rendering (a scratch database) keeps Django's own way, so the test comparing
offline and live SQL also checks the partial rendering against Django's.
"""

from __future__ import annotations

from django.db.migrations import operations as ops
from django.db.migrations.state import ModelState, ProjectState

try:  # contrib.postgres is importable whenever psycopg is (a migsafe dependency)
    from django.contrib.postgres import operations as pg_ops
except Exception:  # pragma: no cover - defensive: a broken contrib install
    pg_ops = None

Key = tuple[str, str]

# Operations whose database side only reads the models they name.
_OWN_MODEL = (
    ops.CreateModel, ops.AddField, ops.AddIndex, ops.RemoveIndex, ops.RenameIndex,
    ops.AddConstraint, ops.RemoveConstraint, ops.AlterModelTableComment,
    ops.AlterUniqueTogether, ops.AlterIndexTogether, ops.AlterOrderWithRespectTo,
    ops.AlterModelOptions, ops.AlterModelManagers,
)
# Operations that may follow reverse relations (FKs pointing at the model).
_REVERSE = (
    ops.AlterField, ops.RenameField, ops.RemoveField, ops.RenameModel, ops.DeleteModel,
    ops.AlterModelTable,
)
# Operations that never look at models.
_NO_MODELS = (ops.RunSQL, ops.RunPython)
if hasattr(ops, "AlterConstraint"):  # Django >= 5.2
    _OWN_MODEL += (ops.AlterConstraint,)
if pg_ops is not None:
    _OWN_MODEL += (pg_ops.ValidateConstraint,)
    _NO_MODELS += (pg_ops.CreateExtension, pg_ops.CreateCollation, pg_ops.RemoveCollation)

ALL_RELATIONS = ("*",)  # in a stub's field names: keep every relation (intermediate models)
_STUB_OPTIONS = ("db_table", "db_tablespace", "managed", "proxy", "swappable", "abstract", "default_related_name")


def install_speedups() -> None:
    """Remove two costs Django pays per operation that do not depend on the history.

    * Every rendered StateApps clears the functools cache of get_swappable_settings_name,
      which is shared by all Apps instances, so each related field's deconstruct() on the
      global registry walks every installed model again. The global registry does not
      change while migsafe runs; it gets a memo of its own (cleared by its own
      clear_cache(), as before).
    * ProjectState.alter_field() scans every field of every model (field_is_referenced)
      only to pass ``delay`` to reload_model(), which does nothing on a state whose apps
      were never rendered, as migsafe's single running state is.
    * ProjectState.rename_field() scans every field of every model (get_references) for
      the fields pointing at the renamed one; on such a state with its relation index
      built, only the model itself and the models the index says point at it can.
    """
    import functools

    from django.apps import apps
    from django.db.migrations import state as state_module
    from django.db.migrations.utils import field_references

    if "get_swappable_settings_name" not in vars(apps):
        unwrapped = type(apps).get_swappable_settings_name.__wrapped__  # not the class-wide cache
        apps.get_swappable_settings_name = functools.cache(functools.partial(unwrapped, apps))
    original = state_module.field_is_referenced
    if getattr(original, "migsafe", False):
        return

    def field_is_referenced(state, model_tuple, field_tuple):
        if "apps" not in state.__dict__:
            return False
        return original(state, model_tuple, field_tuple)

    field_is_referenced.migsafe = True
    state_module.field_is_referenced = field_is_referenced
    all_references = state_module.get_references

    def get_references(state, model_tuple, field_tuple=()):
        relations = state.__dict__.get("_relations")
        if "apps" in state.__dict__ or relations is None:
            yield from all_references(state, model_tuple, field_tuple)
            return
        pointing = relations[model_tuple] if model_tuple in relations else {}
        for key in dict.fromkeys([model_tuple, *pointing]):
            model_state = state.models.get(key)
            for name, field in model_state.fields.items() if model_state else ():
                reference = field_references(key, field, model_tuple, *field_tuple)
                if reference:
                    yield model_state, name, field, reference

    state_module.get_references = get_references


class FullStates:
    """Django's way (Migration.apply): a full clone of the state per operation."""

    def __init__(self, real_apps) -> None:
        self.state = ProjectState(real_apps=real_apps)

    def apply(self, app_label: str, operation) -> "Step":
        before = self.state.clone()
        operation.state_forwards(app_label, self.state)
        return Step(before, self.state)


class Step:
    """The states an operation's database side runs between."""

    def __init__(self, before: ProjectState, after: ProjectState, widen=None, sql_free: bool = False) -> None:
        self.before = before
        self.after = after
        self._widen = widen
        self.sql_free = sql_free  # known to emit no SQL: nothing to render

    @property
    def partial(self) -> bool:
        return self._widen is not None

    def widen(self) -> "Step":
        """Full states, for an operation that needed more than its partial states held."""
        return self._widen()


class PartialStates:
    """One unrendered state; per operation, small rendered states holding what it touches.

    Rendered states are cached by what they hold (model keys, versions, stub shapes), so
    the state after one operation serves as the state before the next one on that model.
    """

    CACHE_SIZE = 64

    def __init__(self, real_apps) -> None:
        install_speedups()
        self.real_apps = real_apps
        self.state = ProjectState(real_apps=real_apps)
        self._versions: dict[Key, int] = {}
        self._epoch = 0
        self._cache: dict[tuple, ProjectState] = {}

    def apply(self, app_label: str, operation) -> Step:
        touched = _touched(app_label, operation)
        if touched is None:
            before = self.state.clone()
            operation.state_forwards(app_label, self.state)
            self._epoch += 1  # anything may have changed
            self._cache.clear()
            return Step(before, self.state.clone())
        reverse = _needs_reverse(operation, app_label, self.state)
        before_spec = self._spec(touched, reverse)
        before_models = {key: self.state.models[key].clone() for key in touched if key in self.state.models}
        sql_free = _alters_nothing(operation, app_label, self.state)
        before = self._rendered(before_spec, before_models) if not sql_free else None
        operation.state_forwards(app_label, self.state)
        for key in touched | (set(before_spec) if reverse else set()):
            self._versions[key] = self._versions.get(key, 0) + 1
        if sql_free:
            return Step(None, None, sql_free=True)
        after = self._rendered(self._spec(touched, reverse), {})

        def widen() -> Step:
            # Outside TOUCHED nothing changed, so the full "before" is today's state with
            # the touched models put back as they were.
            full_before = self.state.clone()
            for key in touched:
                if key in before_models:
                    full_before.models[key] = before_models[key]
                else:
                    full_before.models.pop(key, None)
            return Step(full_before, self.state.clone())

        return Step(before, after, widen)

    def _spec(self, touched: set[Key], reverse: bool) -> dict[Key, frozenset | None]:
        """Models to render: None for a whole model, else the field names a stub keeps."""
        models = self.state.models
        spec: dict[Key, frozenset | None] = {key: None for key in touched if key in models}
        keep: dict[Key, set[str]] = {}
        if reverse:
            relations = self.state.relations
            for key in touched:
                for other, fields in relations.get(key, {}).items():
                    if fields and other not in spec and other in models:
                        keep.setdefault(other, set()).update(fields)
        pending = list(spec) + list(keep)
        seen = set(pending)
        while pending:
            key = pending.pop()
            model_state = models[key]
            names = None if spec.get(key, 0) is None else keep.get(key, set())
            for target, fields in _neighbours(model_state, names):
                if target in spec or target not in models:
                    continue
                kept = keep.setdefault(target, set())
                added = set(fields) - kept
                if target not in seen or added:  # a stub that keeps more follows more
                    kept |= added
                    seen.add(target)
                    pending.append(target)
        for key, names in keep.items():
            if key not in spec:
                spec[key] = frozenset(names)
        return spec

    def _rendered(self, spec: dict[Key, frozenset | None], overrides: dict[Key, ModelState]) -> ProjectState:
        """A ProjectState of SPEC's models (OVERRIDES standing for the live ones), from cache."""
        signature = (self._epoch, frozenset((key, self._versions.get(key, 0), names) for key, names in spec.items()))
        cached = self._cache.get(signature)
        if cached is not None:
            return cached
        models = {}
        uses_real_apps = False
        for key, names in spec.items():
            if names is None:
                # A copy: later operations change the live model states in place.
                models[key] = overrides.get(key) or self.state.models[key].clone()
            else:
                models[key] = _stub(self.state.models[key], names)
        for model_state in models.values():
            if any(target[0] in self.real_apps for target, _ in _neighbours(model_state, None)):
                uses_real_apps = True
                break
        state = ProjectState(models=models, real_apps=self.real_apps if uses_real_apps else set())
        if len(self._cache) >= self.CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[signature] = state
        return state


def _touched(app_label: str, operation) -> set[Key] | None:
    """Models an operation's database side reads, or None when unknown (custom operations)."""
    kind = type(operation)
    if kind in _NO_MODELS:
        return set()
    if kind is ops.SeparateDatabaseAndState:
        keys: set[Key] = set()
        for inner in operation.database_operations:
            inner_keys = _touched(app_label, inner)
            if inner_keys is None:
                return None
            keys |= inner_keys
        return keys
    if kind is ops.RenameModel:
        return {(app_label, operation.old_name_lower), (app_label, operation.new_name_lower)}
    if kind in _OWN_MODEL or kind in _REVERSE or (pg_ops and kind in (pg_ops.AddIndexConcurrently,
                                                                      pg_ops.RemoveIndexConcurrently,
                                                                      pg_ops.AddConstraintNotValid)):
        name = getattr(operation, "model_name_lower", None) or getattr(operation, "name_lower", None)
        if name is None and getattr(operation, "model_name", None):
            name = operation.model_name.lower()
        return {(app_label, name)} if name else None
    return None


def _needs_reverse(operation, app_label: str, state: ProjectState) -> bool:
    """Whether the operation's SQL may follow relations pointing at its model.

    For a field that is not (and does not become) a primary key or unique, never: Django's
    schema editor alters incoming foreign keys only for those (a to_field target must be
    unique), and the models pointing at a big table are most of what rendering would cost.
    """
    kind = type(operation)
    if kind is ops.SeparateDatabaseAndState:
        return any(_needs_reverse(inner, app_label, state) for inner in operation.database_operations)
    if kind not in _REVERSE:
        return False
    if kind in (ops.AlterField, ops.RenameField, ops.RemoveField):
        model_state = state.models.get((app_label, operation.model_name_lower))
        name = operation.old_name if kind is ops.RenameField else operation.name
        old = model_state.fields.get(name) if model_state else None
        new = getattr(operation, "field", None)
        return old is None or _keyed(old) or (new is not None and _keyed(new))
    return True


def _keyed(field) -> bool:
    return bool(field.primary_key or field.unique)


def _model_key(reference, app_label: str) -> Key | None:
    """Key of a model reference in a state: "app.Model", "Model", or a model class."""
    if isinstance(reference, str):
        if reference == "self":
            return None
        if "." in reference:
            label, _, name = reference.partition(".")
            return (label, name.lower())
        return (app_label, reference.lower())
    meta = getattr(reference, "_meta", None)
    if meta is not None and not meta.abstract:
        return (meta.app_label, meta.model_name)
    return None


def _neighbours(model_state: ModelState, names: frozenset | set | None):
    """(target key, fields the target must keep) for what rendering MODEL_STATE needs.

    NAMES limits the relations followed to those a stub keeps (None: all of them).
    Targets keep the fields relations point at (to_field); intermediate models keep
    their foreign keys, which M2M code reads.
    """
    app_label = model_state.app_label
    for base in model_state.bases:
        key = _model_key(base, app_label)
        if key is not None:
            yield key, ()
    for name, field in model_state.fields.items():
        remote = getattr(field, "remote_field", None)
        if remote is None or not _kept(name, field, names):
            continue
        key = _model_key(remote.model, app_label) or (app_label, model_state.name_lower)
        yield key, tuple(f for f in getattr(field, "to_fields", ()) or () if f)
        through = getattr(remote, "through", None)
        if through is not None:
            through_key = _model_key(through, app_label)
            if through_key is not None:
                yield through_key, ALL_RELATIONS


def _kept(name: str, field, names) -> bool:
    if names is None or name in names or ALL_RELATIONS[0] in names:
        return True
    return bool(field.primary_key or getattr(getattr(field, "remote_field", None), "parent_link", False))


def _stub(model_state: ModelState, names: frozenset) -> ModelState:
    """MODEL_STATE reduced to what another model's SQL can read from it.

    A stub keeps its table options, primary key and parent links (the key's type) and the
    fields in NAMES: columns other models point at, or relations to the rendered models.
    Everything else, and all its other relations, are left out, so their targets need
    not be rendered.
    """
    fields = {name: field for name, field in model_state.fields.items() if _kept(name, field, names)}
    options = {k: v for k, v in model_state.options.items() if k in _STUB_OPTIONS}
    return ModelState(model_state.app_label, model_state.name, fields, options, model_state.bases, managers=[])


def _alters_nothing(operation, app_label: str, state: ProjectState) -> bool:
    """An AlterField that changes only attributes with no database effect (help_text, ...).

    Mirrors the schema editor's own _field_should_be_altered() on the unrendered fields,
    so that such operations need no rendering at all.
    """
    if type(operation) is not ops.AlterField:
        return False
    model_state = state.models.get((app_label, operation.model_name_lower))
    old = model_state.fields.get(operation.name) if model_state else None
    new = operation.field
    if old is None or old.many_to_many or new.many_to_many or not operation.preserve_default:
        return False
    if type(old) is not type(new) or old.db_column != new.db_column:
        return False
    _, old_path, old_args, old_kwargs = old.deconstruct()
    _, new_path, new_args, new_kwargs = new.deconstruct()
    for attr in old.non_db_attrs:
        old_kwargs.pop(attr, None)
    for attr in new.non_db_attrs:
        new_kwargs.pop(attr, None)
    return (old_path, old_args, old_kwargs) == (new_path, new_args, new_kwargs)
