"""Which model each table belongs to, from the models Django loaded for the project."""

from __future__ import annotations


def table_models() -> dict[str, str]:
    """db_table -> "app_label.Model" for every installed model (many-to-many tables as
    "app_label.Model_field", the name Django gives their through model)."""
    from django.apps import apps

    return {model._meta.db_table: model._meta.label
            for model in apps.get_models(include_auto_created=True) if not model._meta.proxy}
