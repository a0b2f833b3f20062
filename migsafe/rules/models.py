"""MS52x: model definitions whose consequences land in the database.

Code rules over the checked apps' models (from the app registry), pointing at the line in
models.py that says it.
"""

from __future__ import annotations

import re

import django

from migsafe.rules.registry import Rule, register

_MONEY = re.compile(r"(price|amount|cost|total|balance|fee|salary|wage|tax|money|revenue|payment|credit|debit|"
                    r"budget|discount|refund|charge)", re.IGNORECASE)
_CHECK_KEYWORD = "condition" if django.VERSION >= (5, 1) else "check"


def _fields(context):
    """(model, field, location) for the concrete fields each checked model declares."""
    for model in context.models:
        for f in model._meta.local_fields:
            location = context.model_location(model, field=f.name)
            if location is not None:
                yield model, f, location


def _label(model, f) -> str:
    return f"{model.__name__}.{f.name}"


@register
class ForeignKeyWithoutConstraint(Rule):
    id = "MS521"
    severity = "warning"
    family = "models"
    scope = "code"
    title = "Foreign key without a database constraint (db_constraint=False)"
    why = (
        "Without the constraint PostgreSQL accepts rows that point at nothing, and deleting a parent leaves "
        "orphans behind: every join then silently drops or mismatches rows."
    )
    fix = (
        "Remove db_constraint=False (migsafe fix adds the constraint NOT VALID, then validates it without "
        "blocking writes); keep it only when the parent lives in another database."
    )

    def check_code(self, context):
        return [(where, f"{_label(model, f)} has db_constraint=False: the database does not check that "
                        f"{f.column} points at a {f.related_model.__name__}", self.fix)
                for model, f, where in _fields(context) if f.is_relation and not f.db_constraint]


@register
class NullableString(Rule):
    id = "MS522"
    severity = "info"
    family = "models"
    scope = "code"
    title = "String field with null=True"
    why = (
        "A CharField or TextField with null=True has two empty values, NULL and '': queries must test "
        "both, and unique or equality checks treat them differently."
    )
    fix = "Drop null=True and store '' for no value (keep it only with unique=True, where many '' would collide)."

    def check_code(self, context):
        from django.db.models import CharField, TextField

        return [(where, f"{_label(model, f)} is a string field with null=True: it can be NULL or ''", self.fix)
                for model, f, where in _fields(context)
                if isinstance(f, (CharField, TextField)) and f.null and not f.unique]


def _checked_fields(constraint) -> set[str]:
    from django.db.models import Q

    from migsafe.code.schema import referenced_fields

    condition = getattr(constraint, "condition", None) or getattr(constraint, "check", None)

    def walk(q):
        names = set()
        for child in q.children:
            names |= walk(child) if isinstance(child, Q) else \
                {child[0].split("__")[0]} if isinstance(child, tuple) else referenced_fields(child)
        return names

    return walk(condition) if isinstance(condition, Q) else referenced_fields(condition)


@register
class ChoicesWithoutCheck(Rule):
    id = "MS523"
    severity = "warning"
    family = "models"
    scope = "code"
    title = "Field with choices and no CheckConstraint"
    why = (
        "choices are only checked by forms and full_clean(): save(), update(), bulk_create(), raw SQL "
        "and other services write any value, and the code reading it then meets values it does not know."
    )
    fix = "Add a CheckConstraint that the column is one of the choices (added NOT VALID, then validated)."

    def check_code(self, context):
        from django.db.models import BooleanField, CheckConstraint

        found = []
        for model, f, where in _fields(context):
            if not f.choices or isinstance(f, BooleanField):
                continue
            checked = {name for c in model._meta.constraints if isinstance(c, CheckConstraint)
                       for name in _checked_fields(c)}
            if f.name in checked or f.attname in checked:
                continue
            values = [value for value, _ in f.flatchoices]
            condition = f"models.Q({f.name}__in={values!r})"
            if f.null:
                condition += f" | models.Q({f.name}__isnull=True)"
            name = f"{model._meta.db_table}_{f.name}_valid"
            constraint = f'models.CheckConstraint({_CHECK_KEYWORD}={condition}, name="{name}")'
            found.append((where, f"{_label(model, f)} has choices but the database accepts any value",
                          f"Add `{constraint}` to {model.__name__}.Meta.constraints; `migsafe fix` adds it NOT VALID "
                          "and validates it in the next migration."))
        return found


