"""What code rules look at: the checked apps' models and files, what the walk over them found,
and the schema the migrations build."""

from __future__ import annotations

import re
from functools import cached_property

from migsafe.code.schema import Definitions, concrete_models
from migsafe.code.sources import Sources
from migsafe.rules.registry import Location


def code_apps(project, exclude: set, only: str | None = None) -> list:
    """App configs whose code lives in the project (not Django's or installed packages')."""
    from django.apps import apps

    return [config for config in apps.get_app_configs()
            if project.contains(config.path) and config.label not in exclude and (only is None or config.label == only)]


def _names_a_query():
    """Whether a file's text names something a query starts from: a model, a manager, or one of
    Django's query and rendering helpers."""
    from django.apps import apps

    models = apps.get_models()
    words = {m.__name__ for m in models} | {name for m in models for name in m._meta.managers_map} | {
        "get_object_or_404", "get_list_or_404", "render", "render_to_string", "TemplateResponse",
        "template_name", "get_user_model", "get_model", "select_related", "prefetch_related"}
    pattern = re.compile(r"\b(?:%s)\b" % "|".join(sorted(map(re.escape, words))))
    return lambda text: pattern.search(text) is not None


class CodeContext:
    def __init__(self, project, app_configs, rendered=None) -> None:
        self.project = project
        self.app_configs = app_configs
        self.rendered = rendered  # the RenderResult of the check: the migrations' DDL
        self.models = concrete_models(app_configs)
        self.sources = Sources(project, app_configs, _names_a_query())
        self.definitions = Definitions(self.sources)

    @cached_property
    def events(self):
        """Queries, per-row queries and renders of the whole project's code and templates."""
        from migsafe.code import templates
        from migsafe.code.resolve import Resolver
        from migsafe.code.walk import Events, Walker

        events = Events()
        walker = Walker(Resolver(self.sources), events)
        for file in list(self.sources.checked):
            try:
                walker.walk_file(file)
            except Exception as exc:  # the project's code may hold anything: one file must not stop the check
                self.sources.not_analysed(file.relative, exc)
        templates.analyse(walker, events.renders, self.sources)
        return events

    @cached_property
    def queries(self) -> list[tuple]:
        """Each query as built up to each of its calls, as its Uses (duplicates from walking a
        function more than once dropped)."""
        seen, found = set(), []
        for uses in self.events.queries:
            key = tuple((id(u.origin.node), u.model, u.field, u.kind) for u in uses)
            if key not in seen:
                seen.add(key)
                found.append(uses)
        return found

    def rows(self, *kinds: str) -> list:
        from migsafe.code.loops import unique

        return unique([row for row in self.events.rows if row.kind in kinds])

    @property
    def problems(self) -> list:
        return self.sources.problems

    def location(self, file, line: int) -> Location:
        return Location(file.app_label, None, file.relative, line)

    def model_location(self, model, **where) -> Location | None:
        """Where MODEL (its field, Meta option or index) is written; None outside the project."""
        found = self.definitions.where(model, **where)
        return self.location(*found) if found else None

    def constraints(self, table: str) -> dict:
        """Indexes and constraints of TABLE as the checked migrations leave it (introspection
        answered by the offline catalog, or by the scratch database in live mode)."""
        from django.db import connection

        with connection.cursor() as cursor:
            return connection.introspection.get_constraints(cursor, table)