@register
class LegacyTogether(Rule):
    id = "MS524"
    severity = "info"
    family = "models"
    scope = "code"
    title = "unique_together / index_together instead of UniqueConstraint / Index"
    why = (
        "unique_together and index_together are the legacy forms (index_together was removed in Django "
        "5.1): they cannot be named, conditional or on expressions, and Django's documentation steers "
        "new code to Meta.constraints and Meta.indexes."
    )
    fix = (
        "Replace them with UniqueConstraint / Index; to keep the existing index rather than rebuild it, "
        "rename it to the new name in a SeparateDatabaseAndState (ALTER INDEX ... RENAME TO)."
    )

    def check_code(self, context):
        found = []
        for model in context.models:
            for option, replacement in (("unique_together", "models.UniqueConstraint"),
                                        ("index_together", "models.Index")):
                groups = getattr(model._meta, option, ())
                where = context.model_location(model, option=option) if groups else None
                if where is None:
                    continue
                code = ", ".join(f'{replacement}(fields={list(fields)!r}, name="...")' for fields in groups)
                target = "constraints" if option == "unique_together" else "indexes"
                found.append((where, f"{model.__name__}.Meta.{option} = {[list(g) for g in groups]!r}",
                              f"Use `{code}` in {model.__name__}.Meta.{target}; to keep the existing index rather "
                              "than rebuild it, rename it in a SeparateDatabaseAndState (ALTER INDEX ... RENAME TO)."))
        return found


@register
class FloatMoney(Rule):
    id = "MS525"
    severity = "warning"
    family = "models"
    scope = "code"
    title = "FloatField for money"
    why = (
        "double precision cannot hold most decimal fractions: 0.1 + 0.2 is not 0.3, sums drift by cents "
        "and equal amounts compare unequal."
    )
    fix = "Use DecimalField(max_digits=..., decimal_places=2) (numeric in PostgreSQL)."

    def check_code(self, context):
        from django.db.models import FloatField

        return [(where, f"{_label(model, f)} stores an amount of money as a float", self.fix)
                for model, f, where in _fields(context) if isinstance(f, FloatField) and _MONEY.search(f.name)]


@register
class DeletesLeftToChance(Rule):
    id = "MS526"
    severity = "warning"
    family = "models"
    scope = "code"
    title = "on_delete=DO_NOTHING on a constrained foreign key"
    why = (
        "DO_NOTHING says nothing about what deleting the parent should do: Django does nothing and the "
        "foreign key constraint then rejects the delete with an IntegrityError, or, without the "
        "constraint, leaves orphans."
    )
    fix = "Say what should happen: CASCADE, PROTECT, RESTRICT, or SET_NULL (with null=True)."

    def check_code(self, context):
        from django.db import models

        fix = self.fix
        if hasattr(models, "DB_CASCADE"):
            fix += (" On Django 6.1+, models.DB_CASCADE / DB_SET_NULL let PostgreSQL do it (ON DELETE in the "
                    "constraint).")
        return [(where, f"{_label(model, f)} has on_delete=DO_NOTHING: deleting a {f.related_model.__name__} "
                        "that rows still reference fails with an IntegrityError", fix)
                for model, f, where in _fields(context)
                if f.many_to_one and f.remote_field.on_delete is models.DO_NOTHING and f.db_constraint]


@register
class MutableDefault(Rule):
    id = "MS527"
    severity = "warning"
    family = "models"
    scope = "code"
    title = "JSONField (or other field) with a mutable default"
    why = (
        "default={} or default=[] is one object shared by every instance the process creates: changing "
        "one instance's value in place changes the default of all later ones."
    )
    fix = "Pass the callable instead: default=dict or default=list."

    def check_code(self, context):
        return [(where, f"{_label(model, f)} has default={f.default!r}, one {type(f.default).__name__} shared by "
                        "every new instance", f"Pass the callable: default={type(f.default).__name__}.")
                for model, f, where in _fields(context)
                if f.has_default() and isinstance(f.default, (dict, list, set))]
